// The overview's sparklines: a watch's latencies over 24 h as a small SVG polyline, its
// colour from the stylesheet (`.spark polyline`).

import { h, svg } from './dom';
import { latency } from './format';
import type { Texts } from './i18n';
import { sparkline } from './model';

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
