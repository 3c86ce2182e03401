// The one module that talks to the window's Rust side (src-tauri/): the `api` and
// `start_at` commands and the `resident` and `navigate` events. Everything else receives a
// `Bridge`, so the views run in tests against a fake one.

import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';

import type { Answer, At, BridgeError, Call, WindowEvent } from './generated';

/** The answer kind each call is answered with. */
type AnswerOf = {
  snapshot: 'snapshot';
  subscribe: 'subscribed';
  check_now: 'done';
  pause: 'done';
  resume: 'done';
  latest: 'latest';
  checks: 'checks';
  incidents: 'incidents';
  incident: 'incident';
  uptime: 'uptime';
  current: 'current';
  latency_series: 'latency_series';
  days: 'days';
};

/** A call of kind `K`. */
export type CallOf<K extends Call['call']> = Extract<Call, { call: K }>;
/** The answer to a call of kind `K`. */
export type Answered<K extends Call['call']> = Extract<Answer, { answer: K extends keyof AnswerOf ? AnswerOf[K] : never }>;

/** What the views need from the window's Rust side. */
export interface Bridge {
  /** One request to the resident; rejects with a `BridgeError`. */
  ask<K extends Call['call']>(call: CallOf<K>): Promise<Answered<K>>;
  /** Where the window was asked to open. */
  startAt(): Promise<At>;
  /** The connection's news and the resident's events; returns the unsubscribe. */
  onResident(handler: (event: WindowEvent) => void): Promise<() => void>;
  /** A second start asking for another place. */
  onNavigate(handler: (at: At) => void): Promise<() => void>;
}

const EXPECTED: AnswerOf = {
  snapshot: 'snapshot',
  subscribe: 'subscribed',
  check_now: 'done',
  pause: 'done',
  resume: 'done',
  latest: 'latest',
  checks: 'checks',
  incidents: 'incidents',
  incident: 'incident',
  uptime: 'uptime',
  current: 'current',
  latency_series: 'latency_series',
  days: 'days',
};

/** Whether `value` is a `BridgeError` (an object tagged by `kind`). */
export function isBridgeError(value: unknown): value is BridgeError {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/** Any rejection as a `BridgeError`: a string or an exception of the IPC becomes `protocol`. */
export function toBridgeError(reason: unknown): BridgeError {
  if (isBridgeError(reason)) return reason;
  return { kind: 'protocol', message: reason instanceof Error ? reason.message : String(reason) };
}

/** Checks that an answer has the kind its call is answered with. */
export function expectAnswer<K extends Call['call']>(call: CallOf<K>, answer: Answer): Answered<K> {
  const want = EXPECTED[call.call as keyof AnswerOf];
  if (answer?.answer !== want) {
    throw { kind: 'protocol', message: `${call.call} answered ${String(answer?.answer)}` } satisfies BridgeError;
  }
  return answer as Answered<K>;
}

/** The bridge of the Tauri app. */
export const tauriBridge: Bridge = {
  async ask(call) {
    try {
      const answer = await invoke<Answer>('api', { call });
      return expectAnswer(call, answer);
    } catch (reason) {
      throw toBridgeError(reason);
    }
  },
  startAt: () => invoke<At>('start_at'),
  onResident: (handler) => listen<WindowEvent>('resident', (e) => handler(e.payload)),
  onNavigate: (handler) => listen<At>('navigate', (e) => handler(e.payload)),
};
