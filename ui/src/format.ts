// Numbers with their units and times in the local time zone, in the window's language.
// Latencies arrive in ms (snapshot, checks) or µs (series), availability as 0..1.

import type { Texts } from './i18n';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function decimal(texts: Texts, n: number, digits: number): string {
  return texts.numberFormat({ maximumFractionDigits: digits, minimumFractionDigits: 0, useGrouping: true }).format(n);
}

/** A latency: `0.42 ms`, `85 ms`, `1.25 s`; `–` when there is none. */
export function latency(texts: Texts, ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return texts.t('window-none');
  if (ms >= 1000) return texts.t('window-unit-s', { n: texts.ltr(decimal(texts, ms / 1000, 2)) });
  const digits = ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return texts.t('window-unit-ms', { n: texts.ltr(decimal(texts, ms, digits)) });
}

/**
 * Availability (0..1) as a percentage: `100 %`, `99.95 %`; two decimals at most, and
 * never rounded up to 100 % when anything was down. `null` (nothing observed): "no data".
 */
export function percent(texts: Texts, availability: number | null | undefined): string {
  if (availability === null || availability === undefined || !Number.isFinite(availability)) {
    return texts.t('window-no-data');
  }
  const hundredths = Math.floor(availability * 10_000 + 1e-9) / 100;
  return texts.t('window-unit-percent', { n: texts.ltr(decimal(texts, hundredths, 2)) });
}

/** A duration in the catalog's words: `45 s`, `12 min`, `2 h 5 min`, `3 days 4 h`. */
export function duration(texts: Texts, ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return texts.t('duration-seconds', { seconds: total });
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return texts.t('duration-minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest === 0
      ? texts.t('duration-hours', { hours })
      : texts.t('duration-hours-minutes', { hours, minutes: rest });
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? texts.t('duration-days', { days }) : texts.t('duration-days-hours', { days, hours: rest });
}

/** A moment in the local time zone: `30 Nov 2026, 14:05:09`. */
export function time(texts: Texts, ms: number): string {
  return texts.dateFormat({ dateStyle: 'medium', timeStyle: 'medium' }).format(ms);
}

/** A moment, shorter (the same day is implied by the context): `14:05`. */
export function clock(texts: Texts, ms: number): string {
  return texts.dateFormat({ hour: '2-digit', minute: '2-digit' }).format(ms);
}

/** A local day (`2026-11-30` from the API) in words: `30 Nov 2026`. */
export function date(texts: Texts, isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  return texts.dateFormat({ dateStyle: 'medium' }).format(new Date(y, m - 1, d, 12));
}

/** The local date `YYYY-MM-DD` of a moment (for the API's `days`). */
export function isoDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The system's IANA time zone, for the API's `days`; `null` lets the resident choose. */
export function timeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    return null;
  }
}

export const UNITS = { MINUTE, HOUR, DAY };
