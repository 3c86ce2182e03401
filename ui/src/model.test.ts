import { describe, expect, it } from 'vitest';

import { place, sections, stack, together } from './model';
import { incident, watch } from './testing';
import type { LatencyPoint, Phase } from './generated';

describe('the overview puts groups together and problems first', () => {
  it('orders sections by their worst state, then by configuration order', () => {
    const ws = [
      watch('Web', 'up'),
      watch('Gmail', 'up', { group: 'Google' }),
      watch('WhatsApp', 'up', { group: 'Meta' }),
      watch('Instagram', 'down', { group: 'Meta' }),
      watch('Drive', 'degraded', { group: 'Google' }),
      watch('Shop', 'paused'),
    ];
    const out = sections(ws).map((s) => [s.group, s.watches.map((w) => w.name)]);
    expect(out).toEqual([
      ['Meta', ['Instagram', 'WhatsApp']],
      ['Google', ['Drive', 'Gmail']],
      [null, ['Shop', 'Web']],
    ]);
  });

  it('keeps the configuration order when nothing is wrong', () => {
    const ws = [watch('B', 'up'), watch('A', 'up'), watch('C', 'up', { group: 'G' })];
    expect(sections(ws).map((s) => s.group)).toEqual([null, 'G']);
    expect(sections(ws)[0]!.watches.map((w) => w.name)).toEqual(['B', 'A']);
  });

  it('unstable ranks after down and degraded but before unknown and up', () => {
    const ws = [watch('U', 'up'), watch('K', 'unknown'), watch('S', 'unstable'), watch('D', 'degraded'), watch('X', 'down')];
    expect(sections(ws)[0]!.watches.map((w) => w.name)).toEqual(['X', 'D', 'S', 'K', 'U']);
  });
});

describe('the timeline finds simultaneous outages', () => {
  const now = 10_000;

  it('bands incidents of two watches or more that started together while the previous went on', () => {
    const list = [
      incident('a', 'WhatsApp', 100, 500),
      incident('b', 'Instagram', 200, 300),
      incident('c', 'Facebook', 250, 900),
      incident('d', 'Web', 2000, 2100), // alone
      incident('e', 'Web', 3000, 3100),
      incident('f', 'Web', 3050, 3200), // the same watch twice is not "together"
    ];
    const groups: Record<string, string> = { WhatsApp: 'Meta', Instagram: 'Meta', Facebook: 'Meta' };
    const bands = together(list, now, (w) => groups[w] ?? null);
    expect(bands).toHaveLength(1);
    expect(bands[0]).toMatchObject({ start: 100, end: 900, watches: ['WhatsApp', 'Instagram', 'Facebook'], group: 'Meta', offline: false });
    expect(bands[0]!.incidents).toEqual(['a', 'b', 'c']);
  });

  it('a long outage does not pull a later, unrelated one into its band', () => {
    const hour = 3_600_000;
    const list = [
      incident('shop', 'Shop', 0, null),
      incident('billing', 'Billing', 4000, null),
      incident('api', 'API', hour - 60_000, null), // a minute before: together with the group outage
      // As the resident tells a group outage: the first incident leads, the others name it.
      incident('wa', 'WhatsApp', hour, null),
      incident('fb', 'Facebook', hour + 100, null, { group_incident: 'wa' }),
      incident('ig', 'Instagram', hour + 10 * 60_000, null, { group_incident: 'wa' }), // late, same outage
    ];
    const bands = together(list, 2 * hour);
    expect(bands.map((b) => b.incidents)).toEqual([['shop', 'billing'], ['api', 'wa', 'fb', 'ig']]);
  });

  it('touching is not overlapping; an open incident lasts until now', () => {
    expect(together([incident('a', 'A', 0, 100), incident('b', 'B', 100, 200)], now)).toEqual([]);
    const open = together([incident('a', 'A', 0, null), incident('b', 'B', 60_000, 70_000)], 5 * 60_000);
    expect(open).toHaveLength(1);
    expect(open[0]!.end).toBe(5 * 60_000);
  });

  it('no common group: null; an offline span inside marks the band as the user\'s own', () => {
    const list = [incident('a', 'A', 100, 500, { watch: 'A' }), incident('b', 'B', 200, 600)];
    const bands = together(list, now, (w) => (w === 'A' ? 'G' : null), [{ start: 150, end: 250 }]);
    expect(bands[0]!.group).toBeNull();
    expect(bands[0]!.offline).toBe(true);
    expect(together(list, now, () => null, [{ start: 700, end: 800 }])[0]!.offline).toBe(false);
  });

  it('places spans on the axis, clipped to it', () => {
    expect(place({ start: 50, end: 150 }, 0, 200, now)).toEqual({ left: 0.25, width: 0.5 });
    expect(place({ start: -100, end: 100 }, 0, 200, now)).toEqual({ left: 0, width: 0.5 });
    expect(place({ start: 150, end: null }, 0, 200, 500)).toEqual({ left: 0.75, width: 0.25 });
  });
});

describe('latency phases stack on one axis', () => {
  const point = (phase: Phase, start: number, meanUs: number): LatencyPoint => ({
    start_ms: start,
    end_ms: start + 1000,
    latency: { phase, count: 1, min_us: meanUs, mean_us: meanUs, max_us: meanUs, p95_us: meanUs },
  });

  it('sums the phases bottom to top; a phase never reached counts 0; no check is a gap', () => {
    const s = stack({
      dns: [point('dns', 1000, 1000), point('dns', 2000, 2000)],
      connect: [point('connect', 1000, 500), point('connect', 2000, 500), point('connect', 4000, 700)],
      tls: [point('tls', 1000, 3000)],
      ttfb: [point('ttfb', 1000, 10_000), point('ttfb', 2000, 20_000)],
    });
    expect(s.xs).toEqual([1, 2, 4]);
    expect(s.phases.tls).toEqual([3, null, null]);
    expect(s.sums.dns).toEqual([1, 2, 0]);
    expect(s.sums.connect).toEqual([1.5, 2.5, 0.7]);
    expect(s.sums.tls).toEqual([4.5, 2.5, 0.7]);
    expect(s.sums.ttfb).toEqual([14.5, 22.5, 0.7]);
  });

  it('is empty without points', () => {
    expect(stack({ dns: [], connect: [], tls: [], ttfb: [] }).xs).toEqual([]);
  });
});

describe('sparklines', () => {
  it('spans the box, higher latency higher up; one point is a level line', async () => {
    const { sparkline } = await import('./model');
    expect(sparkline([], 100, 20)).toBe('');
    expect(sparkline([{ x: 5, y: 3 }], 100, 20)).toBe('0,10.0 100.0,10.0');
    expect(sparkline([{ x: 0, y: 10 }, { x: 10, y: 30 }, { x: 20, y: 20 }], 100, 20)).toBe('0.0,20.0 50.0,0.0 100.0,10.0');
  });
});
