// The window's start, marked on the page's clock with the User Timing API
// (`performance.mark`), so a benchmark can say where its first second goes
// (tests/examples/window_bench.rs reads them; docs/benchmarks.md, issue 13). Each is set
// once, the first time its moment comes; later views set none.

/** The moments of the start, in the order they come. */
export type StartMark =
  /** The bundle was parsed and its modules evaluated (the entry's first statement). */
  | 'dw-script'
  /** The start's round trips to the window's Rust side came back (listeners, `start_at`). */
  | 'dw-started'
  /** The first view's snapshot arrived from the resident (when that view is the overview). */
  | 'dw-snapshot'
  /** The overview's rows are in the DOM (not yet styled, laid out or painted). */
  | 'dw-rows'
  /** The frame after the rows: style, layout and paint of the first view are done. */
  | 'dw-frame';

/** Marks `name` unless it was marked already; nothing where User Timing is missing. */
export function markStart(name: StartMark): void {
  const perf = globalThis.performance;
  if (!perf?.mark || perf.getEntriesByName(name, 'mark').length > 0) return;
  perf.mark(name);
}
