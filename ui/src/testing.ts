// A fake bridge for the unit tests: answers from a table of handlers, records the calls,
// and lets a test send `resident` and `navigate` events.

import type { Answered, Bridge, CallOf } from './bridge';
import type { At, Call, Incident, Snapshot, Watch, WindowEvent } from './generated';

type Handlers = { [K in Call['call']]?: (call: CallOf<K>) => Answered<K> | Promise<Answered<K>> };

export interface Fake extends Bridge {
  calls: Call[];
  emit(event: WindowEvent): void;
  navigate(at: At): void;
}

export function fakeBridge(handlers: Handlers, start: At = { view: 'overview' }): Fake {
  const resident: ((e: WindowEvent) => void)[] = [];
  const navigate: ((at: At) => void)[] = [];
  const calls: Call[] = [];
  return {
    calls,
    async ask(call) {
      calls.push(call);
      const handler = handlers[call.call] as ((c: typeof call) => unknown) | undefined;
      if (!handler) throw { kind: 'api', error: { code: 'not_available', message: `no ${call.call} in this test` } };
      return (await handler(call)) as never;
    },
    startAt: async () => start,
    onResident: async (handler) => {
      resident.push(handler);
      return () => {};
    },
    onNavigate: async (handler) => {
      navigate.push(handler);
      return () => {};
    },
    emit: (event) => resident.forEach((h) => h(event)),
    navigate: (at) => navigate.forEach((h) => h(at)),
  };
}

export function watch(name: string, state: Watch['state'], extra: Partial<Watch> = {}): Watch {
  return {
    name,
    group: null,
    state,
    since_ms: 1_700_000_000_000,
    last: {
      at_ms: 1_700_000_060_000,
      status: state === 'down' ? 'down' : 'up',
      layer: null,
      cause: null,
      message: null,
      phases: { dns_ms: 1.5, connect_ms: 0.4, tls_ms: 3.2, ttfb_ms: 20, total_ms: 25.1 },
      judged: true,
    },
    incident: null,
    paused: null,
    muted: false,
    ...extra,
  };
}

export function snapshot(watches: Watch[], extra: Partial<Snapshot> = {}): { answer: 'snapshot' } & Snapshot {
  return { answer: 'snapshot', watches, verdict: 'online', paused: null, taken_ms: 1_700_000_100_000, ...extra };
}

export function incident(id: string, watchName: string, start: number, end: number | null, extra: Partial<Incident> = {}): Incident {
  return { id, watch: watchName, group_incident: null, kind: 'down', layer: 'tcp', cause: 'tcp_refused', start_ms: start, end_ms: end, ...extra };
}

/**
 * The `incidents` and `incident` calls answered over `list` as the resident answers them:
 * incidents overlapping the range, of the watch when one is asked, newest first by start,
 * a page of `limit` after the cursor (a row's id is its index in `list`); one by its id.
 */
export function incidentHandlers(list: Incident[]): Pick<Handlers, 'incidents' | 'incident'> {
  const rows = list.map((incident, id) => ({ incident, id }));
  return {
    incidents: (c) => {
      const page = rows
        .filter(({ incident: i }) => i.start_ms < c.until_ms && (i.end_ms === null || i.end_ms > c.from_ms))
        .filter(({ incident: i }) => c.watch === null || c.watch === undefined || i.watch === c.watch)
        .sort((a, b) => b.incident.start_ms - a.incident.start_ms || b.id - a.id)
        .filter(({ incident: i, id }) => !c.after || i.start_ms < c.after.at_ms || (i.start_ms === c.after.at_ms && id < c.after.id))
        .slice(0, c.limit);
      const last = page[page.length - 1];
      return {
        answer: 'incidents',
        incidents: page.map((r) => r.incident),
        next: page.length === c.limit && last ? { at_ms: last.incident.start_ms, id: last.id } : null,
      };
    },
    incident: (c) => ({ answer: 'incident', incident: list.find((i) => i.id === c.incident) ?? null }),
  };
}

/**
 * Empties the location's hash and waits for its `hashchange` (dispatched later), so a
 * reset cannot reach the next test's window as a navigation. For a `beforeEach`.
 */
export async function resetHash(): Promise<void> {
  if (location.hash === '') return;
  const changed = new Promise((resolve) => window.addEventListener('hashchange', resolve, { once: true }));
  location.hash = '';
  await changed;
}

/** Waits until `check` holds (the views answer asynchronously), 2 s at most. */
export async function until<T>(check: () => T | null | undefined | false, what = 'condition'): Promise<T> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
