// The watch page: the diagnosis as text, and an incident opened from elsewhere (a
// notification's Details, `downwatch open --incident`) shown on its watch's page.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startApp } from './app';
import { Texts } from './i18n';
import { fakeBridge, incident, incidentHandlers, resetHash, snapshot, until, watch } from './testing';
import { diagnosis } from './views/watch';

const NOW = 1_796_020_000_000;
const failing = watch('Web', 'down', {
  since_ms: NOW - 12 * 60_000,
  last: {
    at_ms: NOW - 5000,
    status: 'down',
    layer: 'tcp',
    cause: 'tcp_refused',
    message: { id: 'tcp-refused', args: { addr: { address: '127.0.0.1:8443' } } },
    phases: { dns_ms: 1.25, connect_ms: null, tls_ms: null, ttfb_ms: null, total_ms: 1.5 },
    judged: true,
  },
  incident: incident('web-1', 'Web', NOW - 12 * 60_000, null),
});

describe('copy diagnosis', () => {
  it('says the state, since when, the last check phase by phase with units, the failure and the verdict', () => {
    const text = diagnosis(new Texts('en'), failing, 'online', NOW);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Web: Down since .* \(12 min\)$/);
    expect(lines[1]).toMatch(/^Last check .*: Down, 1.5 ms$/);
    expect(lines[2]).toBe('DNS 1.25 ms, connect –, TLS –, first byte –');
    expect(lines[3]).toBe('TCP: connection refused by 127.0.0.1:8443');
    expect(lines[4]).toMatch(/^Open incident since .*: The server refused the connection$/);
    expect(lines[5]).toBe('Connection: Your connection works: a failure is the service\'s');
  });

  it('is all Arabic in Arabic but for the names, codes and addresses', () => {
    const text = diagnosis(new Texts('ar'), failing, 'offline', NOW);
    const latin = (text.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !['Web', 'DNS', 'TLS', 'TCP'].includes(w));
    expect(latin).toEqual([]);
    expect(text).toContain('\u2066127.0.0.1:8443\u2069');
  });
});

describe('an incident opened from elsewhere', () => {
  const running: { stop(): void }[] = [];
  beforeEach(resetHash);
  afterEach(() => {
    running.splice(0).forEach((app) => app.stop());
    document.body.textContent = '';
  });

  it('navigates to its watch and marks its row', async () => {
    const bridge = fakeBridge({
      snapshot: () => snapshot([failing, watch('Other', 'up')]),
      ...incidentHandlers([incident('other-1', 'Other', NOW - 3_600_000, NOW - 3_000_000), incident('web-1', 'Web', NOW - 12 * 60_000, null)]),
      latency_series: () => ({ answer: 'latency_series', source: 'raw', bucket_ms: 60_000, points: [] }),
      days: () => ({ answer: 'days', days: [] }),
      checks: () => ({ answer: 'checks', checks: [], next: null }),
    });
    running.push(await startApp({ bridge, lang: 'en', storage: null, now: () => NOW }));
    bridge.navigate({ view: 'incident', id: 'web-1' });
    await until(() => document.querySelector('tr[data-incident].highlight'), 'highlighted incident');
    expect(document.querySelector('main')!.dataset.view).toBe('watch');
    expect(document.querySelector('h1')!.textContent).toBe('Web');
    expect((document.querySelector('tr.highlight') as HTMLElement).dataset.incident).toBe('web-1');
    expect(location.hash).toBe('#/watch/Web/incident/web-1');
  });

  it('pages on to an incident older than the first page, then offers older ones', async () => {
    // 130 incidents of Web, one an hour; the one asked for is the 80th newest.
    const many = Array.from({ length: 130 }, (_, k) => incident(`web-${k}`, 'Web', NOW - (k + 1) * 3_600_000, NOW - (k + 1) * 3_600_000 + 60_000));
    const bridge = fakeBridge({
      snapshot: () => snapshot([failing, watch('Other', 'up')]),
      ...incidentHandlers([...many, incident('other-1', 'Other', NOW - 3_600_000, null)]),
      latency_series: () => ({ answer: 'latency_series', source: 'raw', bucket_ms: 60_000, points: [] }),
      days: () => ({ answer: 'days', days: [] }),
      checks: () => ({ answer: 'checks', checks: [], next: null }),
    });
    running.push(await startApp({ bridge, lang: 'en', storage: null, now: () => NOW }));
    bridge.navigate({ view: 'incident', id: 'web-79' });
    await until(() => document.querySelector('tr[data-incident].highlight'), 'highlighted incident');
    expect((document.querySelector('tr.highlight') as HTMLElement).dataset.incident).toBe('web-79');
    const shown = () => [...document.querySelectorAll<HTMLElement>('table.incidents tr[data-incident]')].map((r) => r.dataset.incident);
    // Two pages of 50, newest first, this watch's only; not the 400-day search of old.
    expect(shown()).toEqual(many.slice(0, 100).map((i) => i.id));
    const asked = bridge.calls.filter((c) => c.call === 'incidents');
    expect(asked.map((c) => (c.call === 'incidents' ? [c.watch, c.limit] : null))).toEqual([
      ['Web', 50],
      ['Web', 50],
    ]);
    expect(bridge.calls.filter((c) => c.call === 'incident')).toEqual([{ call: 'incident', incident: 'web-79' }]);
    (document.querySelector('[data-key="incidents-more"]') as HTMLButtonElement).click();
    await until(() => shown().length === 130, 'the last page');
    expect(shown()).toEqual(many.map((i) => i.id));
    expect(document.querySelector('[data-key="incidents-more"]')).toBeNull();
  });

  it('says so when the incident is not in the history', async () => {
    const bridge = fakeBridge({
      snapshot: () => snapshot([failing]),
      ...incidentHandlers([]),
    });
    running.push(await startApp({ bridge, lang: 'en', storage: null, now: () => NOW }));
    bridge.navigate({ view: 'incident', id: 'gone-1795000000000' });
    await until(() => document.querySelector('main .error'), 'error');
    expect(document.querySelector('main .error')!.textContent).toBe('No incident gone-1795000000000 in the history.');
  });
});
