import type { Report, SuiteName } from '../core/report-schema.ts';
import { targetKey } from '../core/url.ts';
import { skipKind } from '../reports/skip.ts';
import type { RunChecksTable, RunKpisTable, RunsTable } from './tables.ts';

/** Where a run came from, beside what the report itself says. */
export interface RunIdentity {
  project: string;
  branch: string;
  commit: string | null;
}

const BAD = new Set(['fail', 'error']);

/** A suite's time: its checks' durations summed; the load suite's is its load duration when it ran. */
function suiteMs(report: Report, suite: SuiteName): number | null {
  if (!report.run.suites.includes(suite)) return null;
  const checks = report.checks.filter((c) => c.suite === suite).reduce((s, c) => s + c.durationMs, 0);
  return suite === 'load' && report.load ? Math.max(checks, report.load.durationS * 1000) : checks;
}

/** The indexed columns of one run, taken from its report; `text` is the report as stored. */
export function rowsOf(
  report: Report,
  who: RunIdentity,
  text: string,
  recordedAt: Date,
): { run: RunsTable; kpis: RunKpisTable[]; checks: RunChecksTable[] } {
  const load = report.load;
  const run: RunsTable = {
    id: report.run.id,
    project: who.project,
    branch: who.branch,
    commit_sha: who.commit,
    label: report.run.label,
    // One spelling of time in both databases, so text order is time order.
    started_at: isoOf(report.run.startedAt),
    finished_at: isoOf(report.run.finishedAt),
    recorded_at: recordedAt.toISOString(),
    verdict: report.verdict.decision,
    complete: report.verdict.complete ? 1 : 0,
    engine: report.run.engine,
    vus: report.run.loadProfile.vus,
    duration: report.run.loadProfile.duration,
    p50: load?.latencyMs.p50 ?? null,
    p95: load?.latencyMs.p95 ?? null,
    p99: load?.latencyMs.p99 ?? null,
    rps: load?.rps ?? null,
    error_rate: load?.errorRate ?? null,
    smoke_ms: suiteMs(report, 'smoke'),
    security_ms: suiteMs(report, 'security'),
    load_ms: suiteMs(report, 'load'),
    failing_checks: report.checks.filter((c) => BAD.has(c.status)).length,
    report: text,
    report_bytes: Buffer.byteLength(text),
    target_key: targetKey(report.run.target.baseUrl),
    reference: report.run.provenance.reference ? 1 : 0,
  };
  const kpis = uniqueBy(report.kpis, (k) => k.id).map((k) => ({
    run_id: run.id,
    kpi_id: k.id,
    value: finite(k.measured),
    status: k.status,
    threshold: k.threshold,
  }));
  const checks = uniqueBy(report.checks, (c) => c.id).map((c) => ({
    run_id: run.id,
    check_id: c.id,
    status: c.status,
    level: c.level,
    skip_kind: c.status === 'skip' ? skipKind(c) : null,
  }));
  return { run, kpis, checks };
}

/** A time the report wrote in any ISO form, as `toISOString()` writes it; a string that is no time stays as written. */
export function isoOf(value: string): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString();
}

const finite = (n: number | null): number | null => (n !== null && Number.isFinite(n) ? n : null);

function uniqueBy<T>(list: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    if (seen.has(key(x))) return false;
    seen.add(key(x));
    return true;
  });
}
