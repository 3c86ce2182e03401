import { afterEach, describe, expect, it, vi } from 'vitest';

describe('the chart module', () => {
  afterEach(() => {
    delete (navigator as unknown as Record<string, unknown>).language;
  });

  it('loads when the system language is a tag Intl refuses (LANG=C gives "C" in WebKitGTK)', async () => {
    Object.defineProperty(navigator, 'language', { value: 'C', configurable: true });
    expect(() => new Intl.NumberFormat('C')).toThrow(RangeError);
    vi.resetModules();
    // uPlot builds an Intl.NumberFormat of navigator.language when imported.
    await expect(import('./chart')).resolves.toHaveProperty('phaseChart');
  });
});
