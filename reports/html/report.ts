import type { CheckResult, CheckStatus, Evidence, KpiResult, Report } from '../../core/report-schema.ts';
import { CHECK_LABEL, CHECK_ORDER, KPI_LABEL, fmtNumber } from '../render/labels.ts';
import {
  FINDING_CLASS,
  FINDING_HEADING,
  FINDING_ORDER,
  claimsOf,
  coverageLine,
  summaryLine,
} from '../checklist/render.ts';
import { BASELINE_REGRESSION, reasonKind } from '../verdict.ts';
import { LOAD_CHART_SCRIPT, loadChartData } from './charts.ts';
import { STATUS_CLASS_ORDER, loadNotes, topStatuses } from '../render/load-status.ts';
import { skipCounts, skipLabel } from '../skip.ts';
import { esc, jsonScript, page } from './page.ts';

/**
 * A stable fragment id for a check or KPI, the same in every report so links can be shared. Ids made of letters,
 * digits, dots and dashes stay readable (dots become underscores, which such ids never contain); any other id is
 * spelled out in hex after a different separator, so no two ids share an anchor.
 */
export function anchorId(kind: 'check' | 'kpi', id: string): string {
  if (/^[A-Za-z0-9.-]+$/.test(id)) return `${kind}-${id.replace(/\./g, '_')}`;
  return `${kind}_${[...id].map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0')).join('')}`;
}

/**
 * Where a verdict reason points: the check or KPI it names as a word (the longest such id; a KPI when the reason
 * says "KPI <id>", since a KPI may share its id with a check). A KPI regression against the baseline goes to its
 * row in the baseline section, where both figures stand.
 */
function reasonTarget(reason: string, r: Report): string | null {
  const words = new Set(reason.split(/[\s,:;()]+/).filter(Boolean));
  const hit = (ids: string[]) => ids.filter((id) => words.has(id)).sort((a, b) => b.length - a.length)[0];
  const check = hit(r.checks.map((c) => c.id));
  const kpi = hit(r.kpis.map((k) => k.id));
  const regression = reason.startsWith(BASELINE_REGRESSION);
  const namesKpi = kpi !== undefined && (reason.includes(`KPI ${kpi} `) || !check);
  if (namesKpi && r.baseline?.kpiRegressions?.some((k) => k.id === kpi) && regression)
    return `baseline-${anchorId('kpi', kpi)}`;
  if (namesKpi) return anchorId('kpi', kpi);
  if (check) return anchorId('check', check);
  return regression && r.baseline ? 'baseline' : null;
}

const reasonItem = (reason: string, r: Report): string => {
  const target = reasonTarget(reason, r);
  return `<li>${target ? `<a href="#${esc(target)}">${esc(reason)}</a>` : esc(reason)}</li>`;
};

const BAD: ReadonlySet<CheckStatus> = new Set(['fail', 'error']);

function header(r: Report): string {
  const go = r.verdict.decision === 'GO';
  const blocking = r.verdict.reasons.filter((x) => reasonKind(x) === 'blocking');
  const other = r.verdict.reasons.filter((x) => reasonKind(x) !== 'blocking');
  const count = (s: CheckStatus) => r.checks.filter((c) => c.status === s).length;
  const kpisBad = r.kpis.filter((k) => k.status === 'fail').length;
  const meta = [
    `run <code>${esc(r.run.id)}</code>`,
    ...(r.run.label ? [`release <strong>${esc(r.run.label)}</strong>`] : []),
    `target <code>${esc(r.run.target.baseUrl)}</code>`,
    `started ${esc(r.run.startedAt)}`,
    `suites ${esc(r.run.suites.join(', '))}`,
    ...(r.run.engine
      ? [`${esc(r.run.engine)} ${r.run.loadProfile.vus} VUs for ${esc(r.run.loadProfile.duration)}`]
      : []),
  ];
  const summary = [
    `<a href="#failing">${count('fail')} failing, ${count('error')} in error</a>`,
    `<a href="#kpis">${kpisBad} of ${r.kpis.length} KPIs failing</a>`,
    `<a href="#warnings">${count('warn')} warnings</a>`,
    `<a href="#passing">${count('pass')} passing</a>`,
    ...(count('skip') ? [`<a href="#skipped">${count('skip')} skipped${skipCounts(r.checks)}</a>`] : []),
  ];
  return `<header class="banner ${go ? 'go' : 'nogo'}" id="verdict">
<div class="decision">${esc(r.verdict.decision)}${r.verdict.complete ? '' : ' <span class="incomplete">(incomplete)</span>'}</div>
<div class="meta">${meta.join(' &middot; ')}</div>
${blocking.length ? `<div class="reasons-title">Blocking (${blocking.length})</div><ol id="blocking">${blocking.map((x) => reasonItem(x, r)).join('')}</ol>` : '<div id="no-blocking">Nothing blocks the launch.</div>'}
${other.length ? `<ul id="notes">${other.map((x) => reasonItem(x, r)).join('')}</ul>` : ''}
<div class="summary">${summary.join(' &middot; ')}</div>
</header>`;
}

type Exchange = NonNullable<Evidence['requests']>[number];

/** Consecutive identical exchanges (method, URL, status, body, role) as one with a count: a burst reads as its pattern. */
export function collapseExchanges(list: readonly Exchange[]): Array<{ exchange: Exchange; count: number }> {
  const out: Array<{ exchange: Exchange; count: number }> = [];
  const key = (q: Exchange) => JSON.stringify([q.method, q.url, q.status, q.excerpt ?? '', q.role ?? '']);
  for (const q of list) {
    const last = out[out.length - 1];
    if (last && key(last.exchange) === key(q)) last.count++;
    else out.push({ exchange: q, count: 1 });
  }
  return out;
}

/** Distinct exchanges shown before the rest fold away. */
const EXCHANGES_SHOWN = 8;

function exchanges(list: readonly Exchange[] | undefined): string {
  if (!list?.length) return '';
  const rows = collapseExchanges(list).map(
    ({ exchange: q, count }) =>
      `<li class="exchange">${q.role ? `<span class="role role-${esc(q.role)}">${esc(q.role)}</span> ` : ''}<code class="req">${esc(q.method)} ${esc(q.url)} &rarr; ${esc(q.status ?? 'no response')}</code>${count > 1 ? ` <span class="count">&times;${count}</span>` : ''}${q.excerpt ? `<pre>${esc(q.excerpt)}</pre>` : ''}</li>`,
  );
  const shown = rows.slice(0, EXCHANGES_SHOWN).join('');
  const rest = rows.slice(EXCHANGES_SHOWN);
  return `<ul class="exchanges">${shown}</ul>${rest.length ? `<details><summary>${rest.length} more exchanges</summary><ul class="exchanges">${rest.join('')}</ul></details>` : ''}`;
}

function evidence(c: CheckResult): string {
  const e = c.evidence;
  const lines: string[] = [];
  if (e.expected) lines.push(`<div><strong>expected</strong> ${esc(e.expected)}</div>`);
  if (e.actual) lines.push(`<div><strong>actual</strong> ${esc(e.actual)}</div>`);
  if (c.skip)
    lines.push(
      `<div class="skip-kind" data-kind="${esc(c.skip.kind)}"><strong>${esc(skipLabel(c))}</strong> ${esc(c.skip.reason)}</div>`,
    );
  if (e.message && e.message !== c.skip?.reason) lines.push(`<div>${esc(e.message)}</div>`);
  lines.push(exchanges(e.requests));
  if (e.details && Object.keys(e.details).length)
    lines.push(`<details><summary>details</summary><pre>${esc(JSON.stringify(e.details, null, 2))}</pre></details>`);
  const files = e.artifacts ?? [];
  if (files.length)
    lines.push(
      `<div class="artifacts">${files.map((a) => `<a href="${esc(encodeURI(a.path))}" data-kind="${esc(a.kind)}">${esc(a.kind === 'trace' ? 'trace (npx playwright show-trace)' : a.kind)}</a>`).join(' &middot; ')}</div>`,
    );
  if (c.waiver)
    lines.push(
      `<div class="s-waived">waived by ${esc(c.waiver.owner)} until ${esc(c.waiver.expires)}: ${esc(c.waiver.reason)}</div>`,
    );
  return lines.join('');
}

function checkEntry(c: CheckResult, open: boolean): string {
  return `<details class="check" id="${esc(anchorId('check', c.id))}"${open ? ' open' : ''}><summary><span class="badge s-${esc(c.status)}">${esc(CHECK_LABEL[c.status])}</span>${c.status === 'skip' ? ` <span class="muted">${esc(skipLabel(c))}</span>` : ''} <code>${esc(c.id)}</code> ${esc(c.title)} <span class="muted">${esc(c.level)} &middot; ${esc(c.area)} &middot; ${esc(c.suite)}</span></summary>
<div class="evidence">${evidence(c) || '<span class="muted">no evidence recorded</span>'}</div></details>`;
}

const byOrder = (a: CheckResult, b: CheckResult) =>
  CHECK_ORDER[a.status] - CHECK_ORDER[b.status] || a.id.localeCompare(b.id);

function checkGroup(id: string, title: string, list: CheckResult[], open: boolean, empty: string): string {
  const sorted = [...list].sort(byOrder);
  return `<section id="${id}"><h2>${esc(title)} <span class="muted">(${list.length})</span></h2>${sorted.length ? sorted.map((c) => checkEntry(c, open)).join('\n') : `<p class="muted">${esc(empty)}</p>`}</section>`;
}

const KPI_ORDER: Record<KpiResult['status'], number> = { fail: 0, 'not-measured': 1, waived: 2, pass: 3 };

function kpiTable(r: Report): string {
  if (!r.kpis.length) return '';
  const sorted = [...r.kpis].sort((a, b) => KPI_ORDER[a.status] - KPI_ORDER[b.status]);
  const rows = sorted.map(
    (k) =>
      `<tr id="${esc(anchorId('kpi', k.id))}"><td><code>${esc(k.id)}</code></td><td>${esc(k.description)}</td><td><code>${esc(k.threshold)}</code></td><td class="num">${esc(fmtNumber(k.measured))}</td><td class="s-${esc(k.status)}">${esc(KPI_LABEL[k.status])}</td><td class="muted">${esc(k.source)}${k.note ? `<br>${esc(k.note)}` : ''}</td></tr>`,
  );
  return `<section><h2>KPIs</h2><table id="kpis"><tr><th>KPI</th><th>Description</th><th>Threshold</th><th>Measured</th><th>Status</th><th>Source</th></tr>${rows.join('')}</table></section>`;
}

function baselineSection(r: Report): string {
  const b = r.baseline;
  if (!b) return '';
  const kpiIds = new Set((b.kpiRegressions ?? []).map((k) => k.id));
  const kpiRows = (b.kpiRegressions ?? [])
    .map(
      (k) =>
        `<tr id="${esc(`baseline-${anchorId('kpi', k.id)}`)}"><td><a href="#${esc(anchorId('kpi', k.id))}"><code>${esc(k.id)}</code></a></td><td class="num">${esc(fmtNumber(k.baseline))}</td><td class="num">${esc(fmtNumber(k.measured))}</td><td>${esc(k.tolerance ?? 'pass then fail')}</td><td>${esc(k.note ?? '')}</td></tr>`,
    )
    .join('');
  // The KPI regressions have their own table; the other regressions (checks) are listed in words.
  const others = b.regressions.filter((x) => ![...kpiIds].some((id) => x.startsWith(`KPI ${id} `)));
  const checkLink = (id: string) =>
    r.checks.some((c) => c.id === id)
      ? `<a href="#${esc(anchorId('check', id))}"><code>${esc(id)}</code></a>`
      : `<code>${esc(id)}</code>`;
  const list = (title: string, items: string[]) => (items.length ? `<h3>${esc(title)} (${items.length})</h3>` : '');
  return `<section id="baseline"><h2>Against the baseline ${esc(b.label ?? b.runId)}</h2>
<p>Judged against run <code>${esc(b.runId)}</code>${b.file ? ` (<code>${esc(b.file)}</code>)` : ''}: ${b.regressions.length ? `<strong class="s-fail">${b.regressions.length} regression${b.regressions.length > 1 ? 's' : ''}</strong>` : '<strong class="s-pass">no regression</strong>'}.</p>
${b.comparable ? '' : `<div class="warning"><strong>Not like for like:</strong><ul>${b.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`}
${kpiRows ? `<table id="baseline-kpis"><tr><th>KPI</th><th>Baseline</th><th>Now</th><th>Tolerance</th><th>Note</th></tr>${kpiRows}</table>` : ''}
${others.length ? `<ul id="baseline-regressions">${others.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}
${list('Newly failing', b.newlyFailing)}${b.newlyFailing.length ? `<p>${b.newlyFailing.map(checkLink).join(', ')}</p>` : ''}
${list('Fixed since the baseline', b.fixed)}${b.fixed.length ? `<p>${b.fixed.map(checkLink).join(', ')}</p>` : ''}
${b.drift.length ? `<h3>Security drift (${b.drift.length})</h3><ul>${b.drift.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>` : ''}</section>`;
}

function loadSection(r: Report): string {
  const l = r.load;
  if (!l) return '';
  const lat = l.latencyMs;
  const classes = (e: (typeof l.endpoints)[number]) =>
    STATUS_CLASS_ORDER.map((k) => `<td class="num">${e.statusClasses ? e.statusClasses[k] : '—'}</td>`).join('');
  const endpoints = l.endpoints
    .map(
      (e) =>
        `<tr><td>${esc(e.method)} ${esc(e.name)}</td><td class="num">${e.requests}</td><td class="num">${e.errors}</td>${classes(e)}<td>${esc(topStatuses(e) || '—')}</td><td class="num">${fmtNumber(e.latencyMs.p50)}</td><td class="num">${fmtNumber(e.latencyMs.p95)}</td><td class="num">${fmtNumber(e.latencyMs.p99)}</td></tr>`,
    )
    .join('');
  const notes = loadNotes(l)
    .map((n) => (n.warn ? `<div class="warning">${esc(n.text)}</div>` : `<p>${esc(n.text)}</p>`))
    .join('');
  return `<section id="load"><h2>Load</h2><p>${esc(l.engine)}, ${l.vus} VUs, ${fmtNumber(l.durationS)} s: ${l.requests} requests, ${fmtNumber(l.rps)} rps, error rate ${(l.errorRate * 100).toFixed(3)}%.
 Latency ms: mean ${fmtNumber(lat.mean)}, p50 ${fmtNumber(lat.p50)}, p90 ${fmtNumber(lat.p90)}, p95 ${fmtNumber(lat.p95)}, p99 ${fmtNumber(lat.p99)}, max ${fmtNumber(lat.max)}.</p>
${notes}
<div class="charts"><div class="chart" id="chart-latency"></div><div class="chart" id="chart-percentiles"></div><div class="chart" id="chart-rps"></div></div>
${jsonScript('gonogo-load-data', loadChartData(l, r.kpis))}
${endpoints ? `<div class="scroll"><table id="load-endpoints"><tr><th>Endpoint</th><th>Requests</th><th>Errors</th>${STATUS_CLASS_ORDER.map((k) => `<th>${esc(k)}</th>`).join('')}<th>Top statuses</th><th>p50</th><th>p95</th><th>p99</th></tr>${endpoints}</table></div>` : ''}</section>`;
}

function checklistSection(r: Report): string {
  if (!r.checklist?.length) return '';
  const out = ['<section id="checklists"><h2>Checklists</h2>'];
  for (const cl of r.checklist) {
    out.push(
      `<h3>${esc(cl.file)}</h3>`,
      `<p>${esc(summaryLine(cl))}.<br>Evidence coverage: ${esc(coverageLine(cl))}.</p>`,
    );
    for (const finding of FINDING_ORDER) {
      const claims = claimsOf(cl, finding);
      if (!claims.length) continue;
      const open = finding === 'claimed-failing' || finding === 'open-failing';
      out.push(
        `<details${open ? ' open' : ''}><summary class="${FINDING_CLASS[finding]}">${esc(FINDING_HEADING[finding])} (${claims.length})</summary><table><tr><th>Line</th><th>Claim</th><th>Section</th><th>Evidence</th><th>Notes</th></tr>`,
        ...claims.map(
          (c) =>
            `<tr><td class="num">${c.line}</td><td>${esc(c.text)}</td><td class="muted">${esc(c.section ?? '')}</td><td>${esc(c.evidence.join(', '))}</td><td>${esc(c.note ?? '')}</td></tr>`,
        ),
        '</table></details>',
      );
    }
  }
  out.push('</section>');
  return out.join('\n');
}

/** A link to a check inside a closed <details> opens it, so the target is shown, not just its summary line. */
const OPEN_TARGET_SCRIPT = `(function () {
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var t = id && document.getElementById(id);
    if (!t) return;
    for (var e = t; e; e = e.parentElement) if (e.tagName === 'DETAILS') e.open = true;
    t.scrollIntoView();
  }
  window.addEventListener('hashchange', reveal);
  reveal();
})();`;

/** One self-contained HTML page for a run (pure: the same report gives the same page; no network at view time). */
export function renderHtml(report: Report): string {
  const checks = report.checks;
  const body = [
    `<h1>gonogo report: ${esc(report.run.label ?? report.run.id)}</h1>`,
    header(report),
    checkGroup(
      'failing',
      'Failing and in error',
      checks.filter((c) => BAD.has(c.status)),
      true,
      'No check fails or is in error.',
    ),
    kpiTable(report),
    baselineSection(report),
    checkGroup(
      'warnings',
      'Warnings',
      checks.filter((c) => c.status === 'warn'),
      true,
      'No warnings.',
    ),
    loadSection(report),
    checkGroup(
      'passing',
      'Passing',
      checks.filter((c) => c.status === 'pass'),
      false,
      'No check passed.',
    ),
    ...(checks.some((c) => c.status === 'skip')
      ? [
          checkGroup(
            'skipped',
            'Skipped',
            checks.filter((c) => c.status === 'skip'),
            false,
            '',
          ),
        ]
      : []),
    checklistSection(report),
    `<footer class="muted">gonogo ${esc(report.tool.version)} &middot; run ${esc(report.run.id)} &middot; finished ${esc(report.run.finishedAt)} &middot; KPI file sha256 ${esc(report.run.provenance.kpiFileSha256.slice(0, 12))}</footer>`,
  ].join('\n');
  const script = [OPEN_TARGET_SCRIPT, ...(report.load ? [LOAD_CHART_SCRIPT] : [])].join('\n');
  return page(`gonogo ${report.verdict.decision}: ${report.run.label ?? report.run.id}`, body, {
    charts: Boolean(report.load),
    script,
  });
}
