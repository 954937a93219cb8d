import { InputError } from '../../core/errors.ts';
import { readInputText } from '../../core/read-input.ts';
import { matchesCheck } from '../../config/kpis.ts';
import type { ChecklistResult, CheckResult, KpiResult, Report } from '../../core/report-schema.ts';
import { parseChecklist, type ParsedClaim } from './parse.ts';
import { BUILTIN_RULES, matchRules, type ChecklistRule } from '../../config/checklist-rules.ts';
import { claimedNumber, describeComparison, honours, measuredValue } from './quantity.ts';
import { skipLabel } from '../skip.ts';

export type Claim = ChecklistResult['claims'][number];
type ClaimStatus = Claim['status'];

interface Evidence {
  checks: CheckResult[];
  kpis: KpiResult[];
}

function gather(report: Report, rules: ChecklistRule[]): Evidence {
  const checkPatterns = rules.flatMap((r) => r.checks);
  const kpiIds = new Set(rules.flatMap((r) => r.kpis));
  return {
    checks: report.checks.filter((c) => checkPatterns.some((p) => matchesCheck(p, c.id))),
    kpis: report.kpis.filter((k) => kpiIds.has(k.id)),
  };
}

/** Reads what the evidence says, before the claim is taken into account. */
function evidenceVerdict(
  report: Report,
  rules: ChecklistRule[],
  text: string,
  ev: Evidence,
): { status: Exclude<ClaimStatus, 'open'>; notes: string[] } {
  const notes: string[] = [];
  // A failure that measured nothing (deps.advisories under security.deps.none), or a KPI waived as not measured, is no evidence either way.
  const unmeasured = (c: CheckResult): boolean => c.status === 'fail' && c.evidence.details?.measured === false;
  const failedChecks = ev.checks.filter((c) => c.status === 'fail' && !unmeasured(c));
  const failing = [
    ...failedChecks.map(
      (c) => `${c.id} failed${c.waiver ? ' (waived)' : ''}${c.evidence.actual ? `: ${c.evidence.actual}` : ''}`,
    ),
    ...ev.kpis
      .filter((k) => k.status === 'fail' || (k.status === 'waived' && k.measured !== null))
      .map(
        (k) =>
          `KPI ${k.id} ${k.status === 'waived' ? 'failed (waived)' : 'failed'}: ${k.threshold}, measured ${k.measured ?? 'nothing'}`,
      ),
  ];
  // A stated number that the measurement does not honour contradicts the claim even when the checks pass;
  // once a check failed, its gauge (e.g. "no 429 within 114 requests") is no measured limit to compare with.
  for (const rule of failedChecks.length ? [] : rules) {
    if (!rule.quantity) continue;
    const claim = claimedNumber(text, rule.quantity);
    if (!claim) continue;
    const measured = measuredValue(report, rule.quantity, claim);
    if (!measured) {
      notes.push(`the claim states ${claim.source}, but nothing in the report measured it`);
      continue;
    }
    if (honours(claim, measured.value)) notes.push(describeComparison(claim, measured));
    else failing.push(describeComparison(claim, measured));
  }
  if (failing.length) return { status: 'contradicted', notes: failing };
  const inconclusive = [
    ...ev.checks
      .filter((c) => c.status === 'error' || c.status === 'skip' || c.status === 'warn')
      .map(
        (c) =>
          `${c.id} ${c.status === 'error' ? 'errored' : c.status === 'skip' ? `was skipped (${skipLabel(c)})` : 'was inconclusive (warn)'}`,
      ),
    ...ev.checks
      .filter(unmeasured)
      .map(
        (c) =>
          `${c.id} measured nothing${c.waiver ? ' (waived)' : ''}${c.evidence.actual ? `: ${c.evidence.actual}` : ''}`,
      ),
    ...ev.kpis
      .filter((k) => k.status === 'not-measured' || (k.status === 'waived' && k.measured === null))
      .map((k) => `KPI ${k.id} not measured${k.status === 'waived' ? ' (waived)' : ''}`),
  ];
  if (inconclusive.length) return { status: 'unverified', notes: [...inconclusive, ...notes] };
  if (notes.some((n) => n.startsWith('the claim states'))) return { status: 'unverified', notes };
  if (!ev.checks.length && !ev.kpis.length) {
    const wanted = [...new Set(rules.flatMap((r) => [...r.checks, ...r.kpis.map((k) => `KPI ${k}`)]))];
    return {
      status: 'unverified',
      notes: [`no evidence in this report (the run did not produce ${wanted.join(', ')})`],
    };
  }
  return {
    status: 'confirmed',
    notes: [`${[...ev.checks.map((c) => c.id), ...ev.kpis.map((k) => `KPI ${k.id}`)].join(', ')} passed`, ...notes],
  };
}

type Verdict = ChecklistResult['claims'][number]['evidenceVerdict'] & string;
type Finding = NonNullable<Claim['finding']>;

const VERDICT_OF: Record<Exclude<ClaimStatus, 'open'>, Verdict> = {
  confirmed: 'holds',
  contradicted: 'fails',
  unverified: 'inconclusive',
};

/** The finding a claim's status and evidence verdict give; older reports without one derive it the same way. */
export function findingOf(claim: Pick<Claim, 'status' | 'evidenceVerdict' | 'finding'>): Finding {
  if (claim.finding) return claim.finding;
  switch (claim.status) {
    case 'contradicted':
      return 'claimed-failing';
    case 'confirmed':
      return 'confirmed';
    case 'unverified':
      return 'unverified';
    case 'open':
      return claim.evidenceVerdict === 'holds'
        ? 'done-not-ticked'
        : claim.evidenceVerdict === 'fails'
          ? 'open-failing'
          : 'open';
  }
}

/**
 * Matches one claim, ticked or not, with the evidence in the report. A ticked claim is confirmed, contradicted
 * or unverified; an unticked one stays `open`, and its finding says what the evidence says: done but not ticked,
 * or open and failing. A claim no rule maps onto evidence is never inferred from anything else.
 */
export function judgeClaim(claim: ParsedClaim, report: Report, rules: ChecklistRule[]): Claim {
  const matched = matchRules(claim.text, rules);
  const base = {
    text: claim.text,
    line: claim.line,
    claimed: claim.claimed,
    ...(claim.section ? { section: claim.section } : {}),
  };
  const prefix = claim.note ? [claim.note] : [];
  if (!matched.length) {
    const note = [
      ...prefix,
      claim.claimed
        ? 'no automated check covers this claim; it needs a human sign-off'
        : 'not claimed; no automated check covers it',
    ].join('; ');
    const status: ClaimStatus = claim.claimed ? 'unverified' : 'open';
    return {
      ...base,
      status,
      evidence: [],
      note,
      evidenceVerdict: 'none',
      finding: findingOf({ status, evidenceVerdict: 'none' }),
      rules: [],
    };
  }
  const ev = gather(report, matched);
  const evidence = [...ev.checks.map((c) => c.id), ...ev.kpis.map((k) => `kpi:${k.id}`)];
  const verdict = evidenceVerdict(report, matched, claim.text, ev);
  const evidenceVerdictOf: Verdict = evidence.length ? VERDICT_OF[verdict.status] : 'none';
  const ruleIds = matched.map((r) => r.id);
  if (!claim.claimed) {
    const what = {
      holds: 'done but not ticked: the evidence says it holds',
      fails: 'open and failing: the evidence says it does not hold',
      inconclusive: 'not claimed; the evidence is inconclusive',
      none: 'not claimed; nothing in this report measures it',
    }[evidenceVerdictOf];
    return {
      ...base,
      status: 'open',
      evidence,
      note: [...prefix, what, ...verdict.notes].join('; '),
      evidenceVerdict: evidenceVerdictOf,
      finding: findingOf({ status: 'open', evidenceVerdict: evidenceVerdictOf }),
      rules: ruleIds,
    };
  }
  return {
    ...base,
    status: verdict.status,
    evidence,
    note: [...prefix, ...verdict.notes].join('; '),
    evidenceVerdict: evidenceVerdictOf,
    finding: findingOf({ status: verdict.status, evidenceVerdict: evidenceVerdictOf }),
    rules: ruleIds,
  };
}

/** Every finding, in the order outputs show them: what blocks a sign-off first, then what the document gets wrong. */
export const FINDING_ORDER: Finding[] = [
  'claimed-failing',
  'open-failing',
  'unverified',
  'confirmed',
  'done-not-ticked',
  'open',
];

/** How many claims of one checklist the report has evidence for, and how many of each finding. */
export function coverageOf(result: Pick<ChecklistResult, 'claims'>): NonNullable<ChecklistResult['coverage']> {
  const byFinding = Object.fromEntries(FINDING_ORDER.map((f) => [f, 0])) as Record<Finding, number>;
  for (const c of result.claims) byFinding[findingOf(c)]++;
  const withEvidence = result.claims.filter(
    (c) =>
      c.evidenceVerdict === 'holds' ||
      c.evidenceVerdict === 'fails' ||
      (c.evidenceVerdict === undefined && (c.status === 'confirmed' || c.status === 'contradicted')),
  ).length;
  const matched = result.claims.filter((c) => (c.rules?.length ?? 0) > 0 || c.evidence.length > 0).length;
  const claims = result.claims.length;
  return { claims, matched, withEvidence, share: claims ? withEvidence / claims : 0, byFinding };
}

/** Contradicted claims first (what a launch sign-off must see), the rest in document order. */
export function orderClaims(claims: Claim[]): Claim[] {
  return [...claims.filter((c) => c.status === 'contradicted'), ...claims.filter((c) => c.status !== 'contradicted')];
}

/** Judges one checklist document against a report: each claim confirmed, contradicted, unverified or open. */
export function judgeChecklist(
  file: string,
  text: string,
  report: Report,
  rules: ChecklistRule[] = BUILTIN_RULES,
): ChecklistResult {
  return judgeClaims({ file, claims: parseChecklist(text) }, report, rules);
}

export function judgeClaims(
  doc: LoadedChecklist,
  report: Report,
  rules: ChecklistRule[] = BUILTIN_RULES,
): ChecklistResult {
  const claims = orderClaims(doc.claims.map((c) => judgeClaim(c, report, rules)));
  return { file: doc.file, claims, coverage: coverageOf({ claims }) };
}

/** The largest checklist gonogo reads: real ones are 7-16 KB, and judging one costs up to ~35 times its size in memory (BENCHMARKS.md). */
export const CHECKLIST_MAX_BYTES = 1024 * 1024;

export interface LoadedChecklist {
  file: string;
  claims: ParsedClaim[];
}

/**
 * Reads and parses one checklist: a regular file of at most CHECKLIST_MAX_BYTES, UTF-8 or UTF-16 with a BOM.
 * A document in which no claim can be found is an InputError: judging it would report nothing, which reads as fine.
 */
export async function loadChecklist(file: string): Promise<LoadedChecklist> {
  const text = await readInputText(file, { what: 'checklist', maxBytes: CHECKLIST_MAX_BYTES });
  if (!text.trim()) throw new InputError(`the checklist ${file} is empty`);
  const claims = parseChecklist(text);
  if (claims.length === 0) {
    const lines = text.split(/\r\n|\r|\n/).length;
    throw new InputError(
      `no claim found in the checklist ${file} (${lines} line${lines === 1 ? '' : 's'}): gonogo reads task boxes (- [x] / - [ ]), check-mark emoji (✅ ❌), status columns of tables and items under a heading marked done; is it the right file, in Markdown?`,
    );
  }
  return { file, claims };
}

/** For `gonogo run --checklist` and `gonogo checklist`: reads each file (InputError when unreadable or without claims) and judges it. */
export async function judgeChecklists(
  files: string[],
  report: Report,
  rules: ChecklistRule[] = BUILTIN_RULES,
): Promise<ChecklistResult[]> {
  const results: ChecklistResult[] = [];
  for (const file of files) results.push(judgeClaims(await loadChecklist(file), report, rules));
  return results;
}

export function countClaims(result: ChecklistResult): Record<ClaimStatus, number> {
  const counts: Record<ClaimStatus, number> = { contradicted: 0, unverified: 0, confirmed: 0, open: 0 };
  for (const c of result.claims) counts[c.status]++;
  return counts;
}
