// The window's shell: header (views, language), the connection banner, the current view
// in <main>, routing by the URL's hash, and the resident's live events passed to the view.

import type { Bridge } from './bridge';
import { h, replace } from './dom';
import { LANGS, type Lang, rememberLang, Texts } from './i18n';
import { markStart } from './marks';
import type { TimeSpan } from './model';
import type { At, Snapshot, WindowEvent } from './generated';
import { type Ctx, errorBox, href, parseHash, type ResidentEvent, type Route, type View } from './view';
import { incidentsView } from './views/incidents';
import { overview } from './views/overview';
import { watchView } from './views/watch';

/** Where a `start_at` or `navigate` place goes. */
export function routeOf(at: At): Route {
  switch (at.view) {
    case 'watch':
      return { view: 'watch', watch: at.watch };
    case 'incident':
      return { view: 'incident', id: at.id };
    default:
      return { view: 'overview' };
  }
}

/** The window's options: the bridge, the starting language, where to remember it. */
export interface AppOptions {
  bridge: Bridge;
  lang: Lang;
  storage: Pick<Storage, 'setItem'> | null;
  now?: () => number;
}

/** Builds the window in `document.body` and runs it; `stop` ends it (tests start several). */
export async function startApp(options: AppOptions): Promise<{ stop(): void }> {
  const { bridge, storage } = options;
  const now = options.now ?? (() => Date.now());
  let texts = new Texts(options.lang);
  let view: View | null = null;
  let connected: boolean | null = null;
  const offline: TimeSpan[] = [];

  const nav = h('nav', {});
  const langSelect = h('select', { id: 'lang' });
  const langLabel = h('label', { for: 'lang' });
  const banner = h('div', { class: 'banner', role: 'status', 'data-connection': 'connected', hidden: true });
  const notice = h('div', { class: 'notice', role: 'status', hidden: true });
  const main = h('main', { id: 'main', 'data-view': 'overview', tabindex: -1 });
  const header = h('header', { class: 'top' }, h('span', { class: 'brand' }), nav, h('div', { class: 'lang' }, langLabel, langSelect));
  replace(document.body, header, banner, notice, main);

  // The first view's snapshot is asked at once, beside the start's round trips to the
  // window's Rust side: the overview needs nothing else to draw its rows. The first
  // overview takes it; either way it tells the banner whether a resident answers.
  const early = bridge.ask({ call: 'snapshot' });
  let earlyUnused: Promise<Snapshot> | null = early;
  const ctx = (): Ctx => ({ bridge, texts, now, offline: () => offline, earlySnapshot: () => earlyUnused });

  function setConnected(value: boolean): void {
    if (connected === value) return;
    connected = value;
    banner.dataset.connection = value ? 'connected' : 'disconnected';
    banner.hidden = value;
    banner.textContent = value ? '' : texts.t('window-disconnected');
  }

  function chrome(): void {
    const root = document.documentElement;
    root.lang = texts.lang;
    root.dir = texts.rtl ? 'rtl' : 'ltr';
    document.title = texts.t('window-title');
    header.querySelector('.brand')!.textContent = texts.t('app-name');
    nav.setAttribute('aria-label', texts.t('window-nav'));
    const current = main.dataset.view;
    replace(
      nav,
      h('a', { href: href({ view: 'overview' }), 'aria-current': current === 'overview' ? 'page' : null }, texts.t('window-nav-overview')),
      h('a', { href: href({ view: 'incidents' }), 'aria-current': current === 'incidents' ? 'page' : null }, texts.t('window-nav-incidents')),
    );
    langLabel.textContent = texts.t('window-language');
    replace(langSelect, ...LANGS.map((l) => h('option', { value: l, selected: l === texts.lang, lang: l }, texts.t(`window-language-${l}`))));
    if (connected === false) banner.textContent = texts.t('window-disconnected');
  }

  async function show(route: Route): Promise<void> {
    view?.destroy();
    view = null;
    if (route.view === 'incident') {
      // An incident is shown on its watch's page: find its watch.
      main.dataset.view = 'watch';
      chrome();
      replace(main, h('p', { class: 'note' }, texts.t('window-loading')));
      try {
        const found = (await bridge.ask({ call: 'incident', incident: route.id })).incident;
        if (!found) {
          replace(main, h('p', { class: 'error', role: 'alert' }, texts.t('window-error-no-incident', { id: route.id })));
          return;
        }
        location.replace(href({ view: 'watch', watch: found.watch, incident: found.id }));
      } catch (e) {
        replace(main, errorBox(texts, e));
      }
      return;
    }
    main.dataset.view = route.view;
    chrome();
    const c = ctx();
    view =
      route.view === 'watch'
        ? watchView(c, route.watch, route.incident ?? null)
        : route.view === 'incidents'
          ? incidentsView(c)
          : overview(c);
    // Only the first view, as it is built, may take the early snapshot: later reads ask
    // afresh.
    earlyUnused = null;
    replace(main, view.el);
  }

  function go(route: Route): void {
    const target = href(route);
    if (location.hash === target) void show(route);
    else location.hash = target;
  }

  // Escape closes an open menu (the pause choices) and gives the focus back to its button.
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    const menu = (document.activeElement as HTMLElement | null)?.closest('details[open]');
    if (!menu) return;
    menu.removeAttribute('open');
    menu.querySelector<HTMLElement>('summary')?.focus();
  };
  document.addEventListener('keydown', onKey);
  // A change already overtaken by a later one (both queued before either is handled) is
  // skipped: the later one's event follows, and the view is built once.
  const onHash = (e: HashChangeEvent) => {
    if (new URL(e.newURL).hash !== location.hash) return;
    void show(parseHash(location.hash)).then(() => main.focus({ preventScroll: true }));
  };
  window.addEventListener('hashchange', onHash);

  langSelect.addEventListener('change', () => {
    const lang = langSelect.value as Lang;
    if (lang === texts.lang) return;
    texts = new Texts(lang);
    rememberLang(storage, lang);
    void show(parseHash(location.hash)).then(() => langSelect.focus());
  });

  function onResident(e: WindowEvent): void {
    switch (e.kind) {
      case 'connected':
        setConnected(true);
        view?.update(null);
        break;
      case 'disconnected':
        setConnected(false);
        break;
      case 'missed':
        notice.textContent = texts.t('window-missed');
        notice.hidden = false;
        view?.update(null);
        break;
      case 'event': {
        setConnected(true);
        const event = (e.event ?? {}) as ResidentEvent;
        if (event.event === 'verdict') {
          const t = now();
          const last = offline[offline.length - 1];
          if (event.to !== 'online' && (!last || last.end !== null)) offline.push({ start: t, end: null });
          if (event.to === 'online' && last && last.end === null) last.end = t;
        }
        view?.update(event);
        break;
      }
    }
  }

  // The round trips to the window's Rust side at start are made together: each is time
  // before the first view.
  const asked = location.hash === '' || location.hash === '#' || location.hash === '#/';
  const [onResidentOff, onNavigateOff, at] = await Promise.all([
    bridge.onResident(onResident),
    bridge.onNavigate((at) => go(routeOf(at))),
    asked ? bridge.startAt().catch((): At => ({ view: 'overview' })) : null,
  ]);
  markStart('dw-started');
  const unlisten = [onResidentOff, onNavigateOff];
  chrome();
  go(at ? routeOf(at) : parseHash(location.hash));

  // Whether a resident answers, for the banner before the first event arrives.
  early.then(
    () => setConnected(true),
    (e) => {
      if (e?.kind === 'resident_unreachable') setConnected(false);
    },
  );
  return {
    stop() {
      window.removeEventListener('hashchange', onHash);
      document.removeEventListener('keydown', onKey);
      for (const u of unlisten) u();
      view?.destroy();
    },
  };
}
