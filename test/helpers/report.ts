import type { CheckResult, KpiResult, Report } from '../../core/report-schema.ts';
import { catalogueEntry, areaOf, AREA_SUITE } from '../../core/catalogue.ts';

/** A check result as a suite would produce it, title and level from the catalogue. */
export function check(id: string, status: CheckResult['status'], over: Partial<CheckResult> = {}): CheckResult {
  const entry = catalogueEntry(id);
  const area = areaOf(id);
  return {
    id,
    suite: AREA_SUITE[area],
    area,
    title: entry?.title ?? id,
    status,
    level: entry?.level ?? 'blocker',
    evidence: { message: `${id} ${status}` },
    durationMs: 12,
    ...over,
  };
}

export function kpi(id: string, status: KpiResult['status'], over: Partial<KpiResult> = {}): KpiResult {
  return {
    id,
    description: id,
    threshold: 'http_req_duration: p(95)<200',
    measured: status === 'not-measured' ? null : 150,
    status,
    source: 'test',
    suite: 'load',
    ...over,
  };
}

/** A small but complete, schema-valid report with fixed timestamps (for snapshots). */
export function report(over: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'gonogo', version: '0.1.0' },
    run: {
      id: '20261122T030000Z-abc123',
      label: 'v1.4.0',
      startedAt: '2026-11-22T03:00:00.000Z',
      finishedAt: '2026-11-22T03:05:30.000Z',
      target: { baseUrl: 'https://127.0.0.1:8443' },
      suites: ['smoke', 'security', 'load'],
      engine: 'k6',
      loadProfile: { vus: 50, duration: '5m' },
      provenance: { node: 'v20.20.2', kpiFileSha256: 'f'.repeat(64) },
    },
    verdict: {
      decision: 'NO-GO',
      complete: true,
      reasons: [
        'blocker escrow.webhook-bad-signature failed: A webhook with a bad signature is rejected and changes nothing',
      ],
    },
    kpis: [
      kpi('http.p95', 'pass', { measured: 87.5 }),
      kpi('http.errors', 'fail', { threshold: 'http_req_failed: rate<0.001', measured: 0.004 }),
    ],
    checks: [
      check('auth.login-roles', 'pass'),
      check('escrow.webhook-bad-signature', 'fail', {
        evidence: {
          message: 'unsigned webhook funded the order',
          requests: [
            {
              method: 'POST',
              url: 'https://127.0.0.1:8443/api/webhooks/stripe',
              status: 200,
              excerpt: '{"received":true}',
            },
          ],
        },
      }),
      check('headers.sri', 'fail'),
      check('browser.cookies', 'skip', { evidence: { message: 'no Chromium at /usr/bin/chromium' } }),
      check('tls.protocols', 'error', { evidence: { message: 'handshake <failed> & "refused"' } }),
    ],
    ...over,
  };
}
