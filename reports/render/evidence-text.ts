import { stringify } from 'yaml';
import type { CheckResult, KpiResult, Report } from '../../core/report-schema.ts';
import { checkFiles, displayPath, kpiFileRef, kpiRegression, type FileRef } from '../where.ts';
import { kpiRemedy, remedyFor } from '../remedies.ts';
import { skipLabel } from '../skip.ts';

const MAX_REQUESTS = 10;
const MAX_DETAIL_LINES = 30;
const MAX_EXCERPT = 200;

/** A measured figure as recorded, without float noise (0.30000000000000004 -> 0.3). */
export const figure = (v: number | null): string => (v === null ? 'nothing' : String(Number(v.toPrecision(6))));

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/** One line saying why a check did not pass, for messages and attributes. */
export function checkReason(c: CheckResult): string {
  const e = c.evidence;
  const parts = [e.message, e.expected ? `expected ${e.expected}` : '', e.actual ? `actual ${e.actual}` : ''].filter(
    Boolean,
  );
  if (parts.length) return parts.join('; ');
  return c.status === 'error' ? 'the check could not run and recorded no reason' : 'no evidence recorded';
}

export function fileText(ref: FileRef, report: Report): string {
  const kind = { lockfile: 'lockfile', kpis: 'KPI file', config: 'config' }[ref.role];
  return `${displayPath(ref.path, report)}${ref.line ? ` line ${ref.line}` : ''} (${kind})`;
}

function detailLines(details: Record<string, unknown>): string[] {
  const lines = stringify(details, { lineWidth: 0 }).trimEnd().split('\n');
  if (lines.length <= MAX_DETAIL_LINES) return lines;
  return [...lines.slice(0, MAX_DETAIL_LINES), `… ${lines.length - MAX_DETAIL_LINES} more lines in report.json`];
}

/** Plain, readable evidence of a check: reason, what was expected and seen, the requests, the details, where to look, what to do. */
export function checkEvidenceText(c: CheckResult, report: Report): string {
  const e = c.evidence;
  const out: string[] = [];
  const bad = c.status === 'fail' || c.status === 'error' || c.status === 'warn';
  if (c.status === 'error') out.push(`Could not run: ${e.message ?? 'no reason recorded'}`);
  else if (c.status === 'skip')
    out.push(`Skipped, ${skipLabel(c)}: ${c.skip?.reason ?? e.message ?? 'no reason recorded'}`);
  else if (e.message) out.push(`${bad ? 'Reason' : 'Message'}: ${e.message}`);
  // A declared not-applicable keeps the check's own skip reason beside the team's.
  if (c.skip && e.message && e.message !== c.skip.reason) out.push(`Message: ${e.message}`);
  if (e.expected) out.push(`Expected: ${e.expected}`);
  if (e.actual) out.push(`Actual: ${e.actual}`);
  if (c.waiver) out.push(`Waived until ${c.waiver.expires} by ${c.waiver.owner}: ${c.waiver.reason}`);
  const requests = e.requests ?? [];
  if (requests.length) {
    out.push(`Requests (${requests.length}):`);
    for (const r of requests.slice(0, MAX_REQUESTS)) {
      out.push(`  ${r.method} ${r.url} -> ${r.status ?? 'no response'}`);
      if (r.excerpt) out.push(`    ${clip(r.excerpt.replace(/\s+/g, ' '), MAX_EXCERPT)}`);
    }
    if (requests.length > MAX_REQUESTS) out.push(`  … ${requests.length - MAX_REQUESTS} more in report.json`);
  }
  if (e.details && Object.keys(e.details).length) out.push('Details:', ...detailLines(e.details).map((l) => `  ${l}`));
  const files = (e.artifacts ?? []).map(
    (a) => `${a.kind} ${a.path}${a.kind === 'trace' ? ' (open with npx playwright show-trace)' : ''}`,
  );
  const where = [
    ...files,
    ...checkFiles(c, report).map((f) => fileText(f, report)),
    `report.json (checks, id ${c.id})`,
    `${c.suite}/ beside this report (raw ${c.suite} output)`,
  ];
  out.push(`Where to look: ${where.join('; ')}`);
  if (bad) out.push(`Remedy: ${remedyFor(c.id)}`);
  return out.join('\n');
}

/** The baseline comparison of a KPI in words, when --baseline found it regressed. */
export function kpiRegressionText(k: KpiResult, report: Report): string | undefined {
  const r = kpiRegression(k, report);
  if (!r) return undefined;
  const base = report.baseline!;
  return `regressed against the baseline ${base.label ?? base.runId}: ${figure(r.baseline)} -> ${figure(r.measured)}${r.note ? ` (${r.note})` : ''}`;
}

export function kpiEvidenceText(k: KpiResult, report: Report): string {
  const out = [`Threshold: ${k.threshold}`, `Measured: ${figure(k.measured)}`];
  if (k.note) out.push(`Note: ${k.note}`);
  const regression = kpiRegressionText(k, report);
  if (regression) out.push(`Baseline: ${regression}`);
  out.push(`Source: ${k.source}`);
  const ref = kpiFileRef(k, report);
  const where = [
    ...(ref ? [fileText(ref, report)] : []),
    `report.json (kpis, id ${k.id})`,
    ...(k.suite ? [`${k.suite}/ beside this report (raw ${k.suite} output)`] : []),
  ];
  out.push(`Where to look: ${where.join('; ')}`);
  if (k.status !== 'pass' || regression) out.push(`Remedy: ${kpiRemedy(k)}`);
  return out.join('\n');
}
