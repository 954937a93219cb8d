import { z } from 'zod';

/** What gonogo reads from k6's end-of-test summary, whichever shape k6 wrote. */
export interface K6Summary {
  shape: 'legacy' | 'legacy-export' | 'v1';
  k6Version?: string;
  durationS?: number;
  requests?: number;
  failedRate?: number;
  iterations?: number;
  checks?: { passes: number; fails: number };
  /** http_req_duration aggregates in ms as k6 computed them (avg, med, p(95)...). */
  duration?: Record<string, number>;
  /** metric -> expression -> held (legacy shapes report them; the v1 shape does not). */
  thresholds: Record<string, Record<string, boolean>>;
}

const Values = z.record(z.string(), z.number());
// handleSummary(data) and --summary-export in k6 < 1.0 and in 1.x without --new-machine-readable-summary.
const LegacyHandle = z.object({
  metrics: z.record(
    z.string(),
    z.object({
      type: z.string(),
      values: Values,
      thresholds: z.record(z.string(), z.object({ ok: z.boolean() })).optional(),
    }),
  ),
  state: z.object({ testRunDurationMs: z.number() }).partial().optional(),
});
const LegacyExport = z.object({
  metrics: z.record(z.string(), z.record(z.string(), z.union([z.number(), z.record(z.string(), z.boolean())]))),
  root_group: z.unknown(),
});
// The versioned machine-readable summary (k6 1.x `--new-machine-readable-summary`).
const V1 = z.object({
  version: z.string(),
  metadata: z.object({ k6_version: z.string() }).partial().optional(),
  config: z.object({ duration: z.number() }).partial().optional(),
  results: z.object({
    metrics: z.array(z.object({ name: z.string(), type: z.string(), values: Values })),
    checks: z
      .object({
        metrics: z.array(z.object({ name: z.string(), values: Values })),
        results: z.array(z.object({ name: z.string(), passes: z.number(), fails: z.number() })).optional(),
      })
      .optional(),
  }),
});

export class SummaryShapeError extends Error {
  override name = 'SummaryShapeError';
}

function durationAggregates(values: Record<string, number>): Record<string, number> {
  // v1 names percentiles p90/p95; legacy names them p(90)/p(95). gonogo uses the threshold spelling.
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [/^p\d/.test(k) ? `p(${k.slice(1)})` : k, v]));
}

export function parseK6Summary(data: unknown): K6Summary {
  const v1 = V1.safeParse(data);
  if (v1.success) {
    const m = new Map(v1.data.results.metrics.map((x) => [x.name, x.values]));
    const checks = v1.data.results.checks;
    const passes = checks?.results?.reduce((s, c) => s + c.passes, 0);
    const fails = checks?.results?.reduce((s, c) => s + c.fails, 0);
    const duration = m.get('http_req_duration');
    return {
      shape: 'v1',
      k6Version: v1.data.metadata?.k6_version,
      durationS: v1.data.config?.duration,
      requests: m.get('http_reqs')?.count,
      failedRate: m.get('http_req_failed')?.rate,
      iterations: m.get('iterations')?.count ?? 0,
      checks: passes !== undefined && fails !== undefined ? { passes, fails } : undefined,
      duration: duration ? durationAggregates(duration) : undefined,
      thresholds: {},
    };
  }
  const legacy = LegacyHandle.safeParse(data);
  if (legacy.success) {
    const m = legacy.data.metrics;
    const thresholds: K6Summary['thresholds'] = {};
    for (const [name, x] of Object.entries(m)) {
      if (x.thresholds) thresholds[name] = Object.fromEntries(Object.entries(x.thresholds).map(([e, r]) => [e, r.ok]));
    }
    const checks = m.checks?.values;
    const ms = legacy.data.state?.testRunDurationMs;
    return {
      shape: 'legacy',
      durationS: ms === undefined ? undefined : ms / 1000,
      requests: m.http_reqs?.values.count,
      failedRate: m.http_req_failed?.values.rate,
      iterations: m.iterations?.values.count ?? 0,
      checks: checks ? { passes: checks.passes ?? 0, fails: checks.fails ?? 0 } : undefined,
      duration: m.http_req_duration ? durationAggregates(m.http_req_duration.values) : undefined,
      thresholds,
    };
  }
  const exp = LegacyExport.safeParse(data);
  if (exp.success) {
    const num = (metric: string, key: string): number | undefined => {
      const v = exp.data.metrics[metric]?.[key];
      return typeof v === 'number' ? v : undefined;
    };
    const thresholds: K6Summary['thresholds'] = {};
    const duration: Record<string, number> = {};
    for (const [name, x] of Object.entries(exp.data.metrics)) {
      // In this shape a threshold maps to true when it was CROSSED (k6's historical inversion).
      if (typeof x.thresholds === 'object')
        thresholds[name] = Object.fromEntries(Object.entries(x.thresholds).map(([e, crossed]) => [e, !crossed]));
      if (name === 'http_req_duration')
        for (const [k, v] of Object.entries(x)) if (typeof v === 'number') duration[k] = v;
    }
    const passes = num('checks', 'passes');
    const fails = num('checks', 'fails');
    return {
      shape: 'legacy-export',
      requests: num('http_reqs', 'count'),
      // For rate metrics this shape's `value` is the rate; passes counts the true (failed) samples.
      failedRate: num('http_req_failed', 'value'),
      iterations: num('iterations', 'count') ?? 0,
      checks: passes !== undefined && fails !== undefined ? { passes, fails } : undefined,
      duration,
      thresholds,
    };
  }
  throw new SummaryShapeError(
    'not a k6 summary: expected handleSummary data (metrics.*.values), a --summary-export file, or the versioned machine-readable summary (version, results)',
  );
}
