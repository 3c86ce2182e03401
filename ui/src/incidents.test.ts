// The incidents timeline reads its range a page at a time, every page, and shows each
// incident once, newest first in its list.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startApp } from './app';
import { fakeBridge, incident, incidentHandlers, resetHash, snapshot, until, watch } from './testing';

const NOW = 1_796_020_000_000;

describe('the incidents timeline', () => {
  const running: { stop(): void }[] = [];
  beforeEach(resetHash);
  afterEach(() => {
    running.splice(0).forEach((app) => app.stop());
    document.body.textContent = '';
  });

  it('reads every page of the range', async () => {
    // 2,100 short incidents in the last 24 h, of three watches; one from the day before.
    const names = ['A', 'B', 'C'];
    const many = Array.from({ length: 2100 }, (_, k) => {
      const start = NOW - (k + 1) * 40_000;
      return incident(`i-${k}`, names[k % 3]!, start, start + 10_000);
    });
    const older = incident('old', 'A', NOW - 30 * 3_600_000, NOW - 29 * 3_600_000);
    const bridge = fakeBridge({ snapshot: () => snapshot(names.map((n) => watch(n, 'up'))), ...incidentHandlers([...many, older]) });
    running.push(await startApp({ bridge, lang: 'en', storage: null, now: () => NOW }));
    location.hash = '#/incidents';
    const links = () => [...document.querySelectorAll<HTMLElement>('.timeline-list a[data-incident]')].map((a) => a.dataset.incident);
    await until(() => links().length > 0, 'the list');
    // The picture holds every one; the list the newest 200, then 200 more a click.
    expect(document.querySelectorAll('svg rect.bar').length).toBe(2100);
    expect(links()).toEqual(many.slice(0, 200).map((i) => i.id));
    for (let clicks = 1; clicks <= 10; clicks++) {
      document.querySelector<HTMLButtonElement>('[data-key="timeline-more"]')!.click();
      expect(links().length).toBe(Math.min(2100, 200 * (clicks + 1)));
    }
    expect(links()).toEqual(many.map((i) => i.id));
    expect(document.querySelector('[data-key="timeline-more"]')).toBeNull();
    expect((document.activeElement as HTMLElement).dataset.incident).toBe('i-2000');
    const asked = bridge.calls.flatMap((c) => (c.call === 'incidents' ? [c] : []));
    expect(asked.map((c) => [c.limit, c.after === null ? null : c.after?.at_ms])).toEqual([
      [1000, null],
      [1000, many[999]!.start_ms],
      [1000, many[1999]!.start_ms],
    ]);
    expect((document.querySelector('.incidents-view') as HTMLElement).dataset.shownRange).toBe('86400000');
    // A bar's tooltip is written when the pointer first reaches it, with the list's words.
    const bar = document.querySelectorAll('svg rect.bar')[5]!;
    const title = bar.parentElement!.querySelector('title')!;
    expect(title.textContent).toBe('');
    bar.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    const href = bar.parentElement!.getAttribute('href')!;
    const item = [...document.querySelectorAll<HTMLAnchorElement>('.timeline-list a')].find((a) => a.getAttribute('href') === href)!;
    expect(title.textContent).toBe(item.textContent);
  });

  it('keeps the list as long as the reader opened it through a live redraw, not for another range', async () => {
    const many = Array.from({ length: 500 }, (_, k) => incident(`i-${k}`, 'A', NOW - (k + 1) * 60_000, NOW - (k + 1) * 60_000 + 10_000));
    const bridge = fakeBridge({ snapshot: () => snapshot([watch('A', 'up')]), ...incidentHandlers(many) });
    running.push(await startApp({ bridge, lang: 'en', storage: null, now: () => NOW }));
    location.hash = '#/incidents';
    const links = () => document.querySelectorAll('.timeline-list a[data-incident]').length;
    await until(() => links() === 200, 'the list');
    document.querySelector<HTMLButtonElement>('[data-key="timeline-more"]')!.click();
    expect(links()).toBe(400);
    const drawn = document.querySelector('.timeline-list')!;
    bridge.emit({ kind: 'event', event: { event: 'incident_opened', watch: 'A' } });
    await until(() => !drawn.isConnected && document.querySelector('.timeline-list'), 'the redraw');
    expect(links()).toBe(400);
    document.querySelector<HTMLButtonElement>('[data-key="range-7d"]')!.click();
    await until(() => (document.querySelector('.incidents-view') as HTMLElement).dataset.shownRange === String(7 * 86_400_000), '7 days');
    expect(links()).toBe(200);
  });

  it('draws the range picked last, even when an earlier pick answers after it', async () => {
    const day = incident('in-the-day', 'A', NOW - 3_600_000, NOW - 3_000_000);
    const week = incident('in-the-week', 'A', NOW - 3 * 86_400_000, NOW - 3 * 86_400_000 + 60_000);
    const handlers = incidentHandlers([day, week]);
    // The answer for 30 days is held back until the 7-day one is drawn.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let answered = false;
    const bridge = fakeBridge({
      snapshot: () => snapshot([watch('A', 'up')]),
      incidents: async (c) => {
        if (c.until_ms - c.from_ms !== 30 * 86_400_000) return handlers.incidents!(c);
        await held;
        answered = true;
        return handlers.incidents!(c);
      },
    });
    running.push(await startApp({ bridge, lang: 'en', storage: null, now: () => NOW }));
    location.hash = '#/incidents';
    const view = await until(() => document.querySelector<HTMLElement>('.incidents-view[data-shown-range]'), 'the first range');
    const links = () => [...document.querySelectorAll<HTMLElement>('.timeline-list a[data-incident]')].map((a) => a.dataset.incident);
    expect(links()).toEqual(['in-the-day']);
    document.querySelector<HTMLButtonElement>('[data-key="range-30d"]')!.click();
    document.querySelector<HTMLButtonElement>('[data-key="range-7d"]')!.click();
    await until(() => view.dataset.shownRange === String(7 * 86_400_000), 'the 7-day range');
    expect(links()).toEqual(['in-the-day', 'in-the-week']);
    release();
    // The 30-day answer arrives now, and is dropped: a pick overtaken by a later one.
    await until(() => answered, 'the 30-day answer');
    await new Promise((r) => setTimeout(r, 0));
    expect(view.dataset.shownRange).toBe(String(7 * 86_400_000));
    expect((document.querySelector('[data-key="range-7d"]') as HTMLElement).getAttribute('aria-pressed')).toBe('true');
  });
});
