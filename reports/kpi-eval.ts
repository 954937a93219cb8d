import { holds } from '../core/threshold.ts';
import { matchesCheck, waiverActive, type KpiDef, type Waiver } from '../config/kpis.ts';
import type { Measurement } from '../config/suite.ts';
import type { CheckResult, KpiResult, SuiteName } from '../core/report-schema.ts';
import { skipCountsAsCovered } from './skip.ts';

export interface KpiInput {
  kpis: KpiDef[];
  measurements: Measurement[];
  checks: CheckResult[];
  /** Suites that ran to the end; a KPI of any other suite is not measured. */
  ranSuites: SuiteName[];
  waivers: Waiver[];
  /** YYYY-MM-DD (UTC), passed in so the evaluation stays pure. */
  today: string;
  /** Line of each KPI in the KPI file, carried into the results for CI annotations. */
  lines?: Record<string, number>;
}

function thresholdText(def: KpiDef): string {
  return def.kind === 'metric'
    ? `${def.metric}: ${def.thresholds.map((t) => t.source).join(' and ')}`
    : `all of ${def.checks.join(', ')} pass`;
}

function judgeMetric(
  def: Extract<KpiDef, { kind: 'metric' }>,
  measurements: Measurement[],
): Pick<KpiResult, 'measured' | 'status' | 'note'> {
  const m = measurements.find((x) => x.metric === def.metric);
  if (!m) return { measured: null, status: 'not-measured', note: `no measurement of ${def.metric}` };
  let first: number | null = null;
  for (const t of def.thresholds) {
    const v = m.values[t.aggregation];
    if (v === undefined || !Number.isFinite(v))
      return { measured: null, status: 'not-measured', note: `${def.metric} has no ${t.aggregation}` };
    first ??= v;
    if (!holds(t, v)) return { measured: v, status: 'fail', note: m.note };
  }
  return { measured: first, status: 'pass', note: m.note };
}

function judgeChecks(
  def: Extract<KpiDef, { kind: 'checks' }>,
  checks: CheckResult[],
): Pick<KpiResult, 'measured' | 'status' | 'note'> {
  const matched = checks.filter((c) => def.checks.some((p) => matchesCheck(p, c.id)));
  const covered = matched.filter((c) => c.status !== 'skip');
  if (covered.length === 0) {
    // The KPI file's owners said it must hold; only they can drop it for a platform that has none of it.
    const na =
      matched.length > 0 && matched.every(skipCountsAsCovered)
        ? ': every one is not applicable to this platform, so drop the KPI from the KPI file or waive it with notMeasured'
        : '';
    return { measured: null, status: 'not-measured', note: `no check matching ${def.checks.join(', ')} ran${na}` };
  }
  // A KPI that names checks means every one of them passes, whatever each check's own level.
  const bad = covered.filter((c) => (c.status === 'fail' || c.status === 'error') && !c.waiver);
  const errored = bad.filter((c) => c.status === 'error');
  const passing = covered.filter((c) => c.status === 'pass').length;
  const measured = passing / covered.length;
  if (bad.some((c) => c.status === 'fail'))
    return {
      measured,
      status: 'fail',
      note: `failing: ${bad
        .filter((c) => c.status === 'fail')
        .map((c) => c.id)
        .join(', ')}`,
    };
  if (errored.length)
    return { measured, status: 'not-measured', note: `could not run: ${errored.map((c) => c.id).join(', ')}` };
  return { measured, status: 'pass', note: `${passing}/${covered.length} checks pass` };
}

/** Judges every KPI against what the suites measured; pure. */
export function evaluateKpis(input: KpiInput): KpiResult[] {
  return input.kpis.map((def) => {
    const base = {
      id: def.id,
      description: def.description,
      threshold: thresholdText(def),
      source: def.source,
      suite: def.suite,
      ...(def.kind === 'metric' ? { metric: def.metric } : {}),
      ...(input.lines?.[def.id] ? { line: input.lines[def.id] } : {}),
    };
    if (!input.ranSuites.includes(def.suite)) {
      return { ...base, measured: null, status: 'not-measured' as const, note: `the ${def.suite} suite did not run` };
    }
    const judged = def.kind === 'metric' ? judgeMetric(def, input.measurements) : judgeChecks(def, input.checks);
    const waiver = input.waivers.find((w) => w.kpi === def.id);
    // An unmeasured KPI is accepted only by a waiver that says so (security.deps.none: no lockfile, no advisory count).
    if ((judged.status === 'fail' || (judged.status === 'not-measured' && waiver?.notMeasured)) && waiver) {
      if (waiverActive(waiver, input.today)) {
        const unmeasured = judged.status === 'not-measured' ? `not measured (${judged.note ?? 'no value'}); ` : '';
        return {
          ...base,
          ...judged,
          status: 'waived' as const,
          note: `${unmeasured}waived until ${waiver.expires} by ${waiver.owner}: ${waiver.reason}`,
        };
      }
      return {
        ...base,
        ...judged,
        note: `waiver expired on ${waiver.expires} (${waiver.owner}); ${judged.note ?? ''}`.trim(),
      };
    }
    const { note, ...rest } = judged;
    return note ? { ...base, ...rest, note } : { ...base, ...rest };
  });
}

/** Marks failing checks covered by an active waiver; an expired waiver leaves the failure standing. */
export function applyCheckWaivers(checks: CheckResult[], waivers: Waiver[], today: string): CheckResult[] {
  return checks.map((c) => {
    const w = waivers.find((x) => x.check === c.id);
    if (!w || c.status !== 'fail' || !waiverActive(w, today)) return c;
    return { ...c, waiver: { reason: w.reason, owner: w.owner, expires: w.expires } };
  });
}
