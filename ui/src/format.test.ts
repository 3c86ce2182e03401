import { describe, expect, it } from 'vitest';

import { duration, latency, percent } from './format';
import { Texts } from './i18n';

const en = new Texts('en');
const ar = new Texts('ar');
const bare = (s: string) => s.replace(/[\u2066-\u2069\u200f]/g, '');

describe('numbers carry their units', () => {
  it('latency in ms below a second, in s above, with the precision it deserves', () => {
    expect(latency(en, 0.4234)).toBe('0.42 ms');
    expect(latency(en, 25.14)).toBe('25.1 ms');
    expect(latency(en, 85.4)).toBe('85.4 ms');
    expect(latency(en, 185.4)).toBe('185 ms');
    expect(latency(en, 1250)).toBe('1.25 s');
    expect(latency(en, null)).toBe('–');
    expect(bare(latency(ar, 185.4))).toBe('185 م.ث');
    expect(bare(latency(ar, 1250))).toBe('1.25 ث');
  });

  it('a number inside Arabic is a left-to-right run', () => {
    expect(latency(ar, 85)).toContain('\u206685\u2069');
    expect(latency(en, 85)).not.toMatch(/[\u2066-\u2069]/);
  });

  it('percent: never 100 % when anything was down, "no data" when nothing was observed', () => {
    expect(percent(en, 1)).toBe('100 %');
    expect(percent(en, 0.99999)).toBe('99.99 %');
    expect(percent(en, 0.5)).toBe('50 %');
    expect(percent(en, null)).toBe('no data');
    expect(bare(percent(ar, 0.995))).toBe('99.5٪');
    expect(percent(ar, null)).toBe('لا توجد بيانات');
  });

  it('durations in the catalog words, with Arabic plurals', () => {
    expect(duration(en, 45_000)).toBe('45 s');
    expect(duration(en, 12 * 60_000)).toBe('12 min');
    expect(duration(en, 125 * 60_000)).toBe('2 h 5 min');
    expect(duration(en, 3 * 86_400_000)).toBe('3 days');
    expect(duration(en, 86_400_000 + 4 * 3_600_000)).toBe('1 day 4 h');
    expect(bare(duration(ar, 2 * 3_600_000))).toBe('ساعتين');
    expect(bare(duration(ar, 5 * 60_000))).toBe('5 دقائق');
  });
});
