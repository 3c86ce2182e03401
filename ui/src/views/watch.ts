// One watch: its state, latency stacked by phase over a chosen range, availability per
// local day ("not monitored" where nothing was observed), its incidents, the raw check log
// (paged, newest first) and "copy diagnosis" as plain text.

import { append, button, h, replace } from '../dom';
import { date, duration, isoDay, latency, percent, time, timeZone, UNITS } from '../format';
import type { Texts } from '../i18n';
import { STACKED, stack } from '../model';
import type { Check, Cursor, Day, Incident, Snapshot, Verdict, Watch } from '../generated';
import {
  causeWord,
  type Ctx,
  debounce,
  errorBox,
  keepFocus,
  layerWord,
  rangePicker,
  type ResidentEvent,
  stateWord,
  type View,
} from '../view';

const RANGES = [
  ['range-1h', UNITS.HOUR],
  ['range-24h', UNITS.DAY],
  ['range-7d', 7 * UNITS.DAY],
  ['range-30d', 30 * UNITS.DAY],
  ['range-90d', 90 * UNITS.DAY],
] as const;
const DAYS = 90;
const PAGE = 50;
/** Incidents a page (the resident answers at most MAX_INCIDENT_PAGE). */
const INCIDENT_PAGE = 50;
const MAX_INCIDENT_PAGE = 1000;
const CHART_POINTS = 300;

/** The diagnosis "copy diagnosis" puts on the clipboard: plain text, in the window's language. */
export function diagnosis(texts: Texts, w: Watch, verdict: Verdict, now: number): string {
  const lines = [
    texts.t('diagnosis-head', {
      name: w.name,
      state: stateWord(texts, w.state),
      time: w.since_ms === null ? texts.t('window-none') : time(texts, w.since_ms),
      duration: w.since_ms === null ? texts.t('window-none') : duration(texts, now - w.since_ms),
    }),
  ];
  const last = w.last;
  if (last) {
    lines.push(
      texts.t('diagnosis-last', {
        time: time(texts, last.at_ms),
        status: texts.t(`check-status-${last.status}`),
        latency: latency(texts, last.phases.total_ms),
      }),
      texts.t('diagnosis-phases', {
        dns: latency(texts, last.phases.dns_ms),
        connect: latency(texts, last.phases.connect_ms),
        tls: latency(texts, last.phases.tls_ms),
        ttfb: latency(texts, last.phases.ttfb_ms),
      }),
    );
    if (last.message) {
      lines.push(texts.t('diagnosis-failure', { layer: layerWord(texts, last.layer), detail: texts.message(last.message) }));
    }
  }
  if (w.incident) {
    lines.push(
      texts.t('diagnosis-incident', {
        time: time(texts, w.incident.start_ms),
        cause: causeWord(texts, w.incident.cause, w.incident.layer),
      }),
    );
  }
  lines.push(texts.t('diagnosis-verdict', { verdict: texts.t(`verdict-${verdict}`) }));
  return lines.join('\n');
}

/** The rows of an incidents table (shared with the timeline's list). */
export function incidentRow(texts: Texts, i: Incident, now: number, highlight: boolean): HTMLElement {
  const length = duration(texts, (i.end_ms ?? now) - i.start_ms);
  return h(
    'tr',
    { 'data-incident': i.id, class: highlight ? 'highlight' : null, tabindex: highlight ? -1 : null },
    h('td', {}, time(texts, i.start_ms)),
    h('td', { class: 'num' }, i.end_ms === null ? texts.t('incident-ongoing', { duration: length }) : length),
    h('td', {}, texts.has(`incident-kind-${i.kind}`) ? texts.t(`incident-kind-${i.kind}`) : i.kind),
    h('td', {}, causeWord(texts, i.cause, i.layer)),
  );
}

export function watchView(ctx: Ctx, name: string, incident: string | null): View {
  const { bridge, texts } = ctx;
  const el = h('div', { class: 'watch' });
  const head = h('div', { class: 'watch-head' });
  const status = h('p', { class: 'note', role: 'status' });
  const chartBox = h('div', { class: 'chart' });
  const chartNote = h('p', { class: 'note' });
  const days = h('div', { class: 'days-box' });
  const incidents = h('div', {});
  const log = h('div', {});
  const diagnosisBox = h('textarea', { class: 'diagnosis', readonly: true, rows: 7, hidden: true, 'aria-label': texts.t('watch-copy-diagnosis') });
  let range: number = UNITS.DAY;
  let snapshot: Snapshot | null = null;
  let removeChart: (() => void) | null = null;
  let checks: Check[] = [];
  let next: Cursor | null = null;
  let shownIncidents: Incident[] = [];
  let incidentsNext: Cursor | null = null;
  let paged = false;
  let gone = false;
  let focusedIncident = false;

  const rangeButtons = rangePicker(texts, RANGES, range, (ms) => {
    range = ms;
    void loadChart();
  });

  function watch(): Watch | undefined {
    return snapshot?.watches.find((w) => w.name === name);
  }

  function act(label: string, run: () => Promise<unknown>): void {
    run().then(
      () => {
        status.textContent = `${label}: ${texts.t('action-done')}`;
        void loadHead();
      },
      (e) => replace(status, errorBox(texts, e)),
    );
  }

  function renderHead(): void {
    keepFocus(head, () => {
      replace(head);
      const w = watch();
      append(head, h('h1', {}, h('bdi', {}, name)));
      if (!snapshot) return;
      if (!w) {
        append(head, errorBox(texts, { kind: 'api', error: { code: 'no_such_watch', message: texts.t('window-error-no-such-watch', { name }) } }));
        return;
      }
      const now = ctx.now();
      const state = h('span', { class: `state state-${w.state}` }, stateWord(texts, w.state));
      append(
        head,
        h(
          'p',
          { class: 'watch-state', 'data-watch': w.name, 'data-state': w.state },
          w.since_ms === null
            ? state
            : texts.t('watch-heading-since', {
                state: stateWord(texts, w.state),
                time: time(texts, w.since_ms),
                duration: duration(texts, now - w.since_ms),
              }),
        ),
      );
      if (w.last) {
        append(
          head,
          h(
            'p',
            {},
            texts.t('watch-last-check', { time: time(texts, w.last.at_ms), latency: latency(texts, w.last.phases.total_ms) }),
          ),
        );
        if (w.last.message) {
          append(head, h('p', { class: 'failure' }, `${layerWord(texts, w.last.layer)}: ${texts.message(w.last.message)}`));
        }
      }
      const pause = (for_s: number | null, id: string) =>
        button(texts.t(id), () => act(texts.t(id), () => bridge.ask({ call: 'pause', watch: name, for_s })), { 'data-key': id });
      append(
        head,
        h(
          'div',
          { class: 'toolbar' },
          button(texts.t('action-check-now'), () => act(texts.t('action-check-now'), () => bridge.ask({ call: 'check_now', watch: name })), {
            'data-key': 'check',
            disabled: w.state === 'paused',
          }),
          ...(w.paused
            ? [button(texts.t('action-resume'), () => act(texts.t('action-resume'), () => bridge.ask({ call: 'resume', watch: name })), { 'data-key': 'resume' })]
            : [pause(900, 'action-pause-15-min'), pause(3600, 'action-pause-1-hour'), pause(null, 'action-pause-until-resumed')]),
          button(texts.t('watch-copy-diagnosis'), () => void copy(), { 'data-key': 'copy' }),
        ),
        status,
        diagnosisBox,
      );
    });
  }

  async function copy(): Promise<void> {
    const w = watch();
    if (!w || !snapshot) return;
    const text = diagnosis(texts, w, snapshot.verdict, ctx.now());
    diagnosisBox.value = text;
    diagnosisBox.hidden = false;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = texts.t('watch-copied');
    } catch {
      diagnosisBox.focus();
      diagnosisBox.select();
      status.textContent = texts.t('watch-copy-failed');
    }
  }

  async function loadHead(): Promise<void> {
    try {
      snapshot = await bridge.ask({ call: 'snapshot' });
      if (!gone) renderHead();
    } catch (e) {
      if (!gone) replace(head, h('h1', {}, name), errorBox(texts, e));
    }
  }

  async function loadChart(): Promise<void> {
    const now = ctx.now();
    const from = now - range;
    try {
      // uPlot is a chunk of its own, loaded with the first chart rather than before the
      // window's first view.
      const [answers, { phaseChart }] = await Promise.all([
        Promise.all(
          STACKED.map((phase) =>
            bridge.ask({ call: 'latency_series', watch: name, phase, from_ms: from, until_ms: now, max_points: CHART_POINTS }),
          ),
        ),
        import('../chart'),
      ]);
      if (gone) return;
      const [dns, connect, tls, ttfb] = answers;
      const data = stack({ dns: dns!.points, connect: connect!.points, tls: tls!.points, ttfb: ttfb!.points });
      removeChart?.();
      removeChart = null;
      replace(chartBox);
      if (data.xs.length === 0) {
        append(chartBox, h('p', { class: 'note' }, texts.t('watch-latency-empty')));
        replace(chartNote);
        return;
      }
      removeChart = phaseChart(chartBox, data, texts, { from, until: now });
      replace(chartNote, texts.t('watch-latency-source', { duration: duration(texts, dns!.bucket_ms) }));
    } catch (e) {
      if (!gone) replace(chartBox, errorBox(texts, e));
    }
  }

  function dayBar(d: Day): HTMLElement {
    const label = texts.t('watch-day', {
      date: date(texts, d.date),
      state: texts.t(`day-state-${d.state}`),
      uptime: percent(texts, d.uptime.availability),
    });
    return h('li', { class: `day day-${d.state}`, title: label, 'aria-label': label, 'data-date': d.date, 'data-day-state': d.state });
  }

  async function loadDays(): Promise<void> {
    const now = ctx.now();
    try {
      const answer = await bridge.ask({
        call: 'days',
        watch: name,
        first: isoDay(now - (DAYS - 1) * UNITS.DAY),
        last: isoDay(now),
        time_zone: timeZone(),
      });
      if (gone) return;
      const legend = h(
        'ul',
        { class: 'legend' },
        ...(['up', 'degraded', 'down', 'not_monitored'] as const).map((s) =>
          h('li', {}, h('span', { class: `swatch day-${s}`, 'aria-hidden': 'true' }), texts.t(`day-state-${s}`)),
        ),
      );
      replace(days, h('ol', { class: 'days' }, ...answer.days.map(dayBar)), legend);
    } catch (e) {
      if (!gone) replace(days, errorBox(texts, e));
    }
  }

  function renderIncidents(now: number): void {
    keepFocus(incidents, () => {
      if (shownIncidents.length === 0) {
        replace(incidents, h('p', { class: 'note' }, texts.t('watch-incidents-empty')));
        return;
      }
      const col = (id: string) => h('th', { scope: 'col' }, texts.t(id));
      replace(
        incidents,
        h(
          'table',
          { class: 'incidents' },
          h('thead', {}, h('tr', {}, col('incident-col-start'), col('incident-col-duration'), col('incident-col-kind'), col('incident-col-cause'))),
          h('tbody', {}, ...shownIncidents.map((i) => incidentRow(texts, i, now, i.id === incident))),
        ),
        incidentsNext ? button(texts.t('incidents-more'), () => void loadIncidents(true), { 'data-key': 'incidents-more' }) : null,
      );
    });
    if (incident && !focusedIncident) {
      const row = [...incidents.querySelectorAll<HTMLElement>('tr[data-incident]')].find((r) => r.dataset.incident === incident);
      if (!row) return;
      focusedIncident = true;
      row.scrollIntoView({ block: 'center' });
      row.focus();
    }
  }

  /**
   * This watch's incidents of the last DAYS days, newest first, a page at a time: `more`
   * adds the next page; a refresh reads again as many rows as are shown. Opened at an
   * incident, it pages on until that incident is shown (each page a bounded read).
   */
  async function loadIncidents(more = false): Promise<void> {
    const now = ctx.now();
    const limit = more ? INCIDENT_PAGE : Math.min(MAX_INCIDENT_PAGE, Math.max(INCIDENT_PAGE, shownIncidents.length));
    try {
      let list = more ? shownIncidents : [];
      let after = more ? incidentsNext : null;
      for (;;) {
        const answer = await bridge.ask({ call: 'incidents', from_ms: now - DAYS * UNITS.DAY, until_ms: now, watch: name, after, limit });
        if (gone) return;
        list = [...list, ...answer.incidents];
        after = answer.next;
        const seeking = incident !== null && !focusedIncident && !list.some((i) => i.id === incident);
        if (after === null || !seeking) break;
      }
      shownIncidents = list;
      incidentsNext = after;
      renderIncidents(now);
    } catch (e) {
      if (!gone) replace(incidents, errorBox(texts, e));
    }
  }

  function checkRow(c: Check): HTMLElement {
    return h(
      'tr',
      { class: `check check-${c.status}` },
      h('td', {}, time(texts, c.at_ms)),
      h('td', {}, texts.t(`check-status-${c.status}`), c.judged ? null : h('span', { class: 'since' }, texts.t('log-not-judged'))),
      h('td', { class: 'num' }, latency(texts, c.phases.total_ms)),
      h('td', {}, c.status === 'up' ? '' : layerWord(texts, c.layer)),
      h('td', { class: 'detail' }, c.message ? texts.message(c.message) : ''),
      h('td', { class: 'code' }, c.address ?? ''),
      h('td', { class: 'num' }, c.http_status === null ? '' : String(c.http_status)),
    );
  }

  function renderLog(): void {
    keepFocus(log, () => {
      if (checks.length === 0) {
        replace(log, h('p', { class: 'note' }, texts.t('watch-log-empty')));
        return;
      }
      const col = (id: string) => h('th', { scope: 'col' }, texts.t(id));
      replace(
        log,
        h(
          'table',
          { class: 'log' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              col('log-col-time'),
              col('log-col-status'),
              col('log-col-latency'),
              col('log-col-layer'),
              col('log-col-detail'),
              col('log-col-address'),
              col('log-col-http'),
            ),
          ),
          h('tbody', {}, ...checks.map(checkRow)),
        ),
        next ? button(texts.t('log-more'), () => void loadLog(true), { 'data-key': 'more' }) : null,
      );
    });
  }

  async function loadLog(more: boolean): Promise<void> {
    try {
      const answer = await bridge.ask({ call: 'checks', watch: name, after: more ? next : null, limit: PAGE });
      if (gone) return;
      checks = more ? [...checks, ...answer.checks] : answer.checks;
      next = answer.next;
      paged = paged || more;
      renderLog();
    } catch (e) {
      if (!gone) replace(log, errorBox(texts, e));
    }
  }

  append(
    el,
    head,
    h('section', {}, h('h2', {}, texts.t('watch-latency-heading')), rangeButtons, chartBox, chartNote),
    h('section', {}, h('h2', {}, texts.t('watch-days-heading')), days),
    h('section', {}, h('h2', {}, texts.t('watch-incidents-heading')), incidents),
    h('section', {}, h('h2', {}, texts.t('watch-log-heading')), log),
  );
  renderHead();
  const all = () => {
    void loadHead();
    void loadChart();
    void loadDays();
    void loadIncidents();
    if (!paged) void loadLog(false);
  };
  all();

  const refreshHead = debounce(() => void loadHead(), 150);
  const refreshHistory = debounce(() => {
    void loadDays();
    void loadIncidents();
  }, 300);
  const refreshChecks = debounce(() => {
    // The log grows at its top; a reader who paged back keeps the rows being read.
    if (!paged) void loadLog(false);
  }, 1000);
  const refreshAll = debounce(all, 150);

  return {
    el,
    update(event: ResidentEvent | null) {
      if (event === null) {
        refreshAll();
        return;
      }
      const kind = event.event ?? '';
      refreshHead();
      if (event.watch !== undefined && event.watch !== null && event.watch !== name) return;
      if (kind === 'check') refreshChecks();
      if (kind === 'state' || kind.startsWith('incident_')) refreshHistory();
    },
    destroy() {
      gone = true;
      removeChart?.();
      for (const d of [refreshHead, refreshHistory, refreshChecks, refreshAll]) d.cancel();
    },
  };
}
