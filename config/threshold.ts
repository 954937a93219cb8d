import { metricDef, type MetricType } from './metrics.ts';

/**
 * k6 threshold expressions (`p(95)<200`, `rate<0.001`, `avg<=500`), parsed so one string
 * drives k6's own thresholds and gonogo's verdict alike. Hand-written because k6's parser
 * lives in Go inside k6 and no npm package implements its grammar; the grammar is tiny.
 */
export type Aggregation = 'avg' | 'min' | 'med' | 'max' | 'rate' | 'count' | 'value' | `p(${number})`;
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Threshold {
  source: string;
  aggregation: Aggregation;
  operator: Operator;
  value: number;
}

const ALLOWED: Record<MetricType, readonly string[]> = {
  trend: ['avg', 'min', 'med', 'max', 'p'],
  rate: ['rate'],
  counter: ['count', 'rate'],
  gauge: ['value', 'min', 'max'],
};

const EXPR = /^\s*(avg|min|med|max|rate|count|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

export class ThresholdError extends Error {
  override name = 'ThresholdError';
}

export function parseThreshold(expr: string): Threshold {
  const m = EXPR.exec(expr);
  if (!m) {
    throw new ThresholdError(
      `"${expr}" is not a k6 threshold expression; expected AGGREGATION OPERATOR NUMBER, e.g. "p(95)<200", "rate<0.001", "avg<=500", "value>=30"`,
    );
  }
  const [, agg, pct, op, num] = m as unknown as [string, string, string | undefined, Operator, string];
  let aggregation: Aggregation;
  if (pct !== undefined) {
    const p = Number(pct);
    if (!(p >= 0 && p <= 100)) throw new ThresholdError(`"${expr}": percentile ${p} is outside 0..100`);
    aggregation = `p(${p})`;
  } else {
    aggregation = agg.toLowerCase() as Aggregation;
  }
  return { source: expr.trim(), aggregation, operator: op, value: Number(num) };
}

/** `http_req_duration{name:login}` -> base metric + tags (k6 submetric syntax). */
export function splitMetric(metric: string): { base: string; tags: Record<string, string> } {
  const m = /^([a-z_][a-z0-9_]*)(?:\{([^}]*)\})?$/i.exec(metric.trim());
  if (!m) throw new ThresholdError(`"${metric}" is not a metric name (letters, digits, _ and an optional {tag:value} filter)`);
  const tags: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = pair.indexOf(':');
    if (i <= 0) throw new ThresholdError(`"${metric}": tag filter "${pair}" must look like name:value`);
    tags[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return { base: m[1]!, tags };
}

/** Checks metric name and aggregation against the registry; throws with the reason otherwise. */
export function validateMetricThreshold(metric: string, t: Threshold): void {
  const { base, tags } = splitMetric(metric);
  const def = metricDef(base);
  if (!def) throw new ThresholdError(`no suite measures a metric named "${base}"; a KPI on it could never be judged`);
  if (Object.keys(tags).length > 0 && !def.taggable) throw new ThresholdError(`metric "${base}" takes no {tag} filter`);
  const agg = t.aggregation.startsWith('p(') ? 'p' : t.aggregation;
  if (!ALLOWED[def.type].includes(agg)) {
    throw new ThresholdError(
      `"${t.source}": ${base} is a ${def.type} metric, which has ${ALLOWED[def.type].map((a) => (a === 'p' ? 'p(N)' : a)).join(', ')}, not ${t.aggregation}`,
    );
  }
}

export function holds(t: Threshold, measured: number): boolean {
  switch (t.operator) {
    case '<': return measured < t.value;
    case '<=': return measured <= t.value;
    case '>': return measured > t.value;
    case '>=': return measured >= t.value;
    case '==': return measured === t.value;
    case '!=': return measured !== t.value;
  }
}
