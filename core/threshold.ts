import { metricDef, type MetricType } from './metrics.ts';

/**
 * k6 threshold expressions (`p(95)<200`, `rate<0.001`, `avg<=500`), parsed so one string
 * drives k6's own thresholds and gonogo's verdict alike. Hand-written because k6's parser
 * lives in Go inside k6 and no npm package implements its grammar; the grammar is tiny.
 */
export type Aggregation = 'avg' | 'min' | 'med' | 'max' | 'rate' | 'count' | 'value' | `p(${number})`;
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

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

/** k6's scan order (metrics/thresholds_parser.go): the first operator found splits the expression, longer tokens first. */
const OPERATORS: readonly Operator[] = ['<=', '<', '>=', '>', '===', '==', '!='];
const METHODS = ['avg', 'min', 'med', 'max', 'rate', 'count', 'value'] as const;
/** Decimal numbers Go's strconv.ParseFloat reads; Inf, NaN and 1_000, which k6 also takes, no KPI needs. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const PERCENTILE = /^p\(((?:\d+(?:\.\d*)?|\.\d+))\)$/;
/** Go's strings.TrimSpace on ASCII: k6 trims both sides of the operator and nothing inside them. */
const trim = (s: string): string => s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
const FORM =
  'expected AGGREGATION OPERATOR NUMBER with a lower-case aggregation (avg, min, med, max, p(N), rate, count, value) and one of < <= > >= == === !=, e.g. "p(95)<200", "rate<0.001", "avg<=500", "value>=30"';

export class ThresholdError extends Error {
  override name = 'ThresholdError';
}

/** Parses exactly what k6 parses (k6 would refuse anything else at start), so one string drives both. */
export function parseThreshold(expr: string): Threshold {
  const operator = OPERATORS.find((o) => expr.includes(o));
  if (!operator)
    throw new ThresholdError(`"${expr}" is not a k6 threshold expression: it has no comparison operator; ${FORM}`);
  const at = expr.indexOf(operator);
  const method = trim(expr.slice(0, at));
  const number = trim(expr.slice(at + operator.length));
  let aggregation: Aggregation;
  const pct = PERCENTILE.exec(method);
  // Stricter than k6 where k6 takes nonsense: a bare `p`, percentiles outside 0..100.
  if (pct) {
    const p = Number(pct[1]);
    if (!(p >= 0 && p <= 100)) throw new ThresholdError(`"${expr}": percentile ${p} is outside 0..100`);
    aggregation = `p(${p})`;
  } else if ((METHODS as readonly string[]).includes(method)) {
    aggregation = method as Aggregation;
  } else {
    throw new ThresholdError(
      `"${expr}" is not a k6 threshold expression: "${method}" is not an aggregation (k6 reads them case-sensitively, with nothing inside p(...) but the number); ${FORM}`,
    );
  }
  if (!NUMBER.test(number))
    throw new ThresholdError(`"${expr}" is not a k6 threshold expression: "${number}" is not a number; ${FORM}`);
  return { source: trim(expr), aggregation, operator, value: Number(number) };
}

/** `http_req_duration{name:login}` -> base metric + tags (k6 submetric syntax). */
export function splitMetric(metric: string): { base: string; tags: Record<string, string> } {
  const m = /^([a-z_][a-z0-9_]*)(?:\{([^}]*)\})?$/i.exec(metric.trim());
  if (!m)
    throw new ThresholdError(
      `"${metric}" is not a metric name (letters, digits, _ and an optional {tag:value} filter)`,
    );
  const tags: Record<string, string> = {};
  for (const pair of (m[2] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
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
    case '<':
      return measured < t.value;
    case '<=':
      return measured <= t.value;
    case '>':
      return measured > t.value;
    case '>=':
      return measured >= t.value;
    case '==':
    case '===':
      return measured === t.value;
    case '!=':
      return measured !== t.value;
  }
}
