import type { CheckStatus, Report, SkipKind } from '../../core/report-schema.ts';
import { SKIP_KIND_LABEL, skipKind } from '../skip.ts';
import { CHECK_LABEL, fmtNumber } from '../render/labels.ts';
import { esc, jsonScript, page } from '../html/page.ts';
import { sameTargetKeys } from '../compare/compare.ts';
import { targetKey } from '../../core/url.ts';

export interface TrendRelease {
  name: string;
  runId: string;
  startedAt: string;
  decision: 'GO' | 'NO-GO';
  complete: boolean;
  p95: number | null;
  p99: number | null;
  errorRate: number | null;
  rps: number | null;
}
export interface Trend {
  releases: TrendRelease[];
  /** check id -> status per release (null: the check did not run in that release), and for a skip its kind. */
  matrix: Array<{ id: string; statuses: Array<CheckStatus | null>; skips: Array<SkipKind | null> }>;
  warnings: string[];
}

/** What the trend needs of one run: a report gives it (buildTrend), and so do the indexed columns of the run store. */
export interface TrendRun {
  release: TrendRelease;
  checks: Array<{ id: string; status: CheckStatus; skip: SkipKind | null }>;
  /** Engine and load profile, as the warning names them. */
  profile: string;
  target: { reference: boolean; key: string };
}

export const profileOf = (engine: string | null, vus: number, duration: string): string =>
  `${engine ?? 'none'} ${vus} VUs ${duration}`;

export function trendRunOf(r: Report): TrendRun {
  return {
    release: {
      name: r.run.label ?? r.run.id,
      runId: r.run.id,
      startedAt: r.run.startedAt,
      decision: r.verdict.decision,
      complete: r.verdict.complete,
      p95: r.load?.latencyMs.p95 ?? null,
      p99: r.load?.latencyMs.p99 ?? null,
      errorRate: r.load?.errorRate ?? null,
      rps: r.load?.rps ?? null,
    },
    checks: r.checks.map((c) => ({ id: c.id, status: c.status, skip: c.status === 'skip' ? skipKind(c) : null })),
    profile: profileOf(r.run.engine, r.run.loadProfile.vus, r.run.loadProfile.duration),
    target: { reference: Boolean(r.run.provenance.reference), key: targetKey(r.run.target.baseUrl) },
  };
}

/** Releases in the order they ran; one column per report. */
export function buildTrend(reports: Report[]): Trend {
  return buildTrendOf(reports.map(trendRunOf));
}

/** The trend of runs in any order (sorted by start time). */
export function buildTrendOf(runs: TrendRun[]): Trend {
  const sorted = [...runs].sort((a, b) => a.release.startedAt.localeCompare(b.release.startedAt));
  const releases = sorted.map((r) => r.release);
  const ids = [...new Set(sorted.flatMap((r) => r.checks.map((c) => c.id)))].sort();
  // The first result of an id counts, as a report reader finds it.
  const byRun = sorted.map((r) => new Map([...r.checks].reverse().map((c) => [c.id, c])));
  const matrix = ids.map((id) => {
    const found = byRun.map((m) => m.get(id));
    return {
      id,
      statuses: found.map((c) => c?.status ?? null),
      skips: found.map((c) => (c?.status === 'skip' ? c.skip : null)),
    };
  });
  const warnings: string[] = [];
  const profiles = new Set(sorted.map((r) => r.profile));
  if (profiles.size > 1)
    warnings.push(
      `the load runs differ (${[...profiles].join('; ')}): latency and rps are not like for like across all releases`,
    );
  if (!sameTargetKeys(sorted.map((r) => r.target))) warnings.push('the reports test different targets');
  const seen = new Map<string, number>();
  for (const r of sorted) seen.set(r.release.runId, (seen.get(r.release.runId) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} (${n} times)`);
  if (twice.length)
    warnings.push(`the same run is given more than once: ${twice.join(', ')}; each counts as a release in the trend`);
  return { releases, matrix, warnings };
}

/** A matrix cell: the status, a skip with its kind ("SKIP (not applicable)"), or a dash when the check did not exist. */
const cellText = (s: CheckStatus | null, kind: SkipKind | null): string =>
  s ? `${CHECK_LABEL[s]}${kind ? ` (${SKIP_KIND_LABEL[kind]})` : ''}` : '—';

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(3)}%`);

export function renderTrendMd(t: Trend): string {
  const out = [
    '# gonogo trend',
    '',
    ...t.warnings.map((w) => `> **Warning:** ${w}`),
    ...(t.warnings.length ? [''] : []),
  ];
  out.push('| Release | Started | Verdict | p95 ms | p99 ms | Error rate | rps |', '|---|---|---|---:|---:|---:|---:|');
  for (const r of t.releases)
    out.push(
      `| ${r.name} | ${r.startedAt} | ${r.decision}${r.complete ? '' : ' (incomplete)'} | ${fmtNumber(r.p95)} | ${fmtNumber(r.p99)} | ${pct(r.errorRate)} | ${fmtNumber(r.rps)} |`,
    );
  // A check that does not apply to the platform in any release is not worth a row.
  const changing = t.matrix.filter((m) => m.statuses.some((s, i) => s !== 'pass' && m.skips[i] !== 'not-applicable'));
  out.push(
    '',
    `## Checks that did not always pass (${changing.length} of ${t.matrix.length})`,
    '',
    `| Check | ${t.releases.map((r) => r.name).join(' | ')} |`,
    `|---|${t.releases.map(() => '---').join('|')}|`,
  );
  for (const m of changing)
    out.push(`| ${m.id} | ${m.statuses.map((s, i) => cellText(s, m.skips[i] ?? null)).join(' | ')} |`);
  return out.join('\n');
}

const TREND_SCRIPT = `(function () {
  var d = JSON.parse(document.getElementById('gonogo-trend-data').textContent);
  if (typeof uPlot === 'undefined' || !d.x.length) return;
  var w = Math.max(320, Math.min(560, document.body.clientWidth - 60));
  var names = d.names;
  var xAxis = { label: 'release', values: function (u, vals) { return vals.map(function (v) { return names[v] !== undefined && Number.isInteger(v) ? names[v] : ''; }); } };
  var xSeries = { label: 'release', value: function (u, v) { return v == null ? '' : names[v]; } };
  // Every axis here is a rate or a latency: from zero, so a small change between releases does not look like a cliff.
  var fromZero = { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } };
  var charts = window.gonogoCharts = window.gonogoCharts || {};
  function chart(id, title, series, data, unit) {
    charts[id] = new uPlot({ title: title, width: w, height: 240, scales: { x: { time: false }, y: fromZero }, series: [xSeries].concat(series),
      axes: [xAxis, { label: unit }] }, [d.x].concat(data), document.getElementById(id));
  }
  var pts = { show: true, size: 6 };
  chart('trend-latency', 'Latency per release', [{ label: 'p95 ms', stroke: '#cf222e', width: 2, points: pts }, { label: 'p99 ms', stroke: '#8250df', width: 2, points: pts }], [d.p95, d.p99], 'ms');
  chart('trend-errors', 'Error rate per release', [{ label: 'error %', stroke: '#9a6700', width: 2, points: pts }], [d.errorPct], '%');
  chart('trend-rps', 'Requests per second per release', [{ label: 'rps', stroke: '#0969da', width: 2, points: pts }], [d.rps], 'rps');
})();`;

export function renderTrendHtml(t: Trend): string {
  const data = {
    x: t.releases.map((_, i) => i),
    names: t.releases.map((r) => r.name),
    p95: t.releases.map((r) => r.p95),
    p99: t.releases.map((r) => r.p99),
    errorPct: t.releases.map((r) => (r.errorRate === null ? null : r.errorRate * 100)),
    rps: t.releases.map((r) => r.rps),
  };
  const head = `<tr><th>Check</th>${t.releases.map((r) => `<th>${esc(r.name)}</th>`).join('')}</tr>`;
  const body = [
    `<h1>gonogo trend: ${t.releases.length} releases</h1>`,
    ...t.warnings.map((w) => `<div class="warning">${esc(w)}</div>`),
    '<table id="releases"><tr><th>Release</th><th>Started</th><th>Verdict</th><th>p95 ms</th><th>p99 ms</th><th>Error rate</th><th>rps</th></tr>',
    ...t.releases.map(
      (r) =>
        `<tr><td>${esc(r.name)}</td><td>${esc(r.startedAt)}</td><td class="s-${esc(r.decision)}">${esc(r.decision)}${r.complete ? '' : ' (incomplete)'}</td><td class="num">${fmtNumber(r.p95)}</td><td class="num">${fmtNumber(r.p99)}</td><td class="num">${pct(r.errorRate)}</td><td class="num">${fmtNumber(r.rps)}</td></tr>`,
    ),
    '</table>',
    '<div class="charts"><div class="chart" id="trend-latency"></div><div class="chart" id="trend-errors"></div><div class="chart" id="trend-rps"></div></div>',
    jsonScript('gonogo-trend-data', data),
    // Many releases make a wide matrix: it scrolls inside its own box, not the page.
    '<h2>Check status per release</h2>',
    `<div class="scroll"><table id="matrix">${head}`,
    ...t.matrix.map(
      (m) =>
        `<tr><td><code>${esc(m.id)}</code></td>${m.statuses.map((s, i) => `<td class="s-${esc(s ?? '')}">${esc(cellText(s, m.skips[i] ?? null))}</td>`).join('')}</tr>`,
    ),
    '</table></div>',
  ].join('\n');
  return page(`gonogo trend (${t.releases.length} releases)`, body, { charts: true, script: TREND_SCRIPT });
}
