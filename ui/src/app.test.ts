// The window against a fake bridge: the hooks the WebDriver tests use, live updates, the
// connection banner, languages, and hostile text shown as text.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startApp } from './app';
import { h } from './dom';
import { type Fake, fakeBridge, incident, incidentHandlers, resetHash, snapshot, until, watch } from './testing';
import type { Snapshot, Watch } from './generated';

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const NOW = 1_700_000_200_000;

function store(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  } as Storage;
}

function overviewBridge(current: { snap: Snapshot & { answer: 'snapshot' } }): Fake {
  return fakeBridge({
    snapshot: () => current.snap,
    uptime: () => ({ answer: 'uptime', up_ms: 1, degraded_ms: 0, down_ms: 0, window_ms: 1, availability: 0.9995 }),
    latency_series: () => ({ answer: 'latency_series', source: 'raw', bucket_ms: 1_800_000, points: [] }),
    ...incidentHandlers([]),
    checks: () => ({ answer: 'checks', checks: [], next: null }),
    days: () => ({ answer: 'days', days: [] }),
    pause: () => ({ answer: 'done' }),
    check_now: () => ({ answer: 'done' }),
  });
}

const row = (name: string) =>
  [...document.querySelectorAll<HTMLElement>('[data-watch]')].find((el) => el.dataset.watch === name && el.tagName === 'TR');

beforeEach(async () => {
  await resetHash();
  document.documentElement.removeAttribute('dir');
  (window as unknown as { __pwned?: number }).__pwned = undefined;
});
const running: { stop(): void }[] = [];
afterEach(() => {
  running.splice(0).forEach((app) => app.stop());
  document.body.textContent = '';
});

describe('the overview', () => {
  it('has every watch with its state as data-state, problems first, and the view on <main>', async () => {
    const current = { snap: snapshot([watch('Web', 'up'), watch('API', 'down'), watch('Shop', 'unstable', { group: 'Acme' })]) };
    running.push(await startApp({ bridge: overviewBridge(current), lang: 'en', storage: store(), now: () => NOW }));
    await until(() => row('API'), 'rows');
    expect(document.querySelector('main')!.dataset.view).toBe('overview');
    expect(row('Web')!.dataset.state).toBe('up');
    expect(row('API')!.dataset.state).toBe('down');
    expect(row('Shop')!.dataset.state).toBe('unstable');
    const order = [...document.querySelectorAll<HTMLElement>('tr[data-watch]')].map((r) => r.dataset.watch);
    expect(order).toEqual(['API', 'Web', 'Shop']);
    // Uptime arrives with its unit, and the verdict is said.
    await until(() => row('Web')!.textContent!.includes('99.95 %'), 'uptime');
    expect(document.body.textContent).toContain('Your connection works');
  });

  it('draws the rows before their figures are asked, and builds the table a few times, not once a watch', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `watch ${String(i).padStart(2, '0')}`);
    const current = { snap: snapshot(names.map((n) => watch(n, 'up'))) };
    let rowsAtFirstAsk: number | null = null;
    const bridge = fakeBridge({
      snapshot: () => current.snap,
      uptime: () => {
        rowsAtFirstAsk ??= document.querySelectorAll('tr[data-watch]').length;
        return { answer: 'uptime', up_ms: 1, degraded_ms: 0, down_ms: 0, window_ms: 1, availability: 0.9995 };
      },
      latency_series: () => ({ answer: 'latency_series', source: 'raw', bucket_ms: 1_800_000, points: [] }),
    });
    // Each build of the table puts its heading in anew.
    let builds = 0;
    const watcher = new MutationObserver((records) => {
      for (const r of records) builds += [...r.addedNodes].filter((n) => n.nodeName === 'H1').length;
    });
    watcher.observe(document.body, { childList: true, subtree: true });
    running.push(await startApp({ bridge, lang: 'en', storage: store(), now: () => NOW }));
    await until(() => [...document.querySelectorAll('tr[data-watch]')].filter((r) => r.textContent!.includes('99.95 %')).length === 50, 'every figure');
    watcher.disconnect();
    expect(rowsAtFirstAsk).toBe(50);
    expect(builds).toBeLessThanOrEqual(5);
  });

  it('asks one snapshot to start, before the start round trips answer, for both the rows and the banner', async () => {
    const current = { snap: snapshot([watch('Web', 'up')]) };
    const bridge = overviewBridge(current);
    let releaseStart!: () => void;
    const held = new Promise<void>((r) => (releaseStart = r));
    const startAt = bridge.startAt;
    bridge.startAt = async () => {
      await held;
      return startAt();
    };
    const starting = startApp({ bridge, lang: 'en', storage: store(), now: () => NOW });
    await until(() => bridge.calls.length > 0, 'a first call');
    expect(bridge.calls.map((c) => c.call)).toEqual(['snapshot']);
    releaseStart();
    running.push(await starting);
    await until(() => row('Web'), 'rows');
    await until(() => row('Web')!.textContent!.includes('99.95 %'), 'figures');
    expect(bridge.calls.filter((c) => c.call === 'snapshot')).toHaveLength(1);
    expect(document.querySelector<HTMLElement>('.banner')!.dataset.connection).toBe('connected');
  });

  it('marks its start on the page clock once, in order, for the benchmark', async () => {
    performance.clearMarks();
    const current = { snap: snapshot([watch('Web', 'up'), watch('API', 'down')]) };
    running.push(await startApp({ bridge: overviewBridge(current), lang: 'en', storage: store(), now: () => NOW }));
    await until(() => performance.getEntriesByName('dw-frame', 'mark').length > 0, 'the frame mark');
    const names = ['dw-started', 'dw-snapshot', 'dw-rows', 'dw-frame'];
    const at = names.map((n) => performance.getEntriesByName(n, 'mark'));
    expect(at.map((marks) => marks.length)).toEqual([1, 1, 1, 1]);
    const times = at.map((marks) => marks[0]!.startTime);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // A later view (the overview again, after a change) marks nothing more.
    current.snap = snapshot([watch('Web', 'down'), watch('API', 'down')]);
    location.hash = '#/incidents';
    await until(() => document.querySelector('main')!.dataset.view === 'incidents', 'the timeline');
    location.hash = '#/';
    await until(() => row('Web')?.dataset.state === 'down', 'the overview again');
    expect(names.map((n) => performance.getEntriesByName(n, 'mark').length)).toEqual([1, 1, 1, 1]);
  });

  it('reads the figures of two watches at a time, so the window keeps time to draw', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `watch ${String(i).padStart(2, '0')}`);
    const current = { snap: snapshot(names.map((n) => watch(n, 'up'))) };
    const inFlight = new Set<string>();
    let most = 0;
    const slow = async <T>(name: string, answer: T): Promise<T> => {
      inFlight.add(name);
      most = Math.max(most, inFlight.size);
      await new Promise((r) => setTimeout(r, 3));
      inFlight.delete(name);
      return answer;
    };
    const bridge = fakeBridge({
      snapshot: () => current.snap,
      uptime: (c) => slow(c.watch, { answer: 'uptime', up_ms: 1, degraded_ms: 0, down_ms: 0, window_ms: 1, availability: 0.9995 }),
      latency_series: (c) => slow(c.watch, { answer: 'latency_series', source: 'raw', bucket_ms: 1_800_000, points: [] }),
    });
    running.push(await startApp({ bridge, lang: 'en', storage: store(), now: () => NOW }));
    await until(() => [...document.querySelectorAll('tr[data-watch]')].filter((r) => r.textContent!.includes('99.95 %')).length === 12, 'every figure');
    expect(most).toBe(2);
    expect(bridge.calls.filter((c) => c.call === 'uptime')).toHaveLength(36);
  });

  it('shows a state change live, without a reload, and keeps it keyboard-reachable', async () => {
    const current = { snap: snapshot([watch('Web', 'up')]) };
    const bridge = overviewBridge(current);
    running.push(await startApp({ bridge, lang: 'en', storage: store(), now: () => NOW }));
    await until(() => row('Web'));
    const link = row('Web')!.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('#/watch/Web');
    current.snap = snapshot([watch('Web', 'down')]);
    bridge.emit({ kind: 'event', event: { event: 'state', watch: 'Web', from: 'up', to: 'down' } });
    await until(() => row('Web')!.dataset.state === 'down', 'live state');
    expect([...row('Web')!.querySelectorAll('button')].map((b) => b.textContent)).toContain('Check now');
  });

  it('pauses a watch from its row', async () => {
    const current = { snap: snapshot([watch('Web', 'up')]) };
    const bridge = overviewBridge(current);
    running.push(await startApp({ bridge, lang: 'en', storage: store(), now: () => NOW }));
    await until(() => row('Web'));
    const pause = [...row('Web')!.querySelectorAll('button')].find((b) => b.textContent === 'Pause 1 h')!;
    pause.click();
    await until(() => bridge.calls.some((c) => c.call === 'pause'));
    expect(bridge.calls.find((c) => c.call === 'pause')).toEqual({ call: 'pause', watch: 'Web', for_s: 3600 });
  });

  it('every control is a real button or link, and Escape closes the pause menu onto its button', async () => {
    const current = { snap: snapshot([watch('Web', 'up')]) };
    running.push(await startApp({ bridge: overviewBridge(current), lang: 'en', storage: store(), now: () => NOW }));
    await until(() => row('Web'));
    const clickable = [...document.querySelectorAll('[data-key]')];
    expect(clickable.length).toBeGreaterThan(4);
    for (const el of clickable) expect(['BUTTON', 'A', 'SUMMARY']).toContain(el.tagName);
    const menu = row('Web')!.querySelector('details')!;
    menu.setAttribute('open', '');
    menu.querySelector('button')!.focus();
    document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(menu.hasAttribute('open')).toBe(false);
    expect(document.activeElement).toBe(menu.querySelector('summary'));
  });

  it('words a refusal from its code in the window language', async () => {
    const current = { snap: snapshot([watch('Web', 'up')]) };
    const bridge = fakeBridge({
      ...{ snapshot: () => current.snap },
      check_now: () => {
        throw { kind: 'api', error: { code: 'paused', message: 'the watch is paused' } };
      },
    });
    running.push(await startApp({ bridge, lang: 'ar', storage: store(), now: () => NOW }));
    await until(() => row('Web'));
    row('Web')!.querySelector('button')!.click();
    const alert = await until(() => document.querySelector('[role=alert]'), 'alert');
    expect(alert.textContent).toBe('المراقبة موقوفة مؤقتًا: استأنفها أولًا.');
  });

  it('says when the resident is gone and clears it when it is back', async () => {
    const current = { snap: snapshot([watch('Web', 'up')]) };
    const bridge = overviewBridge(current);
    running.push(await startApp({ bridge, lang: 'en', storage: store(), now: () => NOW }));
    const banner = () => document.querySelector<HTMLElement>('[data-connection]')!;
    await until(() => row('Web'));
    bridge.emit({ kind: 'disconnected' });
    expect(banner().dataset.connection).toBe('disconnected');
    expect(banner().hidden).toBe(false);
    expect(banner().textContent).toContain('not running');
    bridge.emit({ kind: 'connected' });
    expect(banner().dataset.connection).toBe('connected');
    expect(banner().hidden).toBe(true);
  });

  it('starts disconnected when no resident answers', async () => {
    const bridge = fakeBridge({
      snapshot: () => {
        throw { kind: 'resident_unreachable', socket: '/run/user/1000/downwatch/api.sock' };
      },
    });
    running.push(await startApp({ bridge, lang: 'en', storage: store(), now: () => NOW }));
    await until(() => document.querySelector('[data-connection="disconnected"]'), 'banner');
    await until(() => document.querySelector('main .error'), 'error');
    expect(document.querySelector('main .error')!.textContent).toContain('/run/user/1000/downwatch/api.sock');
  });
});

describe('languages', () => {
  it('Arabic: right to left, lang=ar, no English label left, and the choice remembered', async () => {
    const current = { snap: snapshot([watch('Web', 'down'), watch('API', 'paused', { paused: { until_ms: null } })]) };
    const storage = store();
    running.push(await startApp({ bridge: overviewBridge(current), lang: 'en', storage, now: () => NOW }));
    await until(() => row('Web'));
    const select = document.querySelector<HTMLSelectElement>('select#lang')!;
    select.value = 'ar';
    select.dispatchEvent(new Event('change'));
    await until(() => document.documentElement.dir === 'rtl', 'rtl');
    expect(document.documentElement.lang).toBe('ar');
    expect(storage.getItem('downwatch.lang')).toBe('ar');
    await until(() => row('Web')?.textContent?.includes('متوقفة'), 'Arabic state');
    await until(() => row('Web')!.textContent!.includes('٪'), 'uptime');
    // Every Latin word left is a watch name, a code or the language's own name.
    const allowed = new Set(['Web', 'API', 'English', 'Downwatch', 'DNS', 'TLS', 'HTTP', 'TCP']);
    const words = (document.body.textContent ?? '').match(/[A-Za-z]{2,}/g) ?? [];
    expect(words.filter((w) => !allowed.has(w))).toEqual([]);
  });
});

describe('hostile text', () => {
  it('a server answering markup shows it as text, in the overview and the check log', async () => {
    const evil = watch(HOSTILE, 'down', {
      last: {
        at_ms: NOW,
        status: 'down',
        layer: 'http',
        cause: 'http_status',
        message: { id: 'verbatim', args: { text: { text: HOSTILE } } },
        phases: { dns_ms: null, connect_ms: 1, tls_ms: null, ttfb_ms: 2, total_ms: 3 },
        judged: true,
      },
      group: HOSTILE,
    });
    const current = { snap: snapshot([evil as Watch]) };
    const bridge = fakeBridge({
      snapshot: () => current.snap,
      uptime: () => ({ answer: 'uptime', up_ms: 0, degraded_ms: 0, down_ms: 1, window_ms: 1, availability: 0 }),
      latency_series: () => ({ answer: 'latency_series', source: 'raw', bucket_ms: 60_000, points: [] }),
      ...incidentHandlers([incident('i-1', HOSTILE, NOW - 1000, null, { cause: HOSTILE })]),
      days: () => ({ answer: 'days', days: [] }),
      checks: () => ({
        answer: 'checks',
        next: null,
        checks: [
          {
            id: 1,
            at_ms: NOW,
            status: 'down',
            judged: true,
            layer: HOSTILE,
            cause: 'http_status',
            message: { id: 'http-status', args: { status: { code: '500' }, reason: { text: HOSTILE }, expected: { code: '200-399' } } },
            address: HOSTILE,
            http_status: 500,
            phases: { dns_ms: null, connect_ms: 1, tls_ms: null, ttfb_ms: 2, total_ms: 3 },
          },
        ],
      }),
    });
    running.push(await startApp({ bridge, lang: 'en', storage: store(), now: () => NOW }));
    await until(() => row(HOSTILE), 'hostile row');
    expect(document.querySelectorAll('img, script').length).toBe(0);
    expect(row(HOSTILE)!.textContent).toContain(HOSTILE);
    expect(document.querySelector('caption')!.textContent).toBe(HOSTILE);

    row(HOSTILE)!.querySelector('a')!.click();
    location.hash = `#/watch/${encodeURIComponent(HOSTILE)}`;
    await until(() => document.querySelector('table.log'), 'check log');
    await until(() => document.querySelector('table.incidents'), 'incidents');
    expect(document.querySelector('main')!.dataset.view).toBe('watch');
    expect(document.querySelector('h1')!.textContent).toBe(HOSTILE);
    expect(document.querySelector('table.log')!.textContent).toContain(`status 500 ${HOSTILE} (expected 200-399)`);
    expect(document.querySelector('.failure')!.textContent).toContain(HOSTILE);
    expect(document.querySelector('table.incidents')!.textContent).toContain(HOSTILE);
    expect(document.querySelectorAll('img, script').length).toBe(0);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('the element builder refuses inline handlers and styles', () => {
    expect(() => h('div', { onclick: 'alert(1)' })).toThrow();
    expect(() => h('div', { style: 'color:red' })).toThrow();
    expect(h('p', { title: HOSTILE }, HOSTILE).innerHTML).not.toContain('<img');
  });
});
