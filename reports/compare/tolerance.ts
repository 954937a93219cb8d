import type { KpiResult } from '../../core/report-schema.ts';

/** A KPI's baseline tolerance: relative ("10%") or absolute ("+0.0005"), as written in the KPI file. */
export interface Tolerance {
  kind: 'relative' | 'absolute';
  value: number;
  text: string;
}

/** Which way is worse for a KPI, read from its threshold (`p(95)<200`: up is worse; `rate>0.99`: down is worse). */
export type Direction = 'lower-is-better' | 'higher-is-better' | 'band';

export function parseTolerance(text: string): Tolerance | null {
  const rel = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (rel) return { kind: 'relative', value: Number(rel[1]) / 100, text };
  const abs = /^\+(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (abs) return { kind: 'absolute', value: Number(abs[1]), text };
  return null;
}

/** Defaults (DESIGN/issue): latency +10%; error rate +0.05 percentage points. Other KPIs regress when they newly fail. */
const DEFAULT_BY_METRIC: Record<string, string> = {
  http_req_duration: '10%',
  health_latency_ms: '10%',
  http_req_failed: '+0.0005',
};

export function toleranceFor(kpi: KpiResult, configured: Record<string, string> = {}): Tolerance | null {
  const text = configured[kpi.id] ?? (kpi.metric ? DEFAULT_BY_METRIC[kpi.metric.split('{')[0]!] : undefined);
  return text ? parseTolerance(text) : null;
}

export function directionOf(threshold: string): Direction {
  const ops = [...threshold.matchAll(/(<=|>=|<|>)/g)].map((m) => m[1]!);
  if (ops.length && ops.every((o) => o.startsWith('<'))) return 'lower-is-better';
  if (ops.length && ops.every((o) => o.startsWith('>'))) return 'higher-is-better';
  return 'band';
}

/** Is the change from old to new worse than the tolerance allows? */
export function exceeds(oldV: number, newV: number, tol: Tolerance, dir: Direction): boolean {
  if (dir === 'band') return false;
  const worse = dir === 'lower-is-better' ? newV - oldV : oldV - newV;
  if (worse <= 0) return false;
  const allowed = tol.kind === 'relative' ? Math.abs(oldV) * tol.value : tol.value;
  // Tiny epsilon: "exactly at the tolerance" is allowed, floating-point noise must not flip it.
  return worse > allowed + 1e-12;
}
