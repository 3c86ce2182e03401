// The incidents of every watch on one timeline: one lane per watch, and a shaded band
// across the lanes where two watches or more failed at the same time (one provider's
// outage, or the user's own connection: bands touching a span where the window saw the
// user offline say so). A list below gives the same, reachable by keyboard, and every
// incident links to its watch's page.

import { append, button, h, replace, svg } from '../dom';
import { duration, time, UNITS } from '../format';
import type { Texts } from '../i18n';
import { place, together, type Together } from '../model';
import type { Answered, Bridge } from '../bridge';
import type { Cursor, Incident } from '../generated';
import { type Ctx, debounce, errorBox, href, keepFocus, rangePicker, type ResidentEvent, type View } from '../view';

const RANGES = [
  ['range-24h', UNITS.DAY],
  ['range-7d', 7 * UNITS.DAY],
  ['range-30d', 30 * UNITS.DAY],
  ['range-90d', 90 * UNITS.DAY],
] as const;

const WIDTH = 1000;
const LABEL = 180;
const LANE = 22;

function kindWord(texts: Texts, kind: string): string {
  return texts.has(`incident-kind-${kind}`) ? texts.t(`incident-kind-${kind}`) : kind;
}

function incidentText(texts: Texts, i: Incident, now: number): string {
  return texts.t('timeline-incident', {
    name: i.watch,
    kind: kindWord(texts, i.kind),
    start: time(texts, i.start_ms),
    duration: duration(texts, (i.end_ms ?? now) - i.start_ms),
  });
}

function bandText(texts: Texts, band: Together): string {
  const head = band.group
    ? texts.t('timeline-group-outage', { group: band.group, count: band.watches.length })
    : texts.t('timeline-together', { count: band.watches.length });
  return band.offline ? `${head} (${texts.t('timeline-offline')})` : head;
}

/**
 * The timeline picture: lanes, incidents as bars (links), bands behind. A bar's title (its
 * tooltip) gets its words when the pointer first reaches it: thousands of bars would
 * otherwise format thousands of texts nobody hovers (the picture is `aria-hidden`; the
 * list under it says the same to everyone).
 */
function picture(
  texts: Texts,
  incidents: Incident[],
  bands: Together[],
  from: number,
  until: number,
  now: number,
  textOf: (i: Incident) => string,
): SVGSVGElement {
  const lanes = [...new Set(incidents.map((i) => i.watch))];
  const axis = Math.max(1, lanes.length) * LANE + 8;
  const height = axis;
  const span = WIDTH - LABEL;
  const root = svg('svg', {
    class: 'timeline',
    viewBox: `0 0 ${WIDTH} ${height}`,
    width: '100%',
    'aria-hidden': 'true',
    // Time runs left to right in both languages, as on the chart.
    direction: 'ltr',
  });
  for (const band of bands) {
    const at = place({ start: band.start, end: band.end }, from, until, now);
    const width = Math.max(6, at.width * span);
    const rect = svg('rect', {
      class: band.offline ? 'band band-offline' : 'band',
      x: Math.min(LABEL + at.left * span, WIDTH - width),
      y: 0,
      width,
      height: axis,
    });
    const title = svg('title');
    title.textContent = bandText(texts, band);
    rect.appendChild(title);
    root.appendChild(rect);
  }
  const barOf = new Map<Element, Incident>();
  root.addEventListener('mouseover', (e) => {
    const link = (e.target as Element | null)?.closest('a');
    const incident = link ? barOf.get(link) : undefined;
    const title = link?.querySelector('title');
    if (incident && title && !title.textContent) title.textContent = textOf(incident);
  });
  lanes.forEach((watch, lane) => {
    const y = 4 + lane * LANE;
    const label = svg('text', { x: 4, y: y + LANE / 2 + 4, class: 'lane-label' });
    label.textContent = `\u2068${watch}\u2069`;
    root.appendChild(label);
    root.appendChild(svg('line', { x1: LABEL, x2: WIDTH, y1: y + LANE / 2, y2: y + LANE / 2, class: 'lane' }));
    for (const i of incidents.filter((i) => i.watch === watch)) {
      const at = place({ start: i.start_ms, end: i.end_ms }, from, until, now);
      const link = svg('a', { href: href({ view: 'incident', id: i.id }), tabindex: -1 });
      const width = Math.max(6, at.width * span);
      const rect = svg('rect', {
        class: `bar bar-${i.kind}`,
        // A short incident still shows, inside the axis.
        x: Math.min(LABEL + at.left * span, WIDTH - width),
        y: y + 3,
        width,
        height: LANE - 6,
        rx: 2,
      });
      link.append(rect, svg('title'));
      barOf.set(link, i);
      root.appendChild(link);
    }
  });
  return root;
}

/** The most incidents one call answers (the resident's cap). */
const PAGE = 1000;

/** Every watch's incidents overlapping `[from, until)`, oldest first, read a page at a time. */
async function allIncidents(bridge: Bridge, from: number, until: number): Promise<Incident[]> {
  const out: Incident[] = [];
  let after: Cursor | null = null;
  do {
    const answer: Answered<'incidents'> = await bridge.ask({ call: 'incidents', from_ms: from, until_ms: until, watch: null, after, limit: PAGE });
    out.push(...answer.incidents);
    after = answer.next;
  } while (after !== null);
  return out.reverse();
}

/** Incidents listed at first, and added by each "Older incidents". */
const LIST_PAGE = 200;

/**
 * The list under the picture, newest first, each simultaneous outage's heading before its
 * first incident: the newest `listed.count` (LIST_PAGE at first), then LIST_PAGE more per
 * click, counted in `listed` so a live redraw keeps what the reader opened (the picture
 * holds them all; a list of thousands is read by nobody and costs its drawing).
 */
function incidentList(
  texts: Texts,
  newest: Incident[],
  bands: Together[],
  textOf: (i: Incident) => string,
  listed: { count: number },
): HTMLElement {
  const inBand = new Map<string, Together>();
  for (const band of bands) for (const id of band.incidents) inBand.set(id, band);
  const headed = new Set<Together>();
  const ul = h('ul', { class: 'timeline-list' });
  const box = h('div', {}, ul);
  let done = 0;
  const more = button(texts.t('incidents-more'), () => {
    const first = listMore(LIST_PAGE);
    listed.count = done;
    // The button goes with the last page: the focus moves to what it added.
    if (!more.isConnected) first?.focus();
  }, { 'data-key': 'timeline-more' });
  function listMore(count: number): HTMLElement | undefined {
    const items: HTMLElement[] = [];
    let first: HTMLElement | undefined;
    for (const i of newest.slice(done, done + count)) {
      const band = inBand.get(i.id);
      if (band && !headed.has(band)) {
        headed.add(band);
        items.push(h('li', { class: 'band-item', 'data-together': band.watches.length }, bandText(texts, band)));
      }
      const link = h('a', { href: href({ view: 'incident', id: i.id }), 'data-incident': i.id, 'data-key': `incident:${i.id}` }, textOf(i));
      first ??= link;
      items.push(h('li', { class: band ? 'in-band' : null }, link));
    }
    done = Math.min(newest.length, done + count);
    append(ul, ...items);
    if (done < newest.length) box.append(more);
    else more.remove();
    return first;
  }
  listMore(Math.max(LIST_PAGE, listed.count));
  return box;
}

export function incidentsView(ctx: Ctx): View {
  const { bridge, texts } = ctx;
  const el = h('div', { class: 'incidents-view' });
  const body = h('div', {});
  let range: number = UNITS.DAY;
  let gone = false;
  const groups = new Map<string, string | null>();
  // How many incidents the list shows: LIST_PAGE again for each range picked.
  let listed = { count: LIST_PAGE };
  const ranges = rangePicker(texts, RANGES, range, (ms) => {
    range = ms;
    listed = { count: LIST_PAGE };
    void load();
  });

  let loads = 0;

  /** Reads and draws the chosen range; a load overtaken by a later one draws nothing. Once
   * drawn, `data-shown-range` holds the range (ms) on the view: what tests and the window's
   * benchmark wait for. */
  async function load(): Promise<void> {
    const now = ctx.now();
    const asked = range;
    const from = now - asked;
    const seq = ++loads;
    try {
      const [list, snapshot] = await Promise.all([allIncidents(bridge, from, now), bridge.ask({ call: 'snapshot' })]);
      if (gone || seq !== loads) return;
      for (const w of snapshot.watches) groups.set(w.name, w.group);
      const bands = together(list, now, (w) => groups.get(w) ?? null, ctx.offline());
      if (list.length === 0) {
        replace(body, h('p', { class: 'note' }, texts.t('timeline-empty')));
        el.dataset.shownRange = String(asked);
        return;
      }
      // Each incident's words once, when first needed (a list item, a bar's title).
      const words = new Map<Incident, string>();
      const textOf = (i: Incident) => {
        let text = words.get(i);
        if (text === undefined) words.set(i, (text = incidentText(texts, i, now)));
        return text;
      };
      keepFocus(body, () =>
        replace(
          body,
          picture(texts, list, bands, from, now, now, textOf),
          // Where the axis starts and ends (now), in local time; in HTML, where the text's
          // direction is handled, under a picture that runs left to right in both languages.
          h('div', { class: 'axis' }, h('bdi', {}, time(texts, from)), h('bdi', {}, time(texts, now))),
          h('p', { class: 'note' }, texts.t('timeline-legend')),
          incidentList(texts, [...list].reverse(), bands, textOf, listed),
        ),
      );
      el.dataset.shownRange = String(asked);
    } catch (e) {
      if (!gone && seq === loads) replace(body, errorBox(texts, e));
    }
  }

  append(el, h('h1', {}, texts.t('timeline-heading')), ranges, body);
  void load();
  const reload = debounce(() => void load(), 300);

  return {
    el,
    update(event: ResidentEvent | null) {
      const kind = event?.event ?? '';
      if (event === null || kind.startsWith('incident_') || kind === 'verdict') reload();
    },
    destroy() {
      gone = true;
      reload.cancel();
    },
  };
}
