import type { ChecklistResult } from '../schema.ts';
import { visible } from '../render/visible.ts';
import { countClaims, type Claim } from './judge.ts';

type ClaimStatus = Claim['status'];

/** Order of every output: what blocks a sign-off first. */
export const STATUS_ORDER: ClaimStatus[] = ['contradicted', 'unverified', 'confirmed', 'open'];

export const STATUS_HEADING: Record<ClaimStatus, string> = {
  contradicted: 'Contradicted: claimed done, the evidence says no',
  unverified: 'Unverified: claimed, but no automated evidence covers it (needs a human sign-off; never counted as confirmed)',
  confirmed: 'Confirmed by the evidence',
  open: 'Open: not claimed in the document',
};

const CONSOLE_MARK: Record<ClaimStatus, string> = { contradicted: 'CONTRADICTED', unverified: 'unverified  ', confirmed: 'confirmed   ', open: 'open        ' };

const cell = (s: string | undefined): string => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function summaryLine(result: ChecklistResult): string {
  const n = countClaims(result);
  return `${result.claims.length} claims: ${n.contradicted} contradicted, ${n.unverified} unverified, ${n.confirmed} confirmed, ${n.open} open`;
}

/** Markdown section for one checklist, contradicted claims first. */
export function renderChecklistMd(result: ChecklistResult): string {
  const out = [`## Checklist ${result.file}`, '', summaryLine(result), ''];
  for (const status of STATUS_ORDER) {
    const claims = result.claims.filter((c) => c.status === status);
    if (!claims.length) continue;
    out.push(`### ${STATUS_HEADING[status]} (${claims.length})`, '', '| Line | Claim | Section | Evidence | Notes |', '|---:|---|---|---|---|');
    for (const c of claims) {
      out.push(`| ${c.line} | ${cell(c.text)} | ${cell(c.section)} | ${cell(c.evidence.join(', ') || '—')} | ${cell(c.note)} |`);
    }
    out.push('');
  }
  return visible(out.join('\n'));
}

export function renderChecklistsMd(results: ChecklistResult[]): string {
  return results.map(renderChecklistMd).join('\n');
}

/** Console summary: every contradicted claim, then counts and the first few of the rest. */
export function renderChecklistConsole(result: ChecklistResult, limit = 8): string {
  const out = [`Checklist ${result.file}: ${summaryLine(result)}`];
  for (const status of STATUS_ORDER) {
    const claims = result.claims.filter((c) => c.status === status);
    const shown = status === 'contradicted' ? claims : claims.slice(0, limit);
    for (const c of shown) {
      const why = c.note ? ` — ${c.note}` : '';
      out.push(`  ${CONSOLE_MARK[status]} line ${c.line}: ${c.text}${status === 'open' ? '' : why}`);
    }
    if (shown.length < claims.length) out.push(`  ... and ${claims.length - shown.length} more ${status} (see report.md)`);
  }
  return visible(out.join('\n'));
}
