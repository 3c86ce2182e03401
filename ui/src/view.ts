// What the views share: the context the app gives them, the routes, errors as text.

import type { Bridge } from './bridge';
import { isBridgeError } from './bridge';
import { button, h, replace } from './dom';
import type { Texts } from './i18n';
import type { TimeSpan } from './model';
import type { BridgeError, JsonValue, Snapshot } from './generated';

/** A place in the window (the hash of its URL). */
export type Route =
  | { view: 'overview' }
  | { view: 'watch'; watch: string; incident?: string }
  | { view: 'incident'; id: string }
  | { view: 'incidents' };

/** The hash of a route: `#/`, `#/watch/Gmail`, `#/incidents`, `#/incident/ID`. */
export function href(route: Route): string {
  switch (route.view) {
    case 'overview':
      return '#/';
    case 'incidents':
      return '#/incidents';
    case 'incident':
      return `#/incident/${encodeURIComponent(route.id)}`;
    case 'watch':
      return `#/watch/${encodeURIComponent(route.watch)}${
        route.incident ? `/incident/${encodeURIComponent(route.incident)}` : ''
      }`;
  }
}

/** Reads a hash back (anything else is the overview). */
export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(safeDecode);
  if (parts[0] === 'watch' && parts[1]) {
    return parts[2] === 'incident' && parts[3]
      ? { view: 'watch', watch: parts[1], incident: parts[3] }
      : { view: 'watch', watch: parts[1] };
  }
  if (parts[0] === 'incident' && parts[1]) return { view: 'incident', id: parts[1] };
  if (parts[0] === 'incidents') return { view: 'incidents' };
  return { view: 'overview' };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** An event of the resident (an object of the events file). */
export type ResidentEvent = { event?: string; watch?: string | null; [key: string]: JsonValue | undefined };

/** What every view gets from the app. */
export interface Ctx {
  bridge: Bridge;
  texts: Texts;
  /** The current time, Unix ms. */
  now(): number;
  /** Spans where the user was offline, seen live since the window opened. */
  offline(): readonly TimeSpan[];
  /**
   * The snapshot the window asked for as it started, while its first view is being built
   * (the overview takes it); `null` after that.
   */
  earlySnapshot(): Promise<Snapshot> | null;
}

/** A view: its element, what it does on a resident's event, and its end. */
export interface View {
  readonly el: HTMLElement;
  /** Called for each resident event, and with `null` after a reconnection (reload all). */
  update(event: ResidentEvent | null): void;
  destroy(): void;
}

/** A failed request in words. */
export function errorText(texts: Texts, reason: unknown): string {
  const e: BridgeError = isBridgeError(reason)
    ? reason
    : { kind: 'protocol', message: reason instanceof Error ? reason.message : String(reason) };
  switch (e.kind) {
    case 'resident_unreachable':
      return texts.t('window-error-unreachable', { socket: texts.ltr(e.socket) });
    case 'api':
      // The codes a user can meet are worded in the catalog; the others (a request this
      // window got wrong) keep the resident's English sentence, with the code.
      return texts.has(`window-error-code-${e.error.code}`)
        ? texts.t(`window-error-code-${e.error.code}`)
        : texts.t('window-error-api', { code: texts.ltr(e.error.code), message: e.error.message });
    case 'not_allowed':
      return texts.t('window-error-not-allowed', { call: texts.ltr(e.call) });
    case 'protocol':
      return texts.t('window-error-protocol', { message: e.message });
    default:
      return texts.t('window-error-protocol', { message: JSON.stringify(e) });
  }
}

/** An error paragraph (announced). */
export function errorBox(texts: Texts, reason: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, errorText(texts, reason));
}

/**
 * A range picker (the watch page's chart, the timeline): one button per `[message id,
 * length in ms]`, the current one pressed (`aria-pressed`); a click presses it and calls
 * `picked` with its length.
 */
export function rangePicker(
  texts: Texts,
  ranges: readonly (readonly [string, number])[],
  initial: number,
  picked: (ms: number) => void,
): HTMLElement {
  const box = h('div', { class: 'ranges', role: 'group', 'aria-label': texts.t('watch-range') });
  let current = initial;
  const render = (): void =>
    keepFocus(box, () =>
      replace(
        box,
        ...ranges.map(([id, ms]) =>
          button(
            texts.t(id),
            () => {
              current = ms;
              render();
              picked(ms);
            },
            { 'aria-pressed': String(current === ms), 'data-key': id },
          ),
        ),
      ),
    );
  render();
  return box;
}

/** Keeps keyboard focus on the "same" control across a re-render (`data-key`). */
export function keepFocus(root: HTMLElement, render: () => void): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && root.contains(active) ? active.dataset.key : undefined;
  render();
  if (key) {
    const again = [...root.querySelectorAll<HTMLElement>('[data-key]')].find((el) => el.dataset.key === key);
    again?.focus();
  }
}

/** Calls `fn` at most once per `ms`, the last call winning. */
export function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const call = () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
  call.cancel = () => {
    if (timer !== null) clearTimeout(timer);
  };
  return call;
}

/** The state's word, e.g. "Down". */
export function stateWord(texts: Texts, state: string): string {
  return texts.has(`state-${state}`) ? texts.t(`state-${state}`) : state;
}

/** A cause's phrase (`cause-tcp_refused`), or the code as is for a cause this build does not know. */
export function causeWord(texts: Texts, cause: string | null, layer: string | null): string {
  if (cause && texts.has(`cause-${cause}`)) return texts.t(`cause-${cause}`);
  if (cause) return texts.ltr(cause);
  if (layer && texts.has(`layer-${layer}-long`)) return texts.t(`layer-${layer}-long`);
  return texts.t('window-none');
}

/** A layer's short name (DNS, TCP...). */
export function layerWord(texts: Texts, layer: string | null): string {
  if (!layer) return texts.t('window-none');
  return texts.has(`layer-${layer}`) ? texts.t(`layer-${layer}`) : texts.ltr(layer);
}
