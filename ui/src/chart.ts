// Charts: the watch's latency stacked by phase (uPlot, on a canvas) and the overview's
// sparklines (a small SVG polyline). Colours come from the stylesheet's variables, so
// they follow the light or dark scheme.

import './locale-guard';

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { h, svg } from './dom';
import { clock, date, isoDay, latency, time } from './format';
import type { Texts } from './i18n';
import { STACKED, sparkline, type Stack } from './model';

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

const SPARK_W = 120;
const SPARK_H = 28;

/** A 24 h sparkline of latencies (`{x: ms, y: ms}`), with its range said for screen readers. */
export function sparklineSvg(points: readonly { x: number; y: number }[], texts: Texts): Element {
  if (points.length === 0) {
    return h('span', { class: 'spark-none', title: texts.t('overview-sparkline-none') }, texts.t('window-no-data'));
  }
  const ys = points.map((p) => p.y);
  const label = texts.t('overview-sparkline', {
    min: latency(texts, Math.min(...ys)),
    max: latency(texts, Math.max(...ys)),
  });
  const el = svg('svg', {
    class: 'spark',
    width: SPARK_W,
    height: SPARK_H,
    viewBox: `0 0 ${SPARK_W} ${SPARK_H}`,
    role: 'img',
    'aria-label': label,
  });
  const title = svg('title');
  title.textContent = label;
  el.appendChild(title);
  el.appendChild(svg('polyline', { points: sparkline(points, SPARK_W, SPARK_H - 2), fill: 'none' }));
  return el;
}
