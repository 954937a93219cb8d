import type { CheckResult, CheckStatus, KpiResult, KpiStatus, Report, SkipKind } from '../../core/report-schema.ts';
import { skipKind } from '../skip.ts';
import { securityDrift } from './drift.ts';
import { directionOf, exceeds, toleranceFor } from './tolerance.ts';
import { targetKey } from '../../core/url.ts';

export interface RunSummary {
  id: string;
  label: string | null;
  startedAt: string;
  decision: 'GO' | 'NO-GO';
  complete: boolean;
}

export interface KpiDelta {
  id: string;
  description: string;
  threshold: string;
  old: number | null;
  new: number | null;
  /** new - old; null when either side was not measured. */
  abs: number | null;
  /** (new - old) / |old|; null when old is 0 or missing. */
  rel: number | null;
  oldStatus: KpiStatus | null;
  newStatus: KpiStatus | null;
  tolerance: string | null;
  regression: boolean;
  /** What the change amounts to, read with the threshold's direction and the allowed change. */
  result: KpiChangeResult;
  /** Unit of old, new and abs: 'ms' for durations, 'ratio' for rates (shown as percentage points), '' otherwise. */
  unit: KpiUnit;
  note?: string;
}

export type KpiChangeResult = 'regressed' | 'improved' | 'within allowed change' | 'not measured';
export type KpiUnit = 'ms' | 'ratio' | '';

/** The aggregation a threshold judges (`rate` is a 0..1 ratio) and whether the metric is a duration (k6 reports milliseconds). */
function unitOf(k: KpiResult): KpiUnit {
  if (/\brate\s*[<>=]/.test(k.threshold)) return 'ratio';
  const metric = (k.metric ?? k.threshold.split(':')[0] ?? '').split('{')[0]!;
  return /(_duration|_ms)$/.test(metric) ? 'ms' : '';
}

function resultOf(d: KpiDelta, direction: ReturnType<typeof directionOf>): KpiChangeResult {
  if (d.regression) return 'regressed';
  if (d.old === null || d.new === null)
    return d.oldStatus === 'fail' && d.newStatus === 'pass' ? 'improved' : 'not measured';
  const better =
    direction === 'lower-is-better' ? d.new < d.old : direction === 'higher-is-better' ? d.new > d.old : false;
  return better || (d.oldStatus === 'fail' && d.newStatus === 'pass') ? 'improved' : 'within allowed change';
}

export interface CheckChange {
  id: string;
  title: string;
  area: string;
  old: CheckStatus | null;
  new: CheckStatus | null;
  level: string;
  detail?: string;
  /** Why a side skipped (a report written before skips had kinds reads as could-not-run). */
  oldSkip?: SkipKind;
  newSkip?: SkipKind;
}

export interface Comparison {
  /** false when load profile, engine, KPI file or target differ: the numbers are then not like for like. */
  comparable: boolean;
  warnings: string[];
  old: RunSummary;
  new: RunSummary;
  kpis: KpiDelta[];
  /** `noLongerChecked`: ran before, skipped now (whatever its old outcome: a failure that now skips is not fixed). */
  checks: {
    newlyFailing: CheckChange[];
    fixed: CheckChange[];
    persisting: CheckChange[];
    noLongerChecked: CheckChange[];
    added: CheckChange[];
    removed: CheckChange[];
    unchanged: number;
  };
  drift: string[];
  /** Everything that makes the new run worse beyond tolerance, in words; non-empty means exit 1 / NO-GO with --baseline. */
  regressions: string[];
}

const BAD: ReadonlySet<CheckStatus> = new Set(['fail', 'error']);
const summary = (r: Report): RunSummary => ({
  id: r.run.id,
  label: r.run.label,
  startedAt: r.run.startedAt,
  decision: r.verdict.decision,
  complete: r.verdict.complete,
});
export const runName = (r: RunSummary): string => r.label ?? r.id;

/**
 * Whether the reports tested one target: the same URL up to spelling (see targetKey), or all the bundled
 * reference platform, which listens on a free port each run and is the same target whatever the port.
 */
export function sameTarget(reports: Report[]): boolean {
  return sameTargetKeys(
    reports.map((r) => ({ reference: Boolean(r.run.provenance.reference), key: targetKey(r.run.target.baseUrl) })),
  );
}

/** sameTarget over what a run store keeps of each run: whether it tested the reference platform, and its targetKey. */
export function sameTargetKeys(runs: Array<{ reference: boolean; key: string }>): boolean {
  if (runs.every((r) => r.reference)) return true;
  return new Set(runs.map((r) => r.key)).size <= 1;
}

function notComparable(o: Report, n: Report): string[] {
  const w: string[] = [];
  if (o.run.id === n.run.id)
    w.push(`both reports are run ${o.run.id}: there is nothing to compare (pass the older run first, then the newer)`);
  const po = o.run.loadProfile;
  const pn = n.run.loadProfile;
  if (po.vus !== pn.vus || po.duration !== pn.duration)
    w.push(`load profile differs: ${po.vus} VUs for ${po.duration} vs ${pn.vus} VUs for ${pn.duration}`);
  if ((o.run.engine ?? 'none') !== (n.run.engine ?? 'none'))
    w.push(`load engine differs: ${o.run.engine ?? 'none'} vs ${n.run.engine ?? 'none'}`);
  if (o.run.provenance.kpiFileSha256 !== n.run.provenance.kpiFileSha256)
    w.push(
      `KPI file differs (sha256 ${o.run.provenance.kpiFileSha256.slice(0, 12)} vs ${n.run.provenance.kpiFileSha256.slice(0, 12)}): thresholds may have moved`,
    );
  if (!sameTarget([o, n])) w.push(`target differs: ${o.run.target.baseUrl} vs ${n.run.target.baseUrl}`);
  return w;
}

function kpiDelta(o: KpiResult | undefined, n: KpiResult | undefined, tolerances: Record<string, string>): KpiDelta {
  const k = (n ?? o)!;
  const ov = o?.measured ?? null;
  const nv = n?.measured ?? null;
  const abs = ov !== null && nv !== null ? nv - ov : null;
  const rel = abs !== null && ov !== null && ov !== 0 ? abs / Math.abs(ov) : null;
  const tol = toleranceFor(k, tolerances);
  const d: KpiDelta = {
    id: k.id,
    description: k.description,
    threshold: k.threshold,
    old: ov,
    new: nv,
    abs,
    rel,
    oldStatus: o?.status ?? null,
    newStatus: n?.status ?? null,
    tolerance: tol?.text ?? null,
    regression: false,
    result: 'not measured',
    unit: unitOf(k),
  };
  if (tol && ov !== null && nv !== null) {
    d.regression = exceeds(ov, nv, tol, directionOf(k.threshold));
    if (d.regression) d.note = `worse by more than the ${tol.text} tolerance`;
  } else if (o?.status === 'pass' && n?.status === 'fail') {
    d.regression = true;
    d.note = 'passed before, fails now';
  }
  if (o && n && o.status !== 'not-measured' && n.status === 'not-measured')
    d.note = 'measured before, not measured now';
  d.result = resultOf(d, directionOf(k.threshold));
  return d;
}

function change(o: CheckResult | undefined, n: CheckResult | undefined): CheckChange {
  const c = (n ?? o)!;
  const ev = n?.evidence ?? o!.evidence;
  const detail = ev.actual ?? ev.message;
  const kinds = {
    ...(o?.status === 'skip' ? { oldSkip: skipKind(o) } : {}),
    ...(n?.status === 'skip' ? { newSkip: skipKind(n) } : {}),
  };
  return {
    id: c.id,
    title: c.title,
    area: c.area,
    old: o?.status ?? null,
    new: n?.status ?? null,
    level: c.level,
    ...(detail ? { detail } : {}),
    ...kinds,
  };
}

/** Compares two reports: KPIs side by side, check classification by id, security drift, regressions beyond tolerance. */
export function compareReports(oldR: Report, newR: Report, kpiTolerances: Record<string, string> = {}): Comparison {
  const warnings = notComparable(oldR, newR);
  const ids = [...new Set([...oldR.kpis.map((k) => k.id), ...newR.kpis.map((k) => k.id)])];
  const kpis = ids.map((id) =>
    kpiDelta(
      oldR.kpis.find((k) => k.id === id),
      newR.kpis.find((k) => k.id === id),
      kpiTolerances,
    ),
  );

  const oldChecks = new Map(oldR.checks.map((c) => [c.id, c]));
  const newChecks = new Map(newR.checks.map((c) => [c.id, c]));
  const checks: Comparison['checks'] = {
    newlyFailing: [],
    fixed: [],
    persisting: [],
    noLongerChecked: [],
    added: [],
    removed: [],
    unchanged: 0,
  };
  for (const [id, n] of newChecks) {
    const o = oldChecks.get(id);
    if (!o) checks.added.push(change(undefined, n));
    else if (o.status !== 'skip' && n.status === 'skip') checks.noLongerChecked.push(change(o, n));
    else if (!BAD.has(o.status) && BAD.has(n.status)) checks.newlyFailing.push(change(o, n));
    else if (BAD.has(o.status) && !BAD.has(n.status)) checks.fixed.push(change(o, n));
    else if (BAD.has(o.status) && BAD.has(n.status)) checks.persisting.push(change(o, n));
    else checks.unchanged++;
  }
  for (const [id, o] of oldChecks) if (!newChecks.has(id)) checks.removed.push(change(o, undefined));

  const regressions = [
    ...kpis
      .filter((k) => k.regression)
      .map((k) => `KPI ${k.id} ${k.old ?? '-'} -> ${k.new ?? '-'}${k.note ? ` (${k.note})` : ''}`),
    ...checks.newlyFailing
      .filter((c) => c.level === 'blocker')
      .map((c) => `check ${c.id} newly ${c.new === 'error' ? 'errors' : 'fails'}${c.detail ? `: ${c.detail}` : ''}`),
    ...checks.added
      .filter((c) => c.level === 'blocker' && c.new !== null && BAD.has(c.new))
      .map((c) => `new check ${c.id} ${c.new === 'error' ? 'errors' : 'fails'}`),
  ];
  return {
    comparable: warnings.length === 0,
    warnings,
    old: summary(oldR),
    new: summary(newR),
    kpis,
    checks,
    drift: securityDrift(oldR, newR),
    regressions,
  };
}

/**
 * For `gonogo run --baseline FILE`: the regressions beyond tolerance of the current run against the baseline, in words
 * (KPIs worse than their tolerance, blocker checks newly failing); the verdict adds each as a NO-GO reason.
 * `compareReports(...).warnings` says when the two runs are not like for like.
 */
export function baselineRegressions(
  baseline: Report,
  current: Report,
  kpiTolerances: Record<string, string> = {},
): string[] {
  return compareReports(baseline, current, kpiTolerances).regressions;
}
