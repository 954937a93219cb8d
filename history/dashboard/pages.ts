import { esc, jsonScript, page } from '../../reports/html/page.ts';
import { fmtNumber } from '../../reports/render/labels.ts';
import type { CheckPoint, RunRow } from '../store.ts';
import type { FailingSince, Flaky, KpiSeries } from './data.ts';

/** The dashboard's pages: pure functions of what the store returned, drawn with the same inlined uPlot as the reports. */

const q = (params: Record<string, string>): string => new URLSearchParams(params).toString();
const branchLink = (project: string, branch: string, text = `${project} / ${branch}`): string =>
  `<a href="/branch?${esc(q({ project, branch }))}">${esc(text)}</a>`;
const runName = (r: Pick<RunRow, 'label' | 'id'>): string => r.label ?? r.id;
const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(3)}%`);
const verdictCell = (r: RunRow): string =>
  `<td class="s-${esc(r.verdict)}">${esc(r.verdict)}${r.complete ? '' : ' (incomplete)'}</td>`;
const nav = '<p class="muted"><a href="/">All projects</a></p>';
const EXTRA_STYLE =
  '<style>.filters{display:flex;gap:12px;align-items:end;flex-wrap:wrap;margin:8px 0}.filters label{display:flex;flex-direction:column;font-size:12px}</style>';

export function homePage(rows: RunRow[], projects: string[], project: string | undefined): string {
  const shown = project ? rows.filter((r) => r.project === project) : rows;
  const body = [
    EXTRA_STYLE,
    '<h1>gonogo history</h1>',
    `<form class="filters" method="get" action="/"><label>Project<select name="project" id="filter-project"><option value="">all projects</option>${projects.map((p) => `<option${p === project ? ' selected' : ''}>${esc(p)}</option>`).join('')}</select></label><button type="submit">Filter</button></form>`,
    `<table id="branches"><tr><th>Project / branch</th><th>Latest run</th><th>Started</th><th>Commit</th><th>Verdict</th><th>p95 ms</th><th>Error rate</th><th>Failing checks</th></tr>`,
    ...shown.map(
      (r) =>
        `<tr data-project="${esc(r.project)}"><td>${branchLink(r.project, r.branch)}</td><td><a href="/run/${encodeURIComponent(r.id)}">${esc(runName(r))}</a></td><td>${esc(r.started_at)}</td><td><code>${esc(r.commit_sha?.slice(0, 12) ?? '—')}</code></td>${verdictCell(r)}<td class="num">${fmtNumber(r.p95)}</td><td class="num">${pct(r.error_rate)}</td><td class="num">${r.failing_checks}</td></tr>`,
    ),
    '</table>',
    shown.length
      ? ''
      : '<p class="muted">No runs recorded yet: <code>gonogo run --record</code> or <code>gonogo history import results/*/report.json</code>.</p>',
  ].join('\n');
  return page('gonogo history', body);
}

export interface BranchView {
  project: string;
  branch: string;
  last: number;
  runs: RunRow[];
  kpis: KpiSeries[];
  flaky: Flaky[];
  failing: FailingSince[];
  /** The latency KPIs' thresholds on p95 and p99, for the lines on the latency chart. */
  latencyLines: Array<{ label: string; percentile: number; ms: number }>;
}

const BRANCH_SCRIPT = `(function () {
  var d = JSON.parse(document.getElementById('gonogo-branch-data').textContent);
  if (typeof uPlot === 'undefined' || !d.x.length) return;
  var w = Math.max(300, Math.min(560, Math.floor((document.body.clientWidth - 80) / 2)));
  var names = d.names;
  var xAxis = { label: 'release', values: function (u, vals) { return vals.map(function (v) { return Number.isInteger(v) && names[v] !== undefined ? names[v] : ''; }); } };
  var xSeries = { label: 'release', value: function (u, v) { return v == null ? '' : names[v]; } };
  var fromZero = { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } };
  var charts = window.gonogoCharts = window.gonogoCharts || {};
  var pts = { show: true, size: 6 };
  function flat(v) { return d.x.map(function () { return v; }); }
  function line(label, v) { return { s: { label: label, stroke: '#1f2328', width: 1, dash: [6, 4], points: { show: false } }, data: flat(v) }; }
  function chart(id, title, series, data, unit, lines) {
    var el = document.getElementById(id);
    if (!el) return;
    lines = lines || [];
    charts[id] = new uPlot({ title: title, width: w, height: 220, scales: { x: { time: false }, y: fromZero },
      series: [xSeries].concat(series, lines.map(function (l) { return l.s; })), axes: [xAxis, { label: unit }] },
      [d.x].concat(data, lines.map(function (l) { return l.data; })), el);
  }
  // One chart per percentile, each with its own thresholds: a p99 bound ten times the p95 one would flatten the p95 line.
  function lines(p) { return d.latencyLines.filter(function (t) { return t.percentile === p; }).map(function (t) { return line(t.label, t.ms); }); }
  chart('chart-latency', 'p95 per release', [{ label: 'p95 ms', stroke: '#cf222e', width: 2, points: pts }], [d.p95], 'ms', lines(95));
  chart('chart-p99', 'p99 per release', [{ label: 'p99 ms', stroke: '#8250df', width: 2, points: pts }], [d.p99], 'ms', lines(99));
  chart('chart-errors', 'Error rate per release', [{ label: 'error %', stroke: '#9a6700', width: 2, points: pts }], [d.errorPct], '%', d.errorLines.map(function (v) { return line('threshold ' + v + ' %', v); }));
  chart('chart-rps', 'Requests per second per release', [{ label: 'rps', stroke: '#0969da', width: 2, points: pts }], [d.rps], 'rps');
  chart('chart-failing', 'Failing checks per release', [{ label: 'failing checks', stroke: '#cf222e', width: 2, points: pts }], [d.failing], 'checks');
  d.kpis.forEach(function (k, i) {
    chart('chart-kpi-' + i, 'KPI ' + k.id + ' (' + k.threshold + ')', [{ label: k.id, stroke: '#0969da', width: 2, points: pts }], [k.values], '', k.lines.map(function (v) { return line('threshold ' + v, v); }));
  });
})();`;

export function branchPage(v: BranchView): string {
  const runs = v.runs;
  const errorKpi = v.kpis.find((k) => /^http_req_failed: rate/.test(k.threshold));
  const data = {
    x: runs.map((_, i) => i),
    names: runs.map(runName),
    ids: runs.map((r) => r.id),
    p95: runs.map((r) => r.p95),
    p99: runs.map((r) => r.p99),
    rps: runs.map((r) => r.rps),
    errorPct: runs.map((r) => (r.error_rate === null ? null : r.error_rate * 100)),
    failing: runs.map((r) => r.failing_checks),
    latencyLines: v.latencyLines.filter((l) => l.percentile === 95 || l.percentile === 99),
    errorLines: (errorKpi?.lines ?? []).map((x) => x * 100),
    kpis: v.kpis.map((k) => ({ id: k.id, threshold: k.threshold, lines: k.lines, values: k.values })),
  };
  const options = (selected: RunRow | undefined) =>
    [...runs]
      .reverse()
      .map(
        (r) =>
          `<option value="${esc(r.id)}"${r === selected ? ' selected' : ''}>${esc(runName(r))} (${esc(r.started_at.slice(0, 16))})</option>`,
      )
      .join('');
  const checkLink = (id: string) =>
    `<a href="/check?${esc(q({ project: v.project, branch: v.branch, id }))}"><code>${esc(id)}</code></a>`;
  const body = [
    EXTRA_STYLE,
    nav,
    `<h1>${esc(v.project)} / ${esc(v.branch)}: ${runs.length} run${runs.length === 1 ? '' : 's'}</h1>`,
    `<form class="filters" method="get" action="/branch"><input type="hidden" name="project" value="${esc(v.project)}"><input type="hidden" name="branch" value="${esc(v.branch)}"><label>Last runs<input type="number" name="last" id="filter-last" min="1" max="1000" value="${v.last}"></label><button type="submit">Show</button></form>`,
    '<div class="charts"><div class="chart" id="chart-latency"></div><div class="chart" id="chart-p99"></div><div class="chart" id="chart-errors"></div><div class="chart" id="chart-rps"></div><div class="chart" id="chart-failing"></div></div>',
    `<form class="filters" method="get" action="/compare" id="compare-form"><label>Old run<select name="a" id="compare-a">${options(runs.at(-2))}</select></label><label>New run<select name="b" id="compare-b">${options(runs.at(-1))}</select></label><button type="submit">Compare side by side</button></form>`,
    `<h2>Failing now (${v.failing.length})</h2>`,
    v.failing.length
      ? `<table id="failing"><tr><th>Check</th><th>Status</th><th>Failing since</th><th>Commit</th><th>Runs in a row</th></tr>${v.failing.map((f) => `<tr><td>${checkLink(f.id)}</td><td class="s-${esc(f.status)}">${esc(f.status)}</td><td><a href="/run/${encodeURIComponent(f.since.id)}">${esc(runName(f.since))}</a> ${esc(f.since.started_at)}</td><td><code>${esc(f.since.commit_sha?.slice(0, 12) ?? '—')}</code></td><td class="num">${f.runs}</td></tr>`).join('')}</table>`
      : '<p class="muted">No check fails in the latest run.</p>',
    `<h2>Flaky checks (${v.flaky.length})</h2>`,
    '<p class="muted">A check is flaky here when its outcome flipped between pass and fail (or error) at least twice over these runs.</p>',
    v.flaky.length
      ? `<table id="flaky"><tr><th>Check</th><th>Flips</th><th>Runs judged</th></tr>${v.flaky.map((f) => `<tr><td>${checkLink(f.id)}</td><td class="num">${f.flips}</td><td class="num">${f.runs}</td></tr>`).join('')}</table>`
      : '<p class="muted">None.</p>',
    '<h2>Runs</h2>',
    `<div class="scroll"><table id="runs"><tr><th>Run</th><th>Started</th><th>Commit</th><th>Verdict</th><th>p95 ms</th><th>p99 ms</th><th>Error rate</th><th>rps</th><th>Failing checks</th></tr>${[
      ...runs,
    ]
      .reverse()
      .map(
        (r) =>
          `<tr><td><a href="/run/${encodeURIComponent(r.id)}">${esc(runName(r))}</a></td><td>${esc(r.started_at)}</td><td><code>${esc(r.commit_sha?.slice(0, 12) ?? '—')}</code></td>${verdictCell(r)}<td class="num">${fmtNumber(r.p95)}</td><td class="num">${fmtNumber(r.p99)}</td><td class="num">${pct(r.error_rate)}</td><td class="num">${fmtNumber(r.rps)}</td><td class="num">${r.failing_checks}</td></tr>`,
      )
      .join('')}</table></div>`,
    `<h2>KPIs against their thresholds (${v.kpis.length})</h2>`,
    `<div class="charts">${v.kpis.map((_, i) => `<div class="chart" id="chart-kpi-${i}"></div>`).join('')}</div>`,
    jsonScript('gonogo-branch-data', data),
  ].join('\n');
  return page(`gonogo history: ${v.project} / ${v.branch}`, body, { charts: true, script: BRANCH_SCRIPT });
}

export function checkPage(
  project: string,
  branch: string,
  id: string,
  points: CheckPoint[],
  streak: number | null,
): string {
  const since = streak === null ? null : points[streak]!;
  const body = [
    nav,
    `<p class="muted">${branchLink(project, branch)}</p>`,
    `<h1>Check <code>${esc(id)}</code> on ${esc(project)} / ${esc(branch)}</h1>`,
    since
      ? `<p id="since" class="s-fail">Failing since ${esc(since.label ?? since.runId)} (${esc(since.startedAt)}), commit <code>${esc(since.commit ?? 'unknown')}</code>: ${points.length - streak!} run${points.length - streak! === 1 ? '' : 's'} in a row.</p>`
      : `<p id="since" class="s-pass">${points.length ? 'Not failing in the latest run.' : 'This check has not run on this branch.'}</p>`,
    `<table id="check-history"><tr><th>Run</th><th>Started</th><th>Commit</th><th>Status</th></tr>${[...points]
      .reverse()
      .map(
        (p) =>
          `<tr><td><a href="/run/${encodeURIComponent(p.runId)}">${esc(p.label ?? p.runId)}</a></td><td>${esc(p.startedAt)}</td><td><code>${esc(p.commit?.slice(0, 12) ?? '—')}</code></td><td class="s-${esc(p.status)}">${esc(p.status)}</td></tr>`,
      )
      .join('')}</table>`,
  ].join('\n');
  return page(`gonogo history: ${id}`, body);
}

export function messagePage(title: string, message: string): string {
  return page(title, `${nav}<h1>${esc(title)}</h1><p>${esc(message)}</p>`);
}
