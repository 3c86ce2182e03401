// The window's words, from the product's one catalog (crates/text/locales/*.ftl, the files
// the resident renders its own messages from): the window's labels and the API's messages
// (an id with typed arguments) in English or Arabic.

import { FluentBundle, FluentNumber, FluentResource, type FluentVariable } from '@fluent/bundle';

import arFtl from '../../crates/text/locales/ar.ftl?raw';
import enFtl from '../../crates/text/locales/en.ftl?raw';
import type { JsonValue, Message, StoredMessage } from './generated';

/** A language of the catalog. */
export type Lang = 'en' | 'ar';
export const LANGS: readonly Lang[] = ['en', 'ar'];

/** Arguments for a message: text or a number (which selects the plural form). */
export type Args = Record<string, string | number>;

const SOURCES: Record<Lang, string> = { en: enFtl, ar: arFtl };
const STORAGE_KEY = 'downwatch.lang';
const LRI = '\u2066';
const PDI = '\u2069';
// First-strong isolates Fluent wraps variables in, and the left-to-right isolates above.
const ISOLATES = /[\u2066-\u2069]/g;
const RTL_CHAR = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;

/** The language to start in: the one chosen before, else the system's, else English. */
export function pickLang(stored: string | null, system: readonly string[]): Lang {
  if (stored === 'en' || stored === 'ar') return stored;
  for (const tag of system) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'ar' || base === 'en') return base;
  }
  return 'en';
}

/** The language remembered in `storage` or the system's. */
export function initialLang(storage: Pick<Storage, 'getItem'> | null, languages: readonly string[]): Lang {
  let stored: string | null = null;
  try {
    stored = storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    // Storage may be disabled: the system's language then.
  }
  return pickLang(stored, languages);
}

/** Remembers the chosen language. */
export function rememberLang(storage: Pick<Storage, 'setItem'> | null, lang: Lang): void {
  try {
    storage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered: the choice still holds for this window.
  }
}

function bundle(lang: Lang): FluentBundle {
  // Latin digits in Arabic too, as the resident's own Arabic messages write them.
  const locale = lang === 'ar' ? 'ar-u-nu-latn' : 'en';
  const b = new FluentBundle(locale, { useIsolating: true });
  const errors = b.addResource(new FluentResource(SOURCES[lang]));
  if (errors.length > 0) console.error('message catalog', lang, errors);
  return b;
}

/** The catalog in one language, with English filling any gap. */
export class Texts {
  readonly lang: Lang;
  /** A BCP 47 tag for `Intl` (dates, numbers): Latin digits in Arabic. */
  readonly locale: string;
  readonly rtl: boolean;
  private readonly bundle: FluentBundle;
  private readonly fallback: FluentBundle | null;
  private readonly dates = new Map<string, Intl.DateTimeFormat>();
  private readonly numbers = new Map<string, Intl.NumberFormat>();

  constructor(lang: Lang) {
    this.lang = lang;
    this.rtl = lang === 'ar';
    this.locale = lang === 'ar' ? 'ar-u-nu-latn' : 'en';
    this.bundle = bundle(lang);
    this.fallback = lang === 'en' ? null : bundle('en');
  }

  /**
   * An `Intl.DateTimeFormat` of this locale with `options`, made once per options: making
   * one costs far more than formatting with it (a timeline formats thousands of times).
   */
  dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    const key = JSON.stringify(options);
    let format = this.dates.get(key);
    if (!format) this.dates.set(key, (format = new Intl.DateTimeFormat(this.locale, options)));
    return format;
  }

  /** An `Intl.NumberFormat` of this locale with `options`, made once per options. */
  numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
    const key = JSON.stringify(options);
    let format = this.numbers.get(key);
    if (!format) this.numbers.set(key, (format = new Intl.NumberFormat(this.locale, options)));
    return format;
  }

  /** Whether the catalog has message `id`. */
  has(id: string): boolean {
    return this.bundle.hasMessage(id) || (this.fallback?.hasMessage(id) ?? false);
  }

  /** Message `id` with `args`; the id itself when no catalog has it. */
  t(id: string, args: Args = {}): string {
    const source = this.bundle.hasMessage(id) ? this.bundle : this.fallback?.hasMessage(id) ? this.fallback : null;
    const pattern = source?.getMessage(id)?.value;
    if (!source || !pattern) return id;
    const vars: Record<string, FluentVariable> = {};
    for (const [name, value] of Object.entries(args)) {
      vars[name] = typeof value === 'number' ? new FluentNumber(value, { maximumFractionDigits: 2 }) : value;
    }
    const errors: Error[] = [];
    const text = source.formatPattern(pattern, vars, errors);
    if (errors.length > 0) console.warn('message', id, errors.map(String));
    // As the resident does: the marks stay in Arabic, and in English only around
    // right-to-left text (a watch named in Arabic); elsewhere they change nothing.
    return this.rtl || RTL_CHAR.test(text) ? text : text.replace(ISOLATES, '');
  }

  /** A left-to-right run (an address, a code, a number with a unit) inside Arabic. */
  ltr(text: string): string {
    return this.rtl ? `${LRI}${text}${PDI}` : text;
  }

  /** A message of the API (a probe's failure, as data) in this language. */
  message(message: Message | StoredMessage): string {
    const args: Args = {};
    for (const [name, value] of Object.entries(message.args ?? {})) {
      args[name] = this.argument(value as JsonValue | undefined);
    }
    return this.t(message.id, args);
  }

  /** One typed argument (`{"address": "127.0.0.1:80"}`) as the resident shows it. */
  private argument(value: JsonValue | undefined): string | number {
    if (value === null || value === undefined) return '';
    if (typeof value !== 'object' || Array.isArray(value)) return String(value);
    const [kind, inner] = Object.entries(value)[0] ?? ['text', ''];
    switch (kind) {
      case 'address':
      case 'code':
        return this.ltr(String(inner));
      case 'count':
        return Number(inner);
      case 'bytes':
        return this.size(Number(inner));
      case 'millis':
        return this.ltr((Number(inner) / 1000).toFixed(2));
      default:
        // text, name, key, and a kind a newer resident may add: shown as it is.
        return String(inner);
    }
  }

  /** `512 bytes`, `1.0 KiB`, `2.0 MiB`, as the resident says sizes. */
  size(n: number): string {
    if (n < 1024) return this.t('size-bytes', { n: this.ltr(String(n)) });
    if (n < 1_048_576) return this.t('size-kib', { n: this.ltr((n / 1024).toFixed(1)) });
    return this.t('size-mib', { n: this.ltr((n / 1_048_576).toFixed(1)) });
  }
}
