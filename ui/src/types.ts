// TEMPORARY: the API's and the bridge's types as read from crates/api/src (model, call,
// error, bridge). Replaced by the types generated from the Rust ones (ui/src/generated/)
// as soon as they are on main.

export type State = 'unknown' | 'up' | 'degraded' | 'down' | 'unstable' | 'paused';
export type Status = 'up' | 'degraded' | 'down';
export type Verdict = 'online' | 'offline' | 'captive_portal' | 'local_dns_broken';
export type Phase = 'dns' | 'connect' | 'tls' | 'ttfb' | 'total';
export type Span = 'hour' | 'day';
export type SeriesSource = 'raw' | 'hours' | 'days';
export type DayState = 'up' | 'degraded' | 'down' | 'not_monitored';
export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type MessageValue =
  | { text: string }
  | { name: string }
  | { address: string }
  | { code: string }
  | { count: number }
  | { key: string }
  | { bytes: number }
  | { millis: number };
export type Message = { id: string; args?: { [key in string]?: MessageValue } };
export type StoredMessage = { id: string; args: { [key in string]?: JsonValue } };

export type Pause = { until_ms: number | null };
export type Phases = {
  dns_ms: number | null;
  connect_ms: number | null;
  tls_ms: number | null;
  ttfb_ms: number | null;
  total_ms: number;
};
export type LastCheck = {
  at_ms: number;
  status: Status;
  layer: string | null;
  cause: string | null;
  message: Message | null;
  phases: Phases;
  judged: boolean;
};
export type Incident = {
  id: string;
  watch: string;
  group_incident: string | null;
  kind: string;
  layer: string | null;
  cause: string | null;
  start_ms: number;
  end_ms: number | null;
};
export type Watch = {
  name: string;
  group: string | null;
  state: State;
  since_ms: number | null;
  last: LastCheck | null;
  incident: Incident | null;
  paused: Pause | null;
  muted: boolean;
};
export type Snapshot = { watches: Array<Watch>; verdict: Verdict; paused: Pause | null; taken_ms: number };
export type Cursor = { at_ms: number; id: number };
export type Check = {
  id: number;
  at_ms: number;
  status: Status;
  judged: boolean;
  layer: string | null;
  cause: string | null;
  message: StoredMessage | null;
  address: string | null;
  http_status: number | null;
  phases: Phases;
};
export type Uptime = {
  up_ms: number;
  degraded_ms: number;
  down_ms: number;
  window_ms: number;
  availability: number | null;
};
export type Latency = { phase: Phase; count: number; min_us: number; mean_us: number; max_us: number; p95_us: number };
export type LatencyPoint = { start_ms: number; end_ms: number; latency: Latency };
export type Day = { date: string; start_ms: number; end_ms: number; uptime: Uptime; state: DayState };

export type Call =
  | { call: 'snapshot' }
  | { call: 'subscribe' }
  | { call: 'check_now'; watch: string | null }
  | { call: 'pause'; watch: string | null; for_s: number | null }
  | { call: 'resume'; watch: string | null }
  | { call: 'latest' }
  | { call: 'checks'; watch: string; after: Cursor | null; limit: number }
  | { call: 'incidents'; from_ms: number; until_ms: number }
  | { call: 'uptime'; watch: string; from_ms: number; until_ms: number }
  | { call: 'current' }
  | { call: 'latency_series'; watch: string; phase: Phase; from_ms: number; until_ms: number; max_points: number }
  | { call: 'days'; watch: string; first: string; last: string; time_zone: string | null };

export type Answer =
  | ({ answer: 'snapshot' } & Snapshot)
  | { answer: 'subscribed' }
  | { answer: 'done' }
  | { answer: 'checks'; checks: Array<Check>; next: Cursor | null }
  | { answer: 'incidents'; incidents: Array<Incident> }
  | ({ answer: 'uptime' } & Uptime)
  | { answer: 'latency_series'; source: SeriesSource; bucket_ms: number; points: Array<LatencyPoint> }
  | { answer: 'days'; days: Array<Day> };

export type ErrorCode =
  | 'malformed' | 'too_long' | 'wrong_version' | 'unknown_call' | 'invalid_request' | 'no_such_watch'
  | 'paused' | 'invalid_config' | 'config_changed' | 'history_unavailable' | 'not_available'
  | 'too_many_clients' | 'forbidden' | 'stopped' | 'internal';
export type ApiError = { code: ErrorCode; message: string; field?: string; line?: number; column?: number };

export type At = { view: 'overview' } | { view: 'watch'; watch: string } | { view: 'incident'; id: string };
export type WindowEvent =
  | { kind: 'connected' }
  | { kind: 'disconnected' }
  | { kind: 'event'; event: JsonValue }
  | { kind: 'missed'; count: number };
export type BridgeError =
  | { kind: 'resident_unreachable'; socket: string }
  | { kind: 'api'; error: ApiError }
  | { kind: 'protocol'; message: string }
  | { kind: 'not_allowed'; call: string };
