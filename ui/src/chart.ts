// The watch's latency chart, stacked by phase (uPlot, on a canvas). Colours come from the
// stylesheet's variables, so they follow the light or dark scheme. The watch view imports
// this module when it first draws a chart, so uPlot is not loaded before the overview's
// first view (the overview's sparklines are in sparkline.ts).

import './locale-guard';

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { clock, date, isoDay, latency, time } from './format';
import type { Texts } from './i18n';
import { STACKED, type Stack } from './model';

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** A latency chart stacked by phase; returns a function that removes it. */
export function phaseChart(
  container: HTMLElement,
  data: Stack,
  texts: Texts,
  shown: { from: number; until: number },
): () => void {
  const rangeMs = shown.until - shown.from;
  const ink = cssVar('--ink-soft', '#555');
  const grid = cssVar('--grid', 'rgba(128,128,128,0.2)');
  // Drawn top of the stack first, so each lower sum is painted over it.
  const order = [...STACKED].reverse();
  const series: uPlot.Series[] = [
    { label: texts.t('log-col-time'), value: (_u, v) => (v === null ? '' : time(texts, v * 1000)) },
    ...order.map((phase) => ({
      label: texts.t(`phase-${phase}`),
      stroke: cssVar(`--phase-${phase}`, '#888'),
      fill: cssVar(`--phase-${phase}-fill`, 'rgba(128,128,128,0.3)'),
      width: 1,
      // A lone point is a dot: there is no line to draw yet.
      points: { show: data.xs.length < 3, size: 6 },
      value: (_u: uPlot, _v: number | null, _si: number, i: number | null) =>
        i === null ? '' : latency(texts, data.phases[phase][i]),
    })),
  ];
  const byDay = rangeMs > 2 * 24 * 3600_000;
  const opts: uPlot.Options = {
    width: Math.max(320, container.clientWidth || 640),
    height: 240,
    series,
    scales: {
      // The whole range asked for, not only where there are points.
      x: { time: true, range: (): uPlot.Range.MinMax => [shown.from / 1000, shown.until / 1000] },
      y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
    },
    axes: [
      {
        stroke: ink,
        grid: { stroke: grid },
        ticks: { stroke: grid },
        values: (_u, splits) => splits.map((s) => (byDay ? date(texts, isoDay(s * 1000)) : clock(texts, s * 1000))),
      },
      {
        stroke: ink,
        grid: { stroke: grid },
        ticks: { stroke: grid },
        size: 70,
        values: (_u, splits) => splits.map((v) => latency(texts, v)),
      },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
  const rows = [data.xs, ...order.map((phase) => data.sums[phase])] as uPlot.AlignedData;
  const plot = new uPlot(opts, rows, container);
  const resize = new ResizeObserver(() => {
    const width = Math.max(320, container.clientWidth);
    if (Math.abs(width - plot.width) > 4) plot.setSize({ width, height: 240 });
  });
  resize.observe(container);
  return () => {
    resize.disconnect();
    plot.destroy();
  };
}
