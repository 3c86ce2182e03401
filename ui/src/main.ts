// The window's entry point: the Tauri bridge, the remembered or system language.

import './style.css';

import { markStart } from './marks';
import { startApp } from './app';
import { tauriBridge } from './bridge';
import { initialLang } from './i18n';

markStart('dw-script');

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

void startApp({
  bridge: tauriBridge,
  lang: initialLang(storage(), navigator.languages?.length ? navigator.languages : [navigator.language]),
  storage: storage(),
});
