import type { CheckResult, SkipInfo, SkipKind } from '../core/report-schema.ts';

/** The kind of a skipped check; a skip without one (a report written before skips had kinds, a team spec) could not run. */
export function skipKind(c: CheckResult): SkipKind {
  return c.skip?.kind ?? 'could-not-run';
}

/** How each kind reads in reports: exhaustive, so a new kind cannot be left unshown. */
export const SKIP_KIND_LABEL: Record<SkipKind, string> = {
  'not-applicable': 'not applicable',
  'not-configured': 'not configured',
  'could-not-run': 'could not run',
};

/** "not applicable, declared", "not configured"...: the kind with where a not-applicable came from. */
export function skipLabel(c: CheckResult): string {
  const source = c.skip?.kind === 'not-applicable' && c.skip.source ? `, ${c.skip.source}` : '';
  return `${SKIP_KIND_LABEL[skipKind(c)]}${source}`;
}

/** " (2 not applicable, 1 could not run)" for a list of checks, '' when none skipped. */
export function skipCounts(checks: CheckResult[]): string {
  const skipped = checks.filter((c) => c.status === 'skip');
  const parts = (Object.keys(SKIP_KIND_LABEL) as SkipKind[])
    .map((k) => [k, skipped.filter((c) => skipKind(c) === k).length] as const)
    .filter(([, n]) => n > 0);
  return parts.length ? ` (${parts.map(([k, n]) => `${n} ${SKIP_KIND_LABEL[k]}`).join(', ')})` : '';
}

/** Whether a skip leaves the report complete: only a platform with nothing to check, never a gap in config or machine. */
export function skipCountsAsCovered(c: CheckResult): boolean {
  return c.status === 'skip' && skipKind(c) === 'not-applicable';
}

/**
 * Applies the config's notApplicable declarations (check id -> reason). A declaration only explains a skip: a
 * declared check that skipped for any reason becomes not-applicable with the team's reason, the check's own reason
 * kept in its evidence. A declared check that ran keeps its outcome: a declaration never hides a failure.
 */
export function applyNotApplicable(checks: CheckResult[], declared: Record<string, string>): CheckResult[] {
  return checks.map((c) => {
    const reason = declared[c.id];
    if (reason === undefined || c.status !== 'skip') return c;
    const skip: SkipInfo = { kind: 'not-applicable', reason, source: 'declared' };
    const own = c.skip?.reason ?? c.evidence.message;
    return { ...c, skip, evidence: { ...c.evidence, ...(own ? { message: own } : {}) } };
  });
}
