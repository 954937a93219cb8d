import { waiverActive, type Waiver } from '../config/kpis.ts';
import type { CheckResult, KpiResult, SuiteName, Verdict } from './schema.ts';
import { suiteNames } from './schema.ts';

export interface VerdictInput {
  checks: CheckResult[];
  kpis: KpiResult[];
  /** Suites the run was asked for. */
  selected: SuiteName[];
  /** Suites that crashed or were cut short, with the reason. */
  suiteErrors: Array<{ suite: SuiteName; message: string }>;
  interrupted: boolean;
  /** Regressions beyond tolerance against --baseline, in words. */
  regressions: string[];
  waivers: Waiver[];
  today: string;
}

/** How the reasons that do not by themselves make a NO-GO begin (see decide below). */
const NOT_RUN = 'not run: ';
const SKIPPED_BLOCKERS = 'skipped blockers: ';
/** A blocker that ended `warn` covered only part of what it claims: not a pass, so never a silent GO. */
const PARTIAL_BLOCKERS = 'blockers that covered only part of their claim (warn): ';
const WAIVED = 'waived: ';
const EXPIRED_WAIVER = 'expired waiver no longer applies: ';
/** How a --baseline regression reads among the reasons. */
export const BASELINE_REGRESSION = 'regression against the baseline: ';

/** Whether a reason of decide() makes the run NO-GO, only makes it incomplete, or is a note. */
export function reasonKind(reason: string): 'blocking' | 'incomplete' | 'note' {
  if (reason.startsWith(NOT_RUN) || reason.startsWith(SKIPPED_BLOCKERS) || reason.startsWith(PARTIAL_BLOCKERS)) return 'incomplete';
  if (reason.startsWith(WAIVED) || reason.startsWith(EXPIRED_WAIVER)) return 'note';
  return 'blocking';
}

/**
 * The one place GO or NO-GO is decided (DESIGN.md, verdict rules). Renderers read the result and
 * never recompute it. Anything that could not be judged pushes towards NO-GO or incomplete, never GO.
 */
export function decide(input: VerdictInput): Verdict {
  const noGo: string[] = [];
  const notes: string[] = [];

  if (input.interrupted) noGo.push('the run was interrupted before it finished; an unfinished run is never GO');
  for (const e of input.suiteErrors) noGo.push(`the ${e.suite} suite could not finish: ${e.message}`);

  for (const c of input.checks) {
    if (c.level !== 'blocker') continue;
    if (c.status === 'fail' && c.waiver) notes.push(`${WAIVED}${c.id} (${c.waiver.owner}, until ${c.waiver.expires}): ${c.waiver.reason}`);
    else if (c.status === 'fail') noGo.push(`blocker ${c.id} failed: ${c.title}`);
    else if (c.status === 'error') noGo.push(`blocker ${c.id} could not be checked (error): ${c.title}`);
  }

  for (const k of input.kpis) {
    if (k.status === 'fail') noGo.push(`KPI ${k.id} failed: ${k.threshold}, measured ${k.measured ?? 'nothing'}`);
    else if (k.status === 'waived') notes.push(`${WAIVED}KPI ${k.id}${k.note ? ` (${k.note})` : ''}`);
    else if (k.status === 'not-measured' && k.suite && input.selected.includes(k.suite)) {
      noGo.push(`KPI ${k.id} could not be measured although the ${k.suite} suite was selected${k.note ? ` (${k.note})` : ''}`);
    }
  }

  for (const w of input.waivers) {
    if (!waiverActive(w, input.today)) notes.push(`${EXPIRED_WAIVER}${w.check ?? `KPI ${w.kpi}`} (${w.owner}, expired ${w.expires})`);
  }

  noGo.push(...input.regressions.map((r) => `${BASELINE_REGRESSION}${r}`));

  const incomplete: string[] = [];
  const missing = suiteNames.filter((s) => !input.selected.includes(s));
  if (missing.length) incomplete.push(`${NOT_RUN}${missing.join(', ')} (the report is incomplete)`);
  const skippedBlockers = input.checks.filter((c) => c.level === 'blocker' && c.status === 'skip');
  if (skippedBlockers.length) incomplete.push(`${SKIPPED_BLOCKERS}${skippedBlockers.map((c) => c.id).join(', ')}`);
  const partialBlockers = input.checks.filter((c) => c.level === 'blocker' && c.status === 'warn');
  if (partialBlockers.length) incomplete.push(`${PARTIAL_BLOCKERS}${partialBlockers.map((c) => c.id).join(', ')}`);

  const complete = incomplete.length === 0 && !input.interrupted && input.suiteErrors.length === 0;
  return {
    decision: noGo.length === 0 ? 'GO' : 'NO-GO',
    complete,
    reasons: [...noGo, ...incomplete, ...notes],
  };
}
