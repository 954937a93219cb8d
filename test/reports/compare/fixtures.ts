import * as hdr from 'hdr-histogram-js';
import { CATALOGUE, AREA_SUITE, areaOf } from '../../../core/catalogue.ts';
import { Report, type CheckResult, type KpiResult, type CheckStatus } from '../../../core/report-schema.ts';

/** A histogram of `n` latencies spread around `centerMs`, encoded the way the load engines store it (microseconds). */
export function histogramOf(centerMs: number, n = 2000): string {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (let i = 0; i < n; i++) h.recordValue(Math.round(centerMs * 1000 * (0.5 + (i % 100) / 80)));
  return hdr.encodeIntoCompressedBase64(h);
}

export function check(id: string, status: CheckStatus = 'pass', evidence: CheckResult['evidence'] = {}): CheckResult {
  const entry = (CATALOGUE as Record<string, { level: 'blocker' | 'warn'; title: string }>)[id];
  const area = areaOf(id);
  return {
    id,
    suite: AREA_SUITE[area],
    area,
    title: entry?.title ?? id,
    status,
    level: entry?.level ?? 'blocker',
    evidence,
    durationMs: 12,
  };
}

const kpi = (
  id: string,
  metric: string | undefined,
  threshold: string,
  measured: number | null,
  status: KpiResult['status'] = 'pass',
): KpiResult => ({ id, description: id, threshold, measured, status, source: 'test', ...(metric ? { metric } : {}) });

export interface ReportOptions {
  label?: string;
  p95?: number;
  errorRate?: number;
  rateLimit?: number | null;
  checks?: Record<string, CheckStatus | CheckResult>;
  drop?: string[];
  engine?: string;
  vus?: number;
  kpiSha?: string;
  baseUrl?: string;
  load?: boolean;
  startedAt?: string;
  highAdvisories?: number;
}

/** A complete, schema-valid report: every catalogue check passes unless overridden. */
export function makeReport(o: ReportOptions = {}): Report {
  const p95 = o.p95 ?? 120;
  const errorRate = o.errorRate ?? 0;
  const rateLimit = o.rateLimit === undefined ? 100 : o.rateLimit;
  const checks = Object.keys(CATALOGUE)
    .filter((id) => !(o.drop ?? []).includes(id))
    .map((id) => {
      const ov = o.checks?.[id];
      if (ov && typeof ov === 'object') return ov;
      return check(
        id,
        ov ?? 'pass',
        id === 'ratelimit.api' && rateLimit !== null ? { details: { limit: rateLimit, windowS: 60 } } : {},
      );
    });
  for (const [id, ov] of Object.entries(o.checks ?? {})) {
    if (!checks.some((c) => c.id === id)) checks.push(typeof ov === 'object' ? ov : check(id, ov));
  }
  const rlOk = rateLimit !== null && rateLimit >= 90 && rateLimit <= 110;
  const kpis: KpiResult[] = [
    kpi('http.p95', 'http_req_duration', 'http_req_duration: p(95)<200', p95, p95 < 200 ? 'pass' : 'fail'),
    kpi('http.mean', 'http_req_duration', 'http_req_duration: avg<500', p95 / 2),
    kpi('http.p99', 'http_req_duration', 'http_req_duration: p(99)<2000', p95 * 1.5),
    kpi(
      'http.errors',
      'http_req_failed',
      'http_req_failed: rate<0.001',
      errorRate,
      errorRate < 0.001 ? 'pass' : 'fail',
    ),
    kpi('checks.success', 'checks', 'checks: rate>0.99', 1),
    kpi(
      'ratelimit.api',
      'ratelimit_api_limit',
      'ratelimit_api_limit: value>=90 and value<=110',
      rateLimit,
      rlOk ? 'pass' : 'fail',
    ),
    kpi('auth.token-expiry', 'auth_access_token_lifetime_s', 'auth_access_token_lifetime_s: value<=900', 900),
    kpi(
      'escrow.non-bypass',
      undefined,
      'all of escrow.* pass',
      null,
      checks.some((c) => c.area === 'escrow' && c.status === 'fail') ? 'fail' : 'pass',
    ),
    kpi('tls.protocols', 'tls_weak_protocols', 'tls_weak_protocols: count==0', 0),
    kpi(
      'deps.high',
      'deps_vulns_high',
      'deps_vulns_high: count==0',
      o.highAdvisories ?? 0,
      (o.highAdvisories ?? 0) > 0 ? 'fail' : 'pass',
    ),
  ];
  const withLoad = o.load ?? true;
  const started = o.startedAt ?? '2025-01-10T10:00:00.000Z';
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'gonogo', version: '0.1.0' },
    run: {
      id: `run-${o.label ?? 'x'}`,
      label: o.label ?? null,
      startedAt: started,
      finishedAt: started.replace('10:00', '10:06'),
      target: { baseUrl: o.baseUrl ?? 'https://127.0.0.1:8443' },
      suites: ['smoke', 'security', 'load'],
      engine: o.engine ?? 'k6',
      loadProfile: { vus: o.vus ?? 50, duration: '5m' },
      provenance: { node: 'v20', kpiFileSha256: o.kpiSha ?? 'a'.repeat(64) },
    },
    verdict: { decision: 'GO', complete: true, reasons: [] },
    kpis,
    checks,
    ...(withLoad
      ? {
          load: {
            engine: o.engine ?? 'k6',
            vus: o.vus ?? 50,
            durationS: 300,
            requests: 30000,
            rps: 100,
            errorRate,
            errors: Math.round(errorRate * 30000),
            latencyMs: { mean: p95 / 2, p50: p95 / 2.2, p90: p95 * 0.9, p95, p99: p95 * 1.5, max: p95 * 3 },
            histogram: histogramOf(p95 / 2),
            endpoints: [
              {
                name: 'login',
                method: 'POST',
                requests: 30000,
                errors: 0,
                latencyMs: { mean: p95 / 2, p50: p95 / 2.2, p90: p95 * 0.9, p95, p99: p95 * 1.5, max: p95 * 3 },
              },
            ],
            timeline: Array.from({ length: 30 }, (_, t) => ({
              t: t * 10,
              rps: 95 + (t % 5),
              p95: p95 + (t % 7),
              errors: 0,
            })),
            checks: { passes: 1000, fails: 0 },
            availability: { polls: 300, ok: 300, url: 'https://127.0.0.1:8443/health' },
          },
        }
      : {}),
  };
  return Report.parse(report);
}
