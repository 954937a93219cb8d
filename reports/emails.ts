import type { CheckResult } from '../core/report-schema.ts';

/** An address in free text; the domain needs a dot and a letter-only last label, so "a@b" in a version string is left alone. */
const EMAIL = /\b([A-Za-z0-9_%+-])[A-Za-z0-9._%+-]*@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b/g;

/** "client@example.com" -> "c***@example.com": the domain and first letter say whose account, the rest stays private. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, '$1***@$2');
}

function deep<T>(value: T): T {
  if (typeof value === 'string') return maskEmails(value) as T;
  if (Array.isArray(value)) return value.map(deep) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [maskEmails(k), deep(v)])) as T;
  return value;
}

/** Masks every address in the checks' evidence (report.showEmails: true keeps them); ids, titles and statuses stay. */
export function maskEvidenceEmails(checks: CheckResult[]): CheckResult[] {
  return checks.map((c) => ({ ...c, evidence: deep(c.evidence) }));
}
