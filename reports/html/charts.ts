import * as hdr from 'hdr-histogram-js';
import type { LoadResult } from '../schema.ts';

/** Percentiles for the latency curve, spaced in "nines" so p99 and p99.9 get room. */
const CURVE_PERCENTILES = [0, 10, 25, 50, 75, 80, 90, 95, 97, 99, 99.5, 99.9, 99.95, 99.99, 100];

export interface LoadChartData {
  t: number[]; p95: number[]; rps: number[]; errors: number[];
  /** x: -log10(1 - p) ("nines", capped), y: latency in ms at that percentile. */
  curveX: number[]; curveY: number[]; curveP: number[];
}

/** The recorded distribution, from the exact HDR histogram rather than the summary percentiles. */
export function percentileCurve(histogramB64: string): { p: number[]; ms: number[] } {
  if (!histogramB64) return { p: [], ms: [] };
  try {
    const h = hdr.decodeFromCompressedBase64(histogramB64);
    const ms = CURVE_PERCENTILES.map((p) => h.getValueAtPercentile(p) / 1000);
    h.destroy();
    return { p: CURVE_PERCENTILES, ms };
  } catch {
    // A damaged histogram must not break the whole report page; the curve is just left out.
    return { p: [], ms: [] };
  }
}

export function loadChartData(load: LoadResult): LoadChartData {
  const curve = percentileCurve(load.histogram);
  return {
    t: load.timeline.map((x) => x.t), p95: load.timeline.map((x) => x.p95), rps: load.timeline.map((x) => x.rps), errors: load.timeline.map((x) => x.errors),
    curveX: curve.p.map((p) => Math.min(5, -Math.log10(Math.max(1e-5, 1 - p / 100)))), curveY: curve.ms, curveP: curve.p,
  };
}

/** Browser-side script: draws the three load charts with the inlined uPlot from the embedded JSON. */
export const LOAD_CHART_SCRIPT = `(function () {
  var el = document.getElementById('gonogo-load-data');
  if (!el || typeof uPlot === 'undefined') return;
  var d = JSON.parse(el.textContent);
  var w = Math.max(320, Math.min(560, document.body.clientWidth - 60));
  function chart(id, title, x, series, data, axes) {
    var target = document.getElementById(id);
    if (!target || !x.length) return;
    new uPlot({ title: title, width: w, height: 240, scales: { x: { time: false } },
      series: [{ label: axes[0] }].concat(series), axes: [{ label: axes[0] }, { label: axes[1] }] }, [x].concat(data), target);
  }
  chart('chart-latency', 'Latency p95 over time', d.t, [{ label: 'p95 ms', stroke: '#cf222e', width: 2 }], [d.p95], ['seconds', 'ms']);
  chart('chart-rps', 'Requests per second', d.t, [{ label: 'rps', stroke: '#0969da', width: 2 }, { label: 'errors', stroke: '#9a6700' }], [d.rps, d.errors], ['seconds', 'per second']);
  if (d.curveX.length) {
    var labels = {};
    d.curveX.forEach(function (x, i) { labels[x] = 'p' + d.curveP[i]; });
    new uPlot({ title: 'Latency by percentile (HDR histogram)', width: w, height: 240, scales: { x: { time: false } },
      series: [{ label: 'percentile', value: function (u, v) { return v == null ? '' : (labels[v] || v.toFixed(2)); } }, { label: 'ms', stroke: '#8250df', width: 2 }],
      axes: [{ label: 'percentile', values: function (u, vals) { return vals.map(function (v) { return v <= 0 ? 'p0' : 'p' + (100 - 100 * Math.pow(10, -v)).toPrecision(4).replace(/\\.?0+$/, ''); }); } }, { label: 'ms' }] },
      [d.curveX, d.curveY], document.getElementById('chart-percentiles'));
  }
})();`;
