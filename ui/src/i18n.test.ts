import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { pickLang, Texts } from './i18n';

const en = new Texts('en');
const ar = new Texts('ar');

describe('the API messages render in both languages from the one catalog', () => {
  const refused = { id: 'tcp-refused', args: { addr: { address: '127.0.0.1:80' } } };

  it('renders a probe message with its typed arguments', () => {
    expect(en.message(refused)).toBe('connection refused by 127.0.0.1:80');
    // The address stays a left-to-right run inside Arabic.
    expect(ar.message(refused)).toContain('رفض');
    expect(ar.message(refused)).toContain('\u2066127.0.0.1:80\u2069');
  });

  it('renders stored messages (arguments as JSON) the same way', () => {
    const stored = { id: 'http-status', args: { status: { code: '503' }, reason: { text: 'Service Unavailable' }, expected: { code: '200-399' } } };
    expect(en.message(stored)).toBe('status 503 Service Unavailable (expected 200-399)');
    expect(ar.message(stored)).toMatch(/^رمز الحالة/);
  });

  it('says sizes and counts as the resident does', () => {
    expect(en.size(512)).toBe('512 bytes');
    expect(en.size(1536)).toBe('1.5 KiB');
    expect(ar.size(2 * 1_048_576).replace(/[\u2066-\u2069]/g, '')).toBe('2.0 ميغابايت');
  });

  it('an unknown id shows as the id, never as nothing', () => {
    expect(en.message({ id: 'from-a-newer-resident', args: {} })).toBe('from-a-newer-resident');
  });
});

describe('the window language', () => {
  it('is the one chosen before, else the system one, else English', () => {
    expect(pickLang('ar', ['en-US'])).toBe('ar');
    expect(pickLang(null, ['ar-EG', 'en'])).toBe('ar');
    expect(pickLang(null, ['fr-FR', 'en-GB'])).toBe('en');
    expect(pickLang('xx', ['de'])).toBe('en');
  });
});

/** Every literal message id the window's code asks for (`t('id'`, `'id'` in id tables). */
function idsInCode(): Set<string> {
  const ids = new Set<string>();
  const dirs = [__dirname, join(__dirname, 'views')];
  for (const dir of dirs) {
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file === 'testing.ts') continue;
      const source = readFileSync(join(dir, file), 'utf8');
      for (const m of source.matchAll(/\bt\('([a-z0-9_-]+)'/g)) ids.add(m[1]!);
      for (const m of source.matchAll(/\['(range-[a-z0-9]+)'/g)) ids.add(m[1]!);
      for (const m of source.matchAll(/'(action-[a-z0-9-]+)'/g)) ids.add(m[1]!);
    }
  }
  return ids;
}

describe('the window says nothing outside the catalog', () => {
  const ids = idsInCode();

  it('finds the ids the code uses', () => {
    expect(ids.size).toBeGreaterThan(60);
  });

  it.each(['en', 'ar'] as const)('every id the window uses is in %s.ftl itself', (lang) => {
    const texts = new Texts(lang);
    const ftl = readFileSync(join(__dirname, `../../crates/text/locales/${lang}.ftl`), 'utf8');
    const missing = [...ids].filter((id) => !texts.has(id) || !new RegExp(`^${id} =`, 'm').test(ftl));
    expect(missing).toEqual([]);
  });

  it('every state, verdict, phase and day state the API can send has its words', () => {
    const dynamic = [
      ...['unknown', 'up', 'degraded', 'down', 'unstable', 'paused'].map((s) => `state-${s}`),
      ...['online', 'offline', 'captive_portal', 'local_dns_broken'].map((v) => `verdict-${v}`),
      ...['dns', 'connect', 'tls', 'ttfb'].map((p) => `phase-${p}`),
      ...['up', 'degraded', 'down', 'not_monitored'].map((d) => `day-state-${d}`),
      ...['up', 'degraded', 'down'].map((s) => `check-status-${s}`),
      ...['down', 'degraded', 'unstable'].map((k) => `incident-kind-${k}`),
      ...['no_such_watch', 'paused', 'history_unavailable', 'stopped', 'too_many_clients', 'forbidden'].map((c) => `window-error-code-${c}`),
      'window-language-en',
      'window-language-ar',
    ];
    for (const id of dynamic) {
      expect(en.t(id), id).not.toBe(id);
      expect(ar.t(id), id).not.toBe(id);
      // The Arabic text is Arabic, not English left behind (the language names excepted).
      if (!id.startsWith('window-language')) expect(ar.t(id), id).not.toBe(en.t(id));
    }
  });
});

describe('Intl formatters', () => {
  it('are made once per language and options, and format as a new one does', () => {
    const ar = new Texts('ar');
    const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'medium' };
    const first = ar.dateFormat(options);
    expect(ar.dateFormat({ ...options })).toBe(first);
    expect(ar.dateFormat({ dateStyle: 'medium' })).not.toBe(first);
    expect(new Texts('en').dateFormat(options)).not.toBe(first);
    const at = 1_796_020_000_000;
    expect(first.format(at)).toBe(new Intl.DateTimeFormat('ar-u-nu-latn', options).format(at));
    expect(ar.numberFormat({ maximumFractionDigits: 2 })).toBe(ar.numberFormat({ maximumFractionDigits: 2 }));
  });
});
