import type { CheckStatus, KpiStatus } from '../../core/report-schema.ts';

/** Exhaustive maps: a new status cannot be added without deciding how every renderer shows it. */
export const CHECK_LABEL: Record<CheckStatus, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
  skip: 'SKIP',
  error: 'ERROR',
};
export const CHECK_ICON: Record<CheckStatus, string> = { pass: '✅', fail: '❌', warn: '⚠️', skip: '⏭️', error: '💥' };
export const KPI_LABEL: Record<KpiStatus, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  'not-measured': 'NOT MEASURED',
  waived: 'WAIVED',
};
export const KPI_ICON: Record<KpiStatus, string> = { pass: '✅', fail: '❌', 'not-measured': '❔', waived: '🟡' };

/** Order in which results are listed: what blocks the launch first. */
export const CHECK_ORDER: Record<CheckStatus, number> = { fail: 0, error: 1, warn: 2, skip: 3, pass: 4 };

export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
