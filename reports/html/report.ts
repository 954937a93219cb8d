import type { CheckResult, Report } from '../schema.ts';
import { CHECK_LABEL, CHECK_ORDER, KPI_LABEL, fmtNumber } from '../render/labels.ts';
import { areas } from '../schema.ts';
import { FINDING_CLASS, FINDING_HEADING, FINDING_ORDER, claimsOf, coverageLine, summaryLine } from '../checklist/render.ts';
import { LOAD_CHART_SCRIPT, loadChartData } from './charts.ts';
import { STATUS_CLASS_ORDER, loadNotes, topStatuses } from '../render/load-status.ts';
import { esc, jsonScript, page } from './page.ts';

function banner(r: Report): string {
  const go = r.verdict.decision === 'GO';
  const reasons = r.verdict.reasons.length ? `<ul>${r.verdict.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : '';
  return `<div class="banner ${go ? 'go' : 'nogo'}" id="verdict"><div class="decision">${esc(r.verdict.decision)}${r.verdict.complete ? '' : ' (incomplete)'}</div>
<div>${esc(r.run.label ?? r.run.id)} &middot; ${esc(r.run.target.baseUrl)} &middot; ${esc(r.run.startedAt)} &middot; suites ${esc(r.run.suites.join(', '))}${r.run.engine ? ` &middot; ${esc(r.run.engine)} ${r.run.loadProfile.vus} VUs for ${esc(r.run.loadProfile.duration)}` : ''}</div>${reasons}</div>`;
}

function kpiTable(r: Report): string {
  if (!r.kpis.length) return '';
  const rows = r.kpis.map((k) => `<tr><td>${esc(k.id)}</td><td>${esc(k.description)}</td><td><code>${esc(k.threshold)}</code></td><td class="num">${esc(fmtNumber(k.measured))}</td><td class="s-${esc(k.status)}">${esc(KPI_LABEL[k.status])}</td><td class="muted">${esc(k.source)}${k.note ? `<br>${esc(k.note)}` : ''}</td></tr>`);
  return `<h2>KPIs</h2><table id="kpis"><tr><th>KPI</th><th>Description</th><th>Threshold</th><th>Measured</th><th>Status</th><th>Source</th></tr>${rows.join('')}</table>`;
}

function evidence(c: CheckResult): string {
  const e = c.evidence;
  const lines: string[] = [];
  if (e.expected) lines.push(`<div><strong>expected</strong> ${esc(e.expected)}</div>`);
  if (e.actual) lines.push(`<div><strong>actual</strong> ${esc(e.actual)}</div>`);
  if (e.message) lines.push(`<div>${esc(e.message)}</div>`);
  for (const q of e.requests ?? []) lines.push(`<div><code>${esc(q.method)} ${esc(q.url)} &rarr; ${esc(q.status ?? 'no response')}</code>${q.excerpt ? `<pre>${esc(q.excerpt)}</pre>` : ''}</div>`);
  if (e.details && Object.keys(e.details).length) lines.push(`<details><summary>details</summary><pre>${esc(JSON.stringify(e.details, null, 2))}</pre></details>`);
  if (c.waiver) lines.push(`<div class="s-waived">waived by ${esc(c.waiver.owner)} until ${esc(c.waiver.expires)}: ${esc(c.waiver.reason)}</div>`);
  return lines.join('');
}

function checksByArea(r: Report): string {
  const out = ['<h2>Checks</h2>'];
  for (const area of areas) {
    const list = r.checks.filter((c) => c.area === area).sort((a, b) => CHECK_ORDER[a.status] - CHECK_ORDER[b.status]);
    if (!list.length) continue;
    const bad = list.filter((c) => c.status === 'fail' || c.status === 'error').length;
    out.push(`<h3 id="area-${area}">${esc(area)} <span class="muted">${list.length - bad}/${list.length} passing</span></h3><table><tr><th>Check</th><th>Status</th><th>Level</th><th>Title</th><th>Evidence</th></tr>`,
      ...list.map((c) => `<tr><td><code>${esc(c.id)}</code></td><td class="s-${esc(c.status)}">${esc(CHECK_LABEL[c.status])}</td><td>${esc(c.level)}</td><td>${esc(c.title)}</td><td>${evidence(c)}</td></tr>`), '</table>');
  }
  return out.join('\n');
}

function loadSection(r: Report): string {
  const l = r.load;
  if (!l) return '';
  const lat = l.latencyMs;
  const classes = (e: (typeof l.endpoints)[number]) => STATUS_CLASS_ORDER.map((k) => `<td class="num">${e.statusClasses ? e.statusClasses[k] : '—'}</td>`).join('');
  const endpoints = l.endpoints.map((e) => `<tr><td>${esc(e.method)} ${esc(e.name)}</td><td class="num">${e.requests}</td><td class="num">${e.errors}</td>${classes(e)}<td>${esc(topStatuses(e) || '—')}</td><td class="num">${fmtNumber(e.latencyMs.p50)}</td><td class="num">${fmtNumber(e.latencyMs.p95)}</td><td class="num">${fmtNumber(e.latencyMs.p99)}</td></tr>`).join('');
  const notes = loadNotes(l).map((n) => (n.warn ? `<div class="warning">${esc(n.text)}</div>` : `<p>${esc(n.text)}</p>`)).join('');
  return `<h2>Load</h2><p>${esc(l.engine)}, ${l.vus} VUs, ${fmtNumber(l.durationS)} s: ${l.requests} requests, ${fmtNumber(l.rps)} rps, error rate ${(l.errorRate * 100).toFixed(3)}%.
 Latency ms: mean ${fmtNumber(lat.mean)}, p50 ${fmtNumber(lat.p50)}, p90 ${fmtNumber(lat.p90)}, p95 ${fmtNumber(lat.p95)}, p99 ${fmtNumber(lat.p99)}, max ${fmtNumber(lat.max)}.</p>
${notes}
<div class="charts"><div class="chart" id="chart-latency"></div><div class="chart" id="chart-percentiles"></div><div class="chart" id="chart-rps"></div></div>
${jsonScript('gonogo-load-data', loadChartData(l))}
${endpoints ? `<table id="load-endpoints"><tr><th>Endpoint</th><th>Requests</th><th>Errors</th>${STATUS_CLASS_ORDER.map((k) => `<th>${esc(k)}</th>`).join('')}<th>Top statuses</th><th>p50</th><th>p95</th><th>p99</th></tr>${endpoints}</table>` : ''}`;
}

function checklistSection(r: Report): string {
  if (!r.checklist?.length) return '';
  const out = ['<h2>Checklists</h2>'];
  for (const cl of r.checklist) {
    out.push(`<h3>${esc(cl.file)}</h3>`, `<p>${esc(summaryLine(cl))}.<br>Evidence coverage: ${esc(coverageLine(cl))}.</p>`);
    for (const finding of FINDING_ORDER) {
      const claims = claimsOf(cl, finding);
      if (!claims.length) continue;
      const open = finding === 'claimed-failing' || finding === 'open-failing';
      out.push(`<details${open ? ' open' : ''}><summary class="${FINDING_CLASS[finding]}">${esc(FINDING_HEADING[finding])} (${claims.length})</summary><table><tr><th>Line</th><th>Claim</th><th>Section</th><th>Evidence</th><th>Notes</th></tr>`,
        ...claims.map((c) => `<tr><td class="num">${c.line}</td><td>${esc(c.text)}</td><td class="muted">${esc(c.section ?? '')}</td><td>${esc(c.evidence.join(', '))}</td><td>${esc(c.note ?? '')}</td></tr>`), '</table></details>');
    }
  }
  return out.join('\n');
}

/** One self-contained HTML page for a run (pure: the same report gives the same page; no network at view time). */
export function renderHtml(report: Report): string {
  const body = [
    `<h1>gonogo report: ${esc(report.run.label ?? report.run.id)}</h1>`,
    banner(report), kpiTable(report), loadSection(report), checksByArea(report), checklistSection(report),
    `<p class="muted">gonogo ${esc(report.tool.version)} &middot; run ${esc(report.run.id)} &middot; finished ${esc(report.run.finishedAt)} &middot; KPI file sha256 ${esc(report.run.provenance.kpiFileSha256.slice(0, 12))}</p>`,
  ].join('\n');
  return page(`gonogo ${report.verdict.decision}: ${report.run.label ?? report.run.id}`, body, report.load ? { charts: true, script: LOAD_CHART_SCRIPT } : {});
}
