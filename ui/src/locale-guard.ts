// uPlot formats numbers with `new Intl.NumberFormat(navigator.language)` when it is first
// imported. Under `LANG=C` (a CI box, a minimal session) WebKitGTK reports the language "C",
// which Intl refuses with a RangeError, and the whole window would fail to load. This module
// is imported before uPlot: it replaces a language tag Intl cannot read with "en-US" (the
// window's own texts never use navigator.language for formatting, only to pick a language).

function valid(tag: string | undefined): boolean {
  if (!tag) return false;
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (typeof navigator !== 'undefined' && !valid(navigator.language)) {
  try {
    Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
  } catch {
    // Not redefinable: uPlot's import fails as before, and the chart with it.
  }
}

export {};
