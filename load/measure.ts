import type { Measurement } from '../config/suite.ts';
import type { MetricKpiDef, KpiDef } from '../config/kpis.ts';
import { splitMetric, type Threshold } from '../core/threshold.ts';
import type { LoadResult } from '../core/report-schema.ts';
import { decodeHistogram, percentileMs, type Histogram } from './histogram.ts';

/** Trend aggregations, named the way thresholds name them, from an HDR histogram (ms). */
function trendValue(h: Histogram, agg: string): number | undefined {
  if (h.totalCount === 0) return undefined;
  const r = (n: number): number => Math.round(n) / 1000;
  if (agg === 'avg') return r(h.mean);
  if (agg === 'min') return r(h.minNonZeroValue);
  if (agg === 'max') return percentileMs(h, 100);
  if (agg === 'med') return percentileMs(h, 50);
  const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(agg);
  return p ? percentileMs(h, Number(p[1])) : undefined;
}

/**
 * Whether n observations back a rate claim. Zero bad events in n supports "bad rate < 3/n" at 95%
 * confidence (rule of three); anything short of that is stated, not silently accepted.
 */
export function sampleNote(
  kind: 'bad' | 'good',
  bad: number,
  n: number,
  thresholds: Threshold[],
  what: string,
): string {
  if (n === 0) return `no ${what} observed: nothing supports the claim`;
  const limit = thresholds.map((t) => (kind === 'bad' ? t.value : 1 - t.value)).reduce((a, b) => Math.min(a, b), 1);
  const bound = 3 / n;
  if (bad > 0)
    return `${bad} of ${n} ${what} ${kind === 'bad' ? 'failed' : 'did not hold'} (${((bad / n) * 100).toPrecision(3)}%)`;
  return bound <= limit
    ? `0 of ${n} ${what} failed: supports a rate below ${bound.toPrecision(2)} at 95% confidence (rule of three), within the KPI`
    : `0 of ${n} ${what} failed, but ${n} is too few to support the KPI at 95% confidence (needs at least ${Math.ceil(3 / limit)})`;
}

function histogramFor(
  result: LoadResult,
  tags: Record<string, string>,
): { h: Histogram; requests: number; errors: number } | null {
  const keys = Object.keys(tags);
  if (keys.length === 0)
    return { h: decodeHistogram(result.histogram), requests: result.requests, errors: result.errors };
  if (keys.length === 1 && keys[0] === 'name') {
    const eps = result.endpoints.filter((e) => e.name === tags.name && e.histogram);
    if (eps.length === 0) return null;
    const h = decodeHistogram(eps[0]!.histogram!);
    for (const e of eps.slice(1)) h.add(decodeHistogram(e.histogram!));
    return { h, requests: eps.reduce((s, e) => s + e.requests, 0), errors: eps.reduce((s, e) => s + e.errors, 0) };
  }
  return null;
}

/** One Measurement per load KPI metric, with every aggregation its thresholds name. */
export function measurementsFor(result: LoadResult, kpis: readonly KpiDef[]): Measurement[] {
  const byMetric = new Map<string, Threshold[]>();
  for (const k of kpis) {
    if (k.kind !== 'metric' || k.suite !== 'load') continue;
    byMetric.set(k.metric, [...(byMetric.get(k.metric) ?? []), ...(k as MetricKpiDef).thresholds]);
  }
  const out: Measurement[] = [];
  for (const [metric, thresholds] of byMetric) {
    const { base, tags } = splitMetric(metric);
    const values: Record<string, number> = {};
    const m: Measurement = { metric, values };
    if (base === 'availability') {
      const a = result.availability;
      if (a && a.polls > 0) {
        values.rate = a.ok / a.polls;
        m.samples = a.polls;
        const why =
          a.failed && a.ok < a.polls
            ? ` (${[
                ['status', 'a non-2xx status'],
                ['timeout', 'no answer within load.health.timeoutMs'],
                ['network', 'a network error'],
              ]
                .filter(([k]) => a.failed![k as keyof typeof a.failed]! > 0)
                .map(([k, w]) => `${a.failed![k as keyof typeof a.failed]} ${w}`)
                .join(', ')})`
            : '';
        m.note = `${sampleNote('good', a.polls - a.ok, a.polls, thresholds, 'health polls')}${why}; availability during this run only, one run cannot prove uptime`;
      } else m.note = 'the health route was not polled';
    } else if (base === 'checks' && Object.keys(tags).length === 0) {
      const c = result.checks;
      const n = c ? c.passes + c.fails : 0;
      if (c && n > 0) {
        values.rate = c.passes / n;
        m.samples = n;
        m.note = sampleNote('good', c.fails, n, thresholds, 'checks');
      }
    } else if (base === 'iterations') {
      if (result.iterations !== undefined) values.count = result.iterations;
    } else {
      const sel = histogramFor(result, tags);
      if (!sel) {
        m.note = `no per-request data for the filter ${metric} (gonogo keeps the name tag per endpoint)`;
      } else if (sel.requests > 0) {
        if (base === 'http_req_duration') {
          for (const t of thresholds) {
            const v = trendValue(sel.h, t.aggregation);
            if (v !== undefined) values[t.aggregation] = v;
          }
          m.samples = sel.requests;
        } else if (base === 'http_req_failed') {
          values.rate = sel.errors / sel.requests;
          m.samples = sel.requests;
          m.note = sampleNote('bad', sel.errors, sel.requests, thresholds, 'requests');
        } else if (base === 'http_reqs') {
          values.count = sel.requests;
          values.rate = result.durationS > 0 ? sel.requests / result.durationS : 0;
          m.samples = sel.requests;
        }
      } else {
        m.note = 'no requests were measured';
      }
    }
    out.push(m);
  }
  return out;
}
