// The overview: every watch with its state, latency, uptime over 24 h / 7 d / 30 d and a
// 24 h sparkline; the "is it me" verdict; groups together, problems first; check now,
// pause and resume from here. The snapshot is read again on every change the resident
// tells; the figures (uptime, sparkline) of a watch when its state or incidents change.

import { append, button, h, replace } from '../dom';
import { duration, latency, percent, time, UNITS } from '../format';
import { markStart } from '../marks';
import { isProblem, sections } from '../model';
import { sparklineSvg } from '../sparkline';
import type { Snapshot, Watch } from '../generated';
import { type Ctx, debounce, errorBox, href, keepFocus, type ResidentEvent, stateWord, type View } from '../view';

/** A watch's figures, read from the history. */
interface Figures {
  uptime: [number | null, number | null, number | null];
  spark: { x: number; y: number }[];
  read: number;
}

const PERIODS = [UNITS.DAY, 7 * UNITS.DAY, 30 * UNITS.DAY] as const;
const FIGURES_TTL = 5 * UNITS.MINUTE;
/** The figures of many watches arrive one by one: the table is built again at most this often. */
const FIGURES_RENDER_MS = 250;
/**
 * How many watches' figures are read at once. Each is 4 round trips through the window's
 * process, whose main thread also draws the window: 200 at once (50 watches) held the
 * first painted view back by about 0.1 s (docs/benchmarks.md, issue 13).
 */
const FIGURES_AT_ONCE = 2;

/** Settles after the next frame is drawn, or after 100 ms when none comes (a hidden window). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, 100);
    requestAnimationFrame(() => {
      clearTimeout(fallback);
      setTimeout(resolve, 0);
    });
  });
}

export function overview(ctx: Ctx): View {
  const { bridge, texts } = ctx;
  const el = h('div', { class: 'overview' });
  const status = h('p', { class: 'note', role: 'status' });
  let snapshot: Snapshot | null = null;
  let failure: unknown = null;
  const figures = new Map<string, Figures>();
  const reading = new Set<string>();
  let gone = false;
  let renderTimer: ReturnType<typeof setTimeout> | null = null;

  function renderSoon(): void {
    if (renderTimer !== null || gone) return;
    renderTimer = setTimeout(() => {
      renderTimer = null;
      if (!gone) render();
    }, FIGURES_RENDER_MS);
  }

  async function readFigures(name: string): Promise<void> {
    if (reading.has(name)) return;
    reading.add(name);
    const now = ctx.now();
    try {
      const uptimes = Promise.all(
        PERIODS.map((p) => bridge.ask({ call: 'uptime', watch: name, from_ms: now - p, until_ms: now })),
      );
      const spark = bridge.ask({
        call: 'latency_series',
        watch: name,
        phase: 'total',
        from_ms: now - UNITS.DAY,
        until_ms: now,
        max_points: 48,
      });
      const [ups, series] = await Promise.all([uptimes, spark]);
      const [a, b, c] = ups.map((u) => u.availability);
      figures.set(name, {
        uptime: [a ?? null, b ?? null, c ?? null],
        spark: series.points.map((p) => ({ x: p.start_ms, y: p.latency.mean_us / 1000 })),
        read: now,
      });
    } catch {
      // The history may be unavailable: the row keeps "no data", the state still shows.
    } finally {
      reading.delete(name);
    }
    renderSoon();
  }

  async function load(): Promise<void> {
    // Only the window's first view has the early snapshot: only it marks the start.
    const early = ctx.earlySnapshot();
    try {
      snapshot = await (early ?? bridge.ask({ call: 'snapshot' }));
      failure = null;
      if (early) markStart('dw-snapshot');
    } catch (e) {
      failure = e;
    }
    if (gone) return;
    render();
    const first = early !== null && snapshot !== null;
    if (first) markStart('dw-rows');
    // The rows first: the history's 4 queries a watch wait until the rows are drawn, then
    // go a few watches at a time.
    void nextFrame().then(() => {
      if (first) markStart('dw-frame');
      return readStaleFigures();
    });
  }

  async function readStaleFigures(): Promise<void> {
    if (gone) return;
    const now = ctx.now();
    const stale = (snapshot?.watches ?? [])
      .map((w) => w.name)
      .filter((name) => {
        const f = figures.get(name);
        return !f || now - f.read > FIGURES_TTL;
      });
    const next = async (): Promise<void> => {
      for (let name = stale.shift(); name !== undefined && !gone; name = stale.shift()) await readFigures(name);
    };
    await Promise.all(Array.from({ length: FIGURES_AT_ONCE }, next));
  }

  function act(label: string, run: () => Promise<unknown>): void {
    run().then(
      () => {
        status.textContent = `${label}: ${texts.t('action-done')}`;
        void load();
      },
      (e) => replace(status, errorBox(texts, e)),
    );
  }

  function pauseMenu(watch: string | null): HTMLElement {
    const key = watch ?? '*';
    const pause = (for_s: number | null, id: string) =>
      button(texts.t(id), () => act(texts.t(id), () => bridge.ask({ call: 'pause', watch, for_s })), {
        'data-key': `${id}:${key}`,
      });
    return h(
      'details',
      { class: 'menu' },
      h('summary', { 'data-key': `pause:${key}` }, texts.t('tray-pause')),
      h(
        'div',
        { class: 'menu-items' },
        pause(900, 'action-pause-15-min'),
        pause(3600, 'action-pause-1-hour'),
        pause(null, 'action-pause-until-resumed'),
      ),
    );
  }

  function row(w: Watch): HTMLElement {
    const f = figures.get(w.name);
    const now = ctx.now();
    const since =
      w.since_ms !== null && w.state !== 'unknown' && !w.paused
        ? h('span', { class: 'since' }, texts.t('overview-for', { duration: duration(texts, now - w.since_ms) }))
        : null;
    const pausedFor = w.paused
      ? h(
          'span',
          { class: 'since' },
          w.paused.until_ms === null
            ? texts.t('window-paused-until-resumed')
            : texts.t('window-paused-until', { time: time(texts, w.paused.until_ms) }),
        )
      : null;
    const actions = h(
      'td',
      { class: 'actions' },
      button(
        texts.t('action-check-now'),
        () => act(texts.t('action-check-now'), () => bridge.ask({ call: 'check_now', watch: w.name })),
        { 'data-key': `check:${w.name}`, disabled: w.state === 'paused' },
      ),
      w.paused
        ? button(
            texts.t('action-resume'),
            () => act(texts.t('action-resume'), () => bridge.ask({ call: 'resume', watch: w.name })),
            { 'data-key': `resume:${w.name}` },
          )
        : pauseMenu(w.name),
    );
    const uptime = (i: 0 | 1 | 2) => h('td', { class: 'num' }, f ? percent(texts, f.uptime[i]) : texts.t('window-none'));
    return h(
      'tr',
      { 'data-watch': w.name, 'data-state': w.state, class: isProblem(w.state) ? 'problem' : null },
      h('th', { scope: 'row' }, h('a', { href: href({ view: 'watch', watch: w.name }), 'data-key': `open:${w.name}`, dir: 'auto' }, w.name)),
      h('td', {}, h('span', { class: `state state-${w.state}` }, stateWord(texts, w.state)), ' ', since, pausedFor),
      // A failed check's time is how long it took to fail, not the service's latency.
      h('td', { class: 'num' }, latency(texts, w.last?.status === 'down' ? null : w.last?.phases.total_ms)),
      uptime(0),
      uptime(1),
      uptime(2),
      h('td', {}, f ? sparklineSvg(f.spark, texts) : null),
      actions,
    );
  }

  function table(watches: Watch[], caption: string): HTMLElement {
    const col = (id: string) => h('th', { scope: 'col' }, texts.t(id));
    return h(
      'table',
      { class: 'watches' },
      h('caption', {}, h('bdi', {}, caption)),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          col('overview-col-service'),
          col('overview-col-state'),
          col('overview-col-latency'),
          col('overview-col-uptime-24h'),
          col('overview-col-uptime-7d'),
          col('overview-col-uptime-30d'),
          col('overview-col-sparkline'),
          col('overview-col-actions'),
        ),
      ),
      h('tbody', {}, ...watches.map(row)),
    );
  }

  function render(): void {
    keepFocus(el, () => {
      const open = new Set([...el.querySelectorAll('details[open] summary')].map((s) => (s as HTMLElement).dataset.key));
      replace(el);
      append(el, h('h1', {}, texts.t('overview-heading')));
      if (failure && !snapshot) {
        append(el, errorBox(texts, failure));
        return;
      }
      if (!snapshot) {
        append(el, h('p', { class: 'note' }, texts.t('window-loading')));
        return;
      }
      const s = snapshot;
      append(el, h('p', { class: `verdict verdict-${s.verdict}`, 'data-verdict': s.verdict }, texts.t(`verdict-${s.verdict}`)));
      const controls = h(
        'div',
        { class: 'toolbar' },
        button(
          texts.t('action-check-all'),
          () => act(texts.t('action-check-all'), () => bridge.ask({ call: 'check_now', watch: null })),
          { 'data-key': 'check:*', disabled: s.paused !== null },
        ),
        s.paused
          ? button(
              texts.t('action-resume-all'),
              () => act(texts.t('action-resume-all'), () => bridge.ask({ call: 'resume', watch: null })),
              { 'data-key': 'resume:*' },
            )
          : pauseMenu(null),
      );
      append(el, controls);
      if (s.paused) {
        append(
          el,
          h(
            'p',
            { class: 'paused-all' },
            s.paused.until_ms === null
              ? texts.t('window-paused-all-resumed')
              : texts.t('window-paused-all', { time: time(texts, s.paused.until_ms) }),
          ),
        );
      }
      append(el, status);
      if (s.watches.length === 0) append(el, h('p', { class: 'note' }, texts.t('overview-empty')));
      for (const section of sections(s.watches)) {
        append(el, table(section.watches, section.group ?? texts.t('overview-ungrouped')));
      }
      for (const summary of el.querySelectorAll<HTMLElement>('details summary')) {
        if (open.has(summary.dataset.key)) summary.parentElement?.setAttribute('open', '');
      }
    });
  }

  const reload = debounce(() => void load(), 150);

  render();
  void load();

  return {
    el,
    update(event: ResidentEvent | null) {
      if (event === null) {
        figures.clear();
        reload();
        return;
      }
      const kind = event.event ?? '';
      if (kind.startsWith('incident_') || kind === 'state') {
        if (typeof event.watch === 'string') figures.delete(event.watch);
      }
      // Checks, states, verdicts, pauses and reloads all change what the snapshot says.
      reload();
    },
    destroy() {
      gone = true;
      reload.cancel();
      if (renderTimer !== null) clearTimeout(renderTimer);
    },
  };
}

