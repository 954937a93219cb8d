import * as hdr from 'hdr-histogram-js';
import type { KpiResult, LoadResult } from '../../core/report-schema.ts';
import { parseThreshold, splitMetric } from '../../core/threshold.ts';
import type { METRICS } from '../../core/metrics.ts';

/** Percentiles for the latency curve, spaced in "nines" so p99 and p99.9 get room. */
const CURVE_PERCENTILES = [0, 10, 25, 50, 75, 80, 90, 95, 97, 99, 99.5, 99.9, 99.95, 99.99, 100];

/** The metric the latency charts draw: the run's whole-run request latency (timeline p95 and histogram). */
const LATENCY_METRIC: keyof typeof METRICS = 'http_req_duration';

export interface ThresholdLine {
  label: string;
  percentile: number;
  ms: number;
}

export interface LoadChartData {
  t: number[];
  p95: number[];
  rps: number[];
  errors: number[];
  /** x: -log10(1 - p) ("nines", capped), y: latency in ms at that percentile. */
  curveX: number[];
  curveY: number[];
  curveP: number[];
  /** The KPIs' latency thresholds (whole run, upper bounds on a percentile), drawn as lines on the latency charts. */
  thresholds: ThresholdLine[];
}

const nines = (p: number): number => Math.min(5, -Math.log10(Math.max(1e-5, 1 - p / 100)));

/**
 * Upper bounds on a percentile of the whole-run latency among the KPIs (`http_req_duration: p(95)<200`): the
 * lines a reader compares the curves with. Tagged submetrics (one endpoint) are left out: the charts are whole-run.
 */
export function latencyThresholds(kpis: readonly KpiResult[]): ThresholdLine[] {
  const out: ThresholdLine[] = [];
  for (const k of kpis) {
    if (!k.metric) continue;
    let metric: ReturnType<typeof splitMetric>;
    try {
      metric = splitMetric(k.metric);
    } catch {
      continue;
    }
    if (metric.base !== LATENCY_METRIC || Object.keys(metric.tags).length) continue;
    // The KPI's threshold text is "<metric>: <expr> and <expr>" (reports/kpi-eval.ts).
    const prefix = `${k.metric}: `;
    if (!k.threshold.startsWith(prefix)) continue;
    const exprs = k.threshold.slice(prefix.length).split(' and ');
    for (const expr of exprs) {
      try {
        const t = parseThreshold(expr.trim());
        const p = /^p\((.+)\)$/.exec(t.aggregation)?.[1];
        if (p === undefined || !t.operator.startsWith('<')) continue;
        out.push({ label: `${k.id}: p(${p}) ${t.operator} ${t.value} ms`, percentile: Number(p), ms: t.value });
      } catch {
        // A threshold text this page cannot read is still shown in the KPI table; it just gets no line.
      }
    }
  }
  return out;
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

export function loadChartData(load: LoadResult, kpis: readonly KpiResult[] = []): LoadChartData {
  const curve = percentileCurve(load.histogram);
  return {
    t: load.timeline.map((x) => x.t),
    p95: load.timeline.map((x) => x.p95),
    rps: load.timeline.map((x) => x.rps),
    errors: load.timeline.map((x) => x.errors),
    curveX: curve.p.map(nines),
    curveY: curve.ms,
    curveP: curve.p,
    thresholds: latencyThresholds(kpis),
  };
}

/** Browser-side script: draws the three load charts with the inlined uPlot from the embedded JSON. */
/**
 * Browser-side script: draws the three load charts with the inlined uPlot from the embedded JSON. A threshold is a
 * dashed constant series (uPlot has no reference-line option); rate axes start at zero so a small rate does not
 * look like a cliff. The charts are kept on window.gonogoCharts by container id.
 */
export const LOAD_CHART_SCRIPT = `(function () {
  var el = document.getElementById('gonogo-load-data');
  if (!el || typeof uPlot === 'undefined') return;
  var d = JSON.parse(el.textContent);
  var w = Math.max(320, Math.min(560, document.body.clientWidth - 60));
  var charts = window.gonogoCharts = window.gonogoCharts || {};
  var fromZero = { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } };
  function line(t, n) { var a = []; for (var i = 0; i < n; i++) a.push(t.ms); return a; }
  function thresholdSeries(t) { return { label: t.label, stroke: '#1f2328', width: 1, dash: [6, 4], points: { show: false } }; }
  function chart(id, title, x, series, data, axes, scales) {
    var target = document.getElementById(id);
    if (!target || !x.length) return;
    charts[id] = new uPlot({ title: title, width: w, height: 240, scales: Object.assign({ x: { time: false } }, scales || {}),
      series: [{ label: axes[0] }].concat(series), axes: [{ label: axes[0] }, { label: axes[1] }] }, [x].concat(data), target);
  }
  var p95Lines = d.thresholds.filter(function (t) { return t.percentile === 95; });
  chart('chart-latency', 'Latency p95 over time', d.t, [{ label: 'p95 ms', stroke: '#cf222e', width: 2 }].concat(p95Lines.map(thresholdSeries)),
    [d.p95].concat(p95Lines.map(function (t) { return line(t, d.t.length); })), ['seconds', 'ms'], { y: fromZero });
  chart('chart-rps', 'Requests per second', d.t, [{ label: 'rps', stroke: '#0969da', width: 2 }, { label: 'errors', stroke: '#9a6700' }], [d.rps, d.errors], ['seconds', 'per second'], { y: fromZero });
  if (d.curveX.length) {
    var labels = {};
    d.curveX.forEach(function (x, i) { labels[x] = 'p' + d.curveP[i]; });
    charts['chart-percentiles'] = new uPlot({ title: 'Latency by percentile (HDR histogram)', width: w, height: 240, scales: { x: { time: false }, y: fromZero },
      series: [{ label: 'percentile', value: function (u, v) { return v == null ? '' : (labels[v] || v.toFixed(2)); } }, { label: 'ms', stroke: '#8250df', width: 2 }].concat(d.thresholds.map(thresholdSeries)),
      axes: [{ label: 'percentile', values: function (u, vals) { return vals.map(function (v) { return v <= 0 ? 'p0' : 'p' + (100 - 100 * Math.pow(10, -v)).toPrecision(4).replace(/\\.?0+$/, ''); }); } }, { label: 'ms' }] },
      [d.curveX, d.curveY].concat(d.thresholds.map(function (t) { return line(t, d.curveX.length); })), document.getElementById('chart-percentiles'));
  }
})();`;
