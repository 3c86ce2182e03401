// The range picker shared by the watch page's chart and the incidents timeline.

import { describe, expect, it } from 'vitest';

import { Texts } from './i18n';
import { rangePicker } from './view';

const RANGES = [
  ['range-24h', 86_400_000],
  ['range-7d', 7 * 86_400_000],
] as const;

describe('rangePicker', () => {
  it('presses the current range, and a click presses the new one and reports its length', () => {
    const picked: number[] = [];
    const box = rangePicker(new Texts('en'), RANGES, 86_400_000, (ms) => picked.push(ms));
    const pressed = () =>
      [...box.querySelectorAll('button')].map((b) => `${b.textContent}:${b.getAttribute('aria-pressed')}`);
    expect(pressed()).toEqual(['24 h:true', '7 days:false']);
    box.querySelectorAll('button')[1]?.click();
    expect(picked).toEqual([7 * 86_400_000]);
    expect(pressed()).toEqual(['24 h:false', '7 days:true']);
  });
});
