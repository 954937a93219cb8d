import { waiverActive, type Waiver } from '../config/kpis.ts';
import type { CheckResult, KpiResult, SuiteName, Verdict } from '../core/report-schema.ts';
import { suiteNames } from '../core/report-schema.ts';
import { SKIP_KIND_LABEL, skipKind } from './skip.ts';

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
  /** The config's notApplicable declarations (check id -> reason), so a declared check that ran is named as such. */
  notApplicable?: Record<string, string>;
}

/** How the reasons that do not by themselves make a NO-GO begin (see decide below). */
const NOT_RUN = 'not run: ';
const SKIPPED_BLOCKERS = 'skipped blockers';
const NOT_APPLICABLE = 'not applicable: ';
const DECLARED_BUT_RAN = 'declared not applicable but it ran: ';
/** A blocker that ended `warn` covered only part of what it claims: not a pass, so never a silent GO. */
const PARTIAL_BLOCKERS = 'blockers that covered only part of their claim (warn): ';
const WAIVED = 'waived: ';
const EXPIRED_WAIVER = 'expired waiver no longer applies: ';
/** How a --baseline regression reads among the reasons. */
export const BASELINE_REGRESSION = 'regression against the baseline: ';

/** Whether a reason of decide() makes the run NO-GO, only makes it incomplete, or is a note. */
export function reasonKind(reason: string): 'blocking' | 'incomplete' | 'note' {
  if (reason.startsWith(NOT_RUN) || reason.startsWith(SKIPPED_BLOCKERS) || reason.startsWith(PARTIAL_BLOCKERS))
    return 'incomplete';
  if (
    reason.startsWith(WAIVED) ||
    reason.startsWith(EXPIRED_WAIVER) ||
    reason.startsWith(NOT_APPLICABLE) ||
    reason.startsWith(DECLARED_BUT_RAN)
  )
    return 'note';
  return 'blocking';
}

/**
 * The one place GO or NO-GO is decided (the verdict rules in README.md, The report). Renderers read the result and
 * never recompute it. Anything that could not be judged pushes towards NO-GO or incomplete, never GO.
 */
export function decide(input: VerdictInput): Verdict {
  const noGo: string[] = [];
  const notes: string[] = [];

  if (input.interrupted) noGo.push('the run was interrupted before it finished; an unfinished run is never GO');
  for (const e of input.suiteErrors) noGo.push(`the ${e.suite} suite could not finish: ${e.message}`);

  for (const c of input.checks) {
    if (c.level !== 'blocker') continue;
    if (c.status === 'fail' && c.waiver)
      notes.push(`${WAIVED}${c.id} (${c.waiver.owner}, until ${c.waiver.expires}): ${c.waiver.reason}`);
    else if (c.status === 'fail')
      noGo.push(`blocker ${c.id} failed: ${c.title}${declaredNote(c.id, input.notApplicable)}`);
    else if (c.status === 'error')
      noGo.push(`blocker ${c.id} could not be checked (error): ${c.title}${declaredNote(c.id, input.notApplicable)}`);
  }

  for (const k of input.kpis) {
    if (k.status === 'fail') noGo.push(`KPI ${k.id} failed: ${k.threshold}, measured ${k.measured ?? 'nothing'}`);
    else if (k.status === 'waived') notes.push(`${WAIVED}KPI ${k.id}${k.note ? ` (${k.note})` : ''}`);
    else if (k.status === 'not-measured' && k.suite && input.selected.includes(k.suite)) {
      noGo.push(
        `KPI ${k.id} could not be measured although the ${k.suite} suite was selected${k.note ? ` (${k.note})` : ''}`,
      );
    }
  }

  for (const w of input.waivers) {
    if (!waiverActive(w, input.today))
      notes.push(`${EXPIRED_WAIVER}${w.check ?? `KPI ${w.kpi}`} (${w.owner}, expired ${w.expires})`);
  }

  noGo.push(...input.regressions.map((r) => `${BASELINE_REGRESSION}${r}`));

  const incomplete: string[] = [];
  const missing = suiteNames.filter((s) => !input.selected.includes(s));
  if (missing.length) incomplete.push(`${NOT_RUN}${missing.join(', ')} (the report is incomplete)`);
  const skips = skipReasons(input);
  incomplete.push(...skips.incomplete);
  notes.push(...skips.notes);
  const partialBlockers = input.checks.filter((c) => c.level === 'blocker' && c.status === 'warn');
  if (partialBlockers.length) incomplete.push(`${PARTIAL_BLOCKERS}${partialBlockers.map((c) => c.id).join(', ')}`);

  const complete = incomplete.length === 0 && !input.interrupted && input.suiteErrors.length === 0;
  return {
    decision: noGo.length === 0 ? 'GO' : 'NO-GO',
    complete,
    reasons: [...noGo, ...incomplete, ...notes],
  };
}

/**
 * Skipped blockers by kind: not-configured and could-not-run leave the report incomplete; not-applicable (declared or
 * detected) is a note, since the platform has nothing there to check. A declared check that ran and passed is a note too.
 */
function skipReasons(input: VerdictInput): { incomplete: string[]; notes: string[] } {
  const incomplete: string[] = [];
  const notes: string[] = [];
  for (const kind of ['not-configured', 'could-not-run'] as const) {
    const ids = input.checks
      .filter((c) => c.level === 'blocker' && c.status === 'skip' && skipKind(c) === kind)
      .map((c) => c.id);
    if (ids.length) incomplete.push(`${SKIPPED_BLOCKERS} (${SKIP_KIND_LABEL[kind]}): ${ids.join(', ')}`);
  }
  for (const c of input.checks) {
    if (c.status === 'skip' && c.skip?.kind === 'not-applicable')
      notes.push(`${NOT_APPLICABLE}${c.id} (${c.skip.source ?? 'detected'}): ${c.skip.reason}`);
    else if (c.status === 'pass' && input.notApplicable?.[c.id] !== undefined)
      notes.push(`${DECLARED_BUT_RAN}${c.id} passed; remove it from notApplicable`);
  }
  return { incomplete, notes };
}

/** A failure of a check the config calls not applicable is still a failure; the reason says the declaration does not hold. */
function declaredNote(id: string, declared: Record<string, string> | undefined): string {
  const reason = declared?.[id];
  return reason === undefined
    ? ''
    : ` (declared not applicable: "${reason}", yet it ran: a declaration explains a skip, never a failure or an error; switch the check's feature off in the config so it skips, or fix what it found)`;
}
