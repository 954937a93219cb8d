import type { Report } from '../../core/report-schema.ts';
import { renderChecklistConsole } from '../checklist/render.ts';
import { CHECK_LABEL, CHECK_ORDER, KPI_LABEL, fmtNumber } from './labels.ts';
import { STATUS_CLASS_ORDER, loadNotes, topStatuses } from './load-status.ts';
import { visible } from './visible.ts';
import { skipCounts, skipLabel } from '../skip.ts';

/** The summary printed at the end of a run: the verdict first, then only what needs attention. */
export function renderConsole(report: Report): string {
  const v = report.verdict;
  const lines: string[] = [];
  // Contradicted claims come first: they are what a QA lead must see before signing off.
  for (const f of report.checklist ?? []) {
    lines.push(renderChecklistConsole(f).trimEnd());
    lines.push('');
  }
  const attention = report.checks
    .filter((c) => c.status !== 'pass')
    .sort((a, b) => CHECK_ORDER[a.status] - CHECK_ORDER[b.status] || a.id.localeCompare(b.id));
  const counts = Object.fromEntries(
    (['pass', 'fail', 'error', 'warn', 'skip'] as const).map((s) => [
      s,
      report.checks.filter((c) => c.status === s).length,
    ]),
  );
  lines.push(
    `Checks: ${counts.pass} pass, ${counts.fail} fail, ${counts.error} error, ${counts.warn} warn, ${counts.skip} skip${skipCounts(report.checks)}`,
  );
  for (const c of attention) {
    const why =
      c.status === 'skip'
        ? `${skipLabel(c)}: ${c.skip?.reason ?? c.evidence.message ?? 'no reason recorded'}`
        : (c.evidence.message ?? c.evidence.actual ?? '');
    lines.push(
      `  ${CHECK_LABEL[c.status].padEnd(5)} ${c.id}${c.level === 'warn' ? ' (warn level)' : ''}${c.waiver ? ' (waived)' : ''}${why ? ` - ${why.slice(0, 160)}` : ''}`,
    );
  }
  const ran = (k: Report['kpis'][number]) => !k.suite || report.run.suites.includes(k.suite);
  const notRun = report.kpis.filter((k) => !ran(k));
  lines.push(
    `KPIs: ${report.kpis.filter((k) => k.status === 'pass').length}/${report.kpis.length} pass${notRun.length ? ` (${notRun.length} not measured: their suite did not run)` : ''}`,
  );
  for (const k of report.kpis.filter((x) => x.status !== 'pass' && ran(x))) {
    lines.push(`  ${KPI_LABEL[k.status].padEnd(12)} ${k.id}: ${k.threshold}, measured ${fmtNumber(k.measured)}`);
  }
  if (report.load) {
    const l = report.load;
    lines.push(
      `Load (${l.engine}): ${l.requests} requests, ${fmtNumber(l.rps)} req/s, p95 ${fmtNumber(l.latencyMs.p95)} ms, p99 ${fmtNumber(l.latencyMs.p99)} ms, errors ${l.errors}`,
    );
    // Only endpoints that answered anything but 2xx: the console lists what needs attention.
    for (const e of l.endpoints.filter((x) => x.statusClasses && x.statusClasses['2xx'] < x.requests)) {
      const classes = STATUS_CLASS_ORDER.filter((k) => e.statusClasses![k] > 0)
        .map((k) => `${k} ${e.statusClasses![k]}`)
        .join(', ');
      lines.push(`  ${e.method} ${e.name}: ${e.requests} req (${classes}); top ${topStatuses(e) || 'none'}`);
    }
    for (const n of loadNotes(l)) lines.push(`  ${n.text}`);
  }
  lines.push('');
  lines.push(`${v.decision}${v.complete ? '' : ' (incomplete)'}`);
  for (const r of v.reasons.slice(0, 12)) lines.push(`  - ${r}`);
  if (v.reasons.length > 12) lines.push(`  ... and ${v.reasons.length - 12} more in report.md`);
  // An ANSI escape in a target's answer must not recolour, move or clear the user's terminal.
  return `${visible(lines.join('\n'))}\n`;
}
