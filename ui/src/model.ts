// The window's pure logic: ordering watches problems first, finding simultaneous outages
// on the timeline, stacking latency phases for the chart. No DOM, no bridge: unit-tested.

import type { Incident, LatencyPoint, State, Watch } from './generated';

/** States that are problems, worst first; then the rest. */
const RANK: Record<State, number> = { down: 0, degraded: 1, unstable: 2, unknown: 3, paused: 4, up: 5 };

/** Whether a state is a problem (shown first). */
export function isProblem(state: State): boolean {
  return state === 'down' || state === 'degraded' || state === 'unstable';
}

/** How bad a state is: lower is worse. An unknown state from a newer resident ranks as unknown. */
export function rank(state: State): number {
  return RANK[state] ?? RANK.unknown;
}

/** Watches of one provider group (`group` null: the watches without a group). */
export interface Section {
  group: string | null;
  watches: Watch[];
}

/**
 * The overview's sections: the watches of a group together, the watches without a group in
 * one section of their own; sections with the worst problem first, and inside each, problems
 * first; ties keep the configuration's order.
 */
export function sections(watches: readonly Watch[]): Section[] {
  const order = new Map<string, number>();
  watches.forEach((w, i) => order.set(w.name, i));
  const byGroup = new Map<string | null, Watch[]>();
  for (const w of watches) {
    const list = byGroup.get(w.group) ?? [];
    list.push(w);
    byGroup.set(w.group, list);
  }
  const byRank = (a: Watch, b: Watch) => rank(a.state) - rank(b.state) || order.get(a.name)! - order.get(b.name)!;
  const out: Section[] = [...byGroup].map(([group, list]) => ({ group, watches: list.sort(byRank) }));
  const worst = (s: Section) => rank(s.watches[0]!.state);
  const first = (s: Section) => Math.min(...s.watches.map((w) => order.get(w.name)!));
  return out.sort((a, b) => worst(a) - worst(b) || first(a) - first(b));
}

/** A time span, Unix ms; `end` null: still going on. */
export interface TimeSpan {
  start: number;
  end: number | null;
}

/** Incidents that overlapped in time, on two watches or more: shown as one band. */
export interface Together {
  start: number;
  end: number;
  /** The watches, in order of their first incident's start. */
  watches: string[];
  incidents: string[];
  /** The provider group when every watch belongs to the same one. */
  group: string | null;
  /** Whether the band overlaps a span where the user was offline ("it was me"). */
  offline: boolean;
}

/** How close two incidents' starts must be to count as one outage (a provider's, or the user's). */
export const TOGETHER_MS = 90_000;

/**
 * The bands of simultaneous outages among `incidents` (open ones end at `now`): incidents
 * of one group outage (the resident's `group_incident`) belong together, and so do
 * incidents that started within `TOGETHER_MS` of the previous one while it was still going
 * on; a set touching two watches or more is a band. A long outage that began earlier does
 * not pull later, unrelated ones into its band. `groupOf` maps a watch to its provider group;
 * `offline` spans mark bands that were the user's own connection.
 */
export function together(
  incidents: readonly Incident[],
  now: number,
  groupOf: (watch: string) => string | null = () => null,
  offline: readonly TimeSpan[] = [],
): Together[] {
  const sorted = [...incidents].sort((a, b) => a.start_ms - b.start_ms);
  const sets: Incident[][] = [];
  // A group outage's incidents name the first one's id as their `group_incident`.
  const byOutage = new Map<string, Incident[]>();
  for (const incident of sorted) {
    const outage = incident.group_incident ?? incident.id;
    const last = sets[sets.length - 1];
    const previous = last?.[last.length - 1];
    const follows =
      previous !== undefined &&
      incident.start_ms - previous.start_ms <= TOGETHER_MS &&
      incident.start_ms < (previous.end_ms ?? now);
    let set = byOutage.get(outage) ?? (follows ? last : undefined);
    if (set) set.push(incident);
    else sets.push((set = [incident]));
    byOutage.set(outage, set);
  }
  const bands: Together[] = [];
  for (const set of sets) {
    const watches = [...new Set(set.map((i) => i.watch))];
    if (watches.length < 2) continue;
    const start = Math.min(...set.map((i) => i.start_ms));
    const end = Math.max(...set.map((i) => i.end_ms ?? now));
    const groups = new Set(watches.map(groupOf));
    const [only] = groups;
    bands.push({
      start,
      end,
      watches,
      incidents: set.map((i) => i.id),
      group: groups.size === 1 && only !== undefined ? only : null,
      offline: offline.some((s) => s.start < end && (s.end ?? now) > start),
    });
  }
  return bands;
}

/** Where a span lies on a timeline `[from, until)`, as fractions 0..1 (clipped). */
export function place(span: TimeSpan, from: number, until: number, now: number): { left: number; width: number } {
  const length = until - from;
  const start = Math.min(Math.max(span.start, from), until);
  const end = Math.min(Math.max(span.end ?? now, from), until);
  return { left: (start - from) / length, width: Math.max(0, end - start) / length };
}

/** The phases stacked in the latency chart, bottom to top. */
export const STACKED = ['dns', 'connect', 'tls', 'ttfb'] as const;
export type StackedPhase = (typeof STACKED)[number];

/** Latency series of the four phases on one time axis, for a stacked chart. */
export interface Stack {
  /** Bucket starts, Unix seconds (uPlot's x). */
  xs: number[];
  /** Each phase's mean, ms; null where the bucket had no check. */
  phases: Record<StackedPhase, (number | null)[]>;
  /** The running sums, bottom to top (dns, dns+connect, ...); null where no phase was measured. */
  sums: Record<StackedPhase, (number | null)[]>;
}

/**
 * Merges the phases' series (from `latency_series`, µs) by bucket start. A bucket where
 * some phase was measured and another was not (a target without TLS) counts the missing
 * one as 0 in the sums; a bucket without any is a gap.
 */
export function stack(series: Record<StackedPhase, readonly LatencyPoint[]>): Stack {
  const starts = new Set<number>();
  for (const phase of STACKED) for (const p of series[phase]) starts.add(p.start_ms);
  const xsMs = [...starts].sort((a, b) => a - b);
  const phases = {} as Stack['phases'];
  const sums = {} as Stack['sums'];
  for (const phase of STACKED) {
    const at = new Map(series[phase].map((p) => [p.start_ms, p.latency.mean_us / 1000]));
    phases[phase] = xsMs.map((x) => at.get(x) ?? null);
  }
  const measured = xsMs.map((_, i) => STACKED.some((phase) => phases[phase][i] !== null));
  let run = xsMs.map(() => 0);
  for (const phase of STACKED) {
    run = run.map((r, i) => r + (phases[phase][i] ?? 0));
    sums[phase] = run.map((r, i) => (measured[i] ? r : null));
  }
  return { xs: xsMs.map((x) => x / 1000), phases, sums };
}

/** Polyline points for a sparkline of `values` in a `width` × `height` box (y down). */
export function sparkline(values: readonly { x: number; y: number }[], width: number, height: number): string {
  if (values.length === 0) return '';
  // One point: a level line, so it shows.
  if (values.length === 1) return `0,${(height / 2).toFixed(1)} ${width.toFixed(1)},${(height / 2).toFixed(1)}`;
  const xs = values.map((v) => v.x);
  const ys = values.map((v) => v.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => (x1 === x0 ? width / 2 : ((x - x0) / (x1 - x0)) * width);
  const sy = (y: number) => (y1 === y0 ? height / 2 : height - ((y - y0) / (y1 - y0)) * height);
  return values.map((v) => `${sx(v.x).toFixed(1)},${sy(v.y).toFixed(1)}`).join(' ');
}
