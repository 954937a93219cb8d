import type { CheckResult, Report } from '../../core/report-schema.ts';
import { renderChecklistsMd } from '../checklist/render.ts';
import { CHECK_ICON, CHECK_LABEL, CHECK_ORDER, KPI_ICON, KPI_LABEL, fmtNumber } from './labels.ts';
import { STATUS_CLASS_ORDER, loadNotes, topStatuses } from './load-status.ts';
import { visible } from './visible.ts';
import { skipLabel } from '../skip.ts';

/** Escapes what would break a Markdown table cell or start markup. */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .replace(/([<>*_`])/g, '\\$1');
}

function evidenceLine(c: CheckResult): string {
  const e = c.evidence;
  const parts: string[] = [];
  if (c.skip) parts.push(c.skip.reason);
  if (e.message && e.message !== c.skip?.reason) parts.push(e.message);
  if (e.expected) parts.push(`expected ${e.expected}`);
  if (e.actual) parts.push(`got ${e.actual}`);
  const r = e.requests?.[0];
  if (r) parts.push(`${r.method} ${r.url} -> ${r.status ?? 'no response'}`);
  return parts.join('; ');
}

/** A link target relative to the report: encoded so that blanks, brackets and pipes keep the Markdown intact. */
const href = (path: string): string =>
  encodeURI(path).replace(/[()|]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

/** Links to the files a failed check left (screenshot, trace), for the evidence cell. */
function artifactLinks(c: CheckResult): string {
  return (c.evidence.artifacts ?? []).map((a) => ` [${a.kind}](${href(a.path)})`).join('');
}

/** report.md: the whole verdict in Markdown, small enough for a CI step summary. */
export function renderMarkdown(report: Report): string {
  const v = report.verdict;
  const out: string[] = [];
  out.push(`# gonogo: ${v.decision === 'GO' ? '✅ GO' : '❌ NO-GO'}${v.complete ? '' : ' (incomplete)'}`);
  out.push('');
  out.push(
    `Target \`${report.run.target.baseUrl}\` · run \`${report.run.id}\`${report.run.label ? ` · release **${cell(report.run.label)}**` : ''} · suites ${report.run.suites.join(', ') || 'none'} · load ${report.run.loadProfile.vus} VUs for ${report.run.loadProfile.duration}${report.run.engine ? ` (${report.run.engine})` : ''}`,
  );
  out.push('');
  if (v.reasons.length) {
    out.push('## Reasons');
    out.push('');
    for (const r of v.reasons) out.push(`- ${cell(r)}`);
    out.push('');
  }
  const contradicted = (report.checklist ?? []).flatMap((f) =>
    f.claims.filter((c) => c.status === 'contradicted').map((c) => ({ file: f.file, ...c })),
  );
  if (contradicted.length) {
    out.push('## Contradicted checklist claims');
    out.push('');
    for (const c of contradicted)
      out.push(`- ❌ ${cell(c.text)} (${cell(c.file)}:${c.line}; evidence ${c.evidence.join(', ')})`);
    out.push('');
  }
  out.push('## KPIs');
  out.push('');
  out.push('| | KPI | threshold | measured | source |');
  out.push('|---|---|---|---|---|');
  for (const k of report.kpis) {
    out.push(
      `| ${KPI_ICON[k.status]} ${KPI_LABEL[k.status]} | ${cell(k.id)} | ${cell(k.threshold)} | ${fmtNumber(k.measured)}${k.note ? ` (${cell(k.note)})` : ''} | ${cell(k.source)} |`,
    );
  }
  out.push('');
  out.push('## Checks');
  out.push('');
  out.push('| | check | level | title | evidence |');
  out.push('|---|---|---|---|---|');
  const sorted = [...report.checks].sort(
    (a, b) => CHECK_ORDER[a.status] - CHECK_ORDER[b.status] || a.id.localeCompare(b.id),
  );
  for (const c of sorted) {
    out.push(
      `| ${CHECK_ICON[c.status]} ${CHECK_LABEL[c.status]}${c.waiver ? ' (waived)' : ''}${c.status === 'skip' ? ` (${skipLabel(c)})` : ''} | ${cell(c.id)} | ${c.level} | ${cell(c.title)} | ${cell(evidenceLine(c))}${artifactLinks(c)} |`,
    );
  }
  out.push('');
  if (report.checklist?.length) {
    out.push('## Checklist claims');
    out.push('');
    out.push(renderChecklistsMd(report.checklist));
    out.push('');
  }
  if (report.load) {
    const l = report.load;
    out.push('## Load');
    out.push('');
    out.push(
      `${l.engine}, ${l.vus} VUs for ${l.durationS}s: ${l.requests} requests, ${fmtNumber(l.rps)} req/s, error rate ${fmtNumber(l.errorRate * 100)}% (${l.errors}/${l.requests})`,
    );
    out.push('');
    out.push('| mean | p50 | p90 | p95 | p99 | max |');
    out.push('|---|---|---|---|---|---|');
    const m = l.latencyMs;
    out.push(`| ${[m.mean, m.p50, m.p90, m.p95, m.p99, m.max].map((x) => `${fmtNumber(x)} ms`).join(' | ')} |`);
    out.push('');
    for (const n of loadNotes(l)) out.push(`> ${n.warn ? '⚠️ ' : ''}${cell(n.text)}`, '');
    if (l.endpoints.length) {
      out.push(`| endpoint | requests | errors | ${STATUS_CLASS_ORDER.join(' | ')} | top statuses | p95 |`);
      out.push(`|---|---|---|${STATUS_CLASS_ORDER.map(() => '---').join('|')}|---|---|`);
      for (const e of l.endpoints) {
        const classes = STATUS_CLASS_ORDER.map((k) => (e.statusClasses ? String(e.statusClasses[k]) : '—'));
        out.push(
          `| ${cell(`${e.method} ${e.name}`)} | ${e.requests} | ${e.errors} | ${classes.join(' | ')} | ${topStatuses(e) || '—'} | ${fmtNumber(e.latencyMs.p95)} ms |`,
        );
      }
      out.push('');
    }
  }
  // Text from the target (evidence, excerpts) may carry escapes and bidi overrides: shown, never obeyed.
  return `${visible(out.join('\n'))}\n`;
}
