import type { ChecklistResult } from '../../core/report-schema.ts';
import { visible } from '../render/visible.ts';
import { FINDING_ORDER, coverageOf, findingOf, type Claim } from './judge.ts';

type Finding = NonNullable<Claim['finding']>;

/** Order of every output: what blocks a sign-off first, then what the document gets wrong, then the rest. */
export { FINDING_ORDER };

export const FINDING_HEADING: Record<Finding, string> = {
  'claimed-failing': 'Contradicted (claimed but failing): ticked done, the evidence says no',
  'open-failing': 'Open and failing: not ticked, and the evidence says it does not hold',
  unverified:
    'Unverified: claimed, but no automated evidence decides it (needs a human sign-off; never counted as confirmed)',
  confirmed: 'Confirmed by the evidence',
  'done-not-ticked': 'Done but not ticked: not claimed, yet the evidence says it holds',
  open: 'Open: not claimed, and no evidence in this report decides it',
};

/** Short labels for summary lines. */
export const FINDING_LABEL: Record<Finding, string> = {
  'claimed-failing': 'claimed but failing',
  'open-failing': 'open and failing',
  unverified: 'unverified',
  confirmed: 'confirmed',
  'done-not-ticked': 'done but not ticked',
  open: 'open',
};

/** The HTML class of each finding's heading (page.ts colours them). */
export const FINDING_CLASS: Record<Finding, string> = {
  'claimed-failing': 's-contradicted',
  'open-failing': 's-fail',
  unverified: 's-unverified',
  confirmed: 's-confirmed',
  'done-not-ticked': 's-pass',
  open: 's-open',
};

const CONSOLE_MARK: Record<Finding, string> = Object.fromEntries(
  Object.entries({
    'claimed-failing': 'CONTRADICTED',
    'open-failing': 'OPEN+FAILING',
    unverified: 'unverified',
    confirmed: 'confirmed',
    'done-not-ticked': 'done-unticked',
    open: 'open',
  }).map(([k, v]) => [k, v.padEnd(12)]),
) as Record<Finding, string>;

const cell = (s: string | undefined): string => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

const coverage = (result: ChecklistResult) => result.coverage ?? coverageOf(result);

/** "14 of 72 claims have evidence (19%)": decisive evidence (holds or fails) in this report. */
export function coverageLine(result: ChecklistResult): string {
  const c = coverage(result);
  return `${c.withEvidence} of ${c.claims} claims have evidence (${Math.round(c.share * 100)}%)${c.matched > c.withEvidence ? `; ${c.matched - c.withEvidence} more map onto checks that did not decide them in this run` : ''}`;
}

export function summaryLine(result: ChecklistResult): string {
  const n = coverage(result).byFinding;
  return `${result.claims.length} claims: ${FINDING_ORDER.map((f) => `${n[f]} ${FINDING_LABEL[f]}`).join(', ')}`;
}

export const claimsOf = (result: ChecklistResult, finding: Finding): Claim[] =>
  result.claims.filter((c) => findingOf(c) === finding);

/** Markdown section for one checklist, failing claims first. */
export function renderChecklistMd(result: ChecklistResult): string {
  const out = [
    `## Checklist ${result.file}`,
    '',
    summaryLine(result),
    '',
    `Evidence coverage: ${coverageLine(result)}.`,
    '',
  ];
  for (const finding of FINDING_ORDER) {
    const claims = claimsOf(result, finding);
    if (!claims.length) continue;
    out.push(
      `### ${FINDING_HEADING[finding]} (${claims.length})`,
      '',
      '| Line | Claim | Section | Evidence | Notes |',
      '|---:|---|---|---|---|',
    );
    for (const c of claims) {
      out.push(
        `| ${c.line} | ${cell(c.text)} | ${cell(c.section)} | ${cell(c.evidence.join(', ') || '—')} | ${cell(c.note)} |`,
      );
    }
    out.push('');
  }
  return visible(out.join('\n'));
}

export function renderChecklistsMd(results: ChecklistResult[]): string {
  return results.map(renderChecklistMd).join('\n');
}

/** Console summary: every claimed-but-failing claim, then counts and the first few of the rest. */
export function renderChecklistConsole(result: ChecklistResult, limit = 8): string {
  const out = [`Checklist ${result.file}: ${summaryLine(result)}`, `  evidence coverage: ${coverageLine(result)}`];
  for (const finding of FINDING_ORDER) {
    const claims = claimsOf(result, finding);
    const shown = finding === 'claimed-failing' ? claims : claims.slice(0, limit);
    for (const c of shown) {
      const why = c.note ? ` — ${c.note}` : '';
      out.push(`  ${CONSOLE_MARK[finding]} line ${c.line}: ${c.text}${finding === 'open' ? '' : why}`);
    }
    if (shown.length < claims.length)
      out.push(`  ... and ${claims.length - shown.length} more ${FINDING_LABEL[finding]} (see report.md)`);
  }
  return visible(out.join('\n'));
}
