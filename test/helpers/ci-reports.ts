import { CATALOGUE } from '../../core/catalogue.ts';
import type { CheckResult, KpiResult, Report } from '../../core/report-schema.ts';
import { check, kpi, report } from './report.ts';

/** Reports of a team's own platform, as CI would run gonogo from the repository root `/repo`. */
export const WORK_DIR = '/repo';
const provenance = {
  node: 'v20.20.2',
  kpiFileSha256: 'f'.repeat(64),
  configFile: '/repo/gonogo.config.ts',
  kpiFile: '/repo/ops/kpis.yaml',
  workDir: WORK_DIR,
};
const ids = Object.keys(CATALOGUE);

const lockfiles = (status: 'pass' | 'fail'): CheckResult['evidence'] => ({
  expected: 'no critical or high advisory in any audited lockfile',
  actual:
    status === 'fail'
      ? '0 critical, 1 high (12 packages in 2 lockfiles)'
      : '0 critical, 0 high (12 packages in 2 lockfiles)',
  ...(status === 'fail'
    ? {
        message:
          'GHSA-35jh-r3h4-6jhm (high 7.2) lodash@4.17.20 direct in /repo/web app/[legacy]/package-lock.json; fixed in 4.17.21',
      }
    : {}),
  details: {
    lockfiles: [
      { file: '/repo/package-lock.json', format: 'package-lock-v3', packages: 7 },
      { file: '/repo/web app/[legacy]/package-lock.json', format: 'package-lock-v3', packages: 5 },
    ],
    findings:
      status === 'fail'
        ? [
            'GHSA-35jh-r3h4-6jhm (high 7.2) lodash@4.17.20 direct in /repo/web app/[legacy]/package-lock.json; fixed in 4.17.21',
          ]
        : [],
  },
});

function kpis(status: (id: string) => KpiResult['status']): KpiResult[] {
  return [
    kpi('http.p95', status('http.p95'), {
      metric: 'http_req_duration',
      measured: status('http.p95') === 'not-measured' ? null : status('http.p95') === 'fail' ? 312 : 87.5,
      line: 12,
    }),
    kpi('http.errors', status('http.errors'), {
      threshold: 'http_req_failed: rate<0.001',
      metric: 'http_req_failed',
      measured: status('http.errors') === 'not-measured' ? null : 0.0002,
      line: 18,
    }),
    kpi('escrow.non-bypass', status('escrow.non-bypass'), {
      threshold: 'all of escrow.* pass',
      suite: 'smoke',
      measured: status('escrow.non-bypass') === 'not-measured' ? null : 1,
      line: 24,
    }),
  ].map((k) => (k.status === 'not-measured' ? { ...k, note: 'could not run: every check in error' } : k));
}

export function goReport(): Report {
  return report({
    run: { ...report().run, provenance },
    verdict: { decision: 'GO', complete: true, reasons: [] },
    checks: ids.map((id) =>
      id === 'deps.advisories' ? check(id, 'pass', { evidence: lockfiles('pass') }) : check(id, 'pass'),
    ),
    kpis: kpis(() => 'pass'),
  });
}

export function noGoReport(): Report {
  const checks = ids.map((id): CheckResult => {
    switch (id) {
      case 'deps.advisories':
        return check(id, 'fail', { evidence: lockfiles('fail') });
      case 'email.token-not-exposed':
        return check(id, 'fail', {
          evidence: {
            message: 'the token came back in the registration response',
            requests: [
              { method: 'GET', url: 'https://staging.example.com/api/auth/verify-email?token=[redacted]', status: 200 },
            ],
          },
        });
      case 'escrow.webhook-bad-signature':
        return check(id, 'fail', {
          evidence: { message: 'a webhook signed with the wrong secret answered 200', actual: 'order "funded"' },
        });
      case 'headers.csp':
        return check(id, 'fail', {
          waiver: { reason: 'CSP rollout tracked in SEC-142', owner: 'alice@example.com', expires: '2099-12-31' },
        });
      case 'config.docs-hidden':
        return check(id, 'fail', { evidence: { message: 'API documentation is public at /docs' } });
      case 'tls.protocols':
        return check(id, 'error', { evidence: { message: 'connect ECONNREFUSED 127.0.0.1:8443' } });
      case 'headers.grade':
        return check(id, 'warn', { evidence: { message: 'grade B+ on /login' } });
      case 'browser.cookies':
        return check(id, 'skip', { evidence: { message: 'no Chromium at /usr/bin/chromium' } });
      default:
        return check(id, 'pass');
    }
  });
  return report({
    run: { ...report().run, target: { baseUrl: 'https://staging.example.com' }, provenance },
    verdict: { decision: 'NO-GO', complete: true, reasons: ['blocker deps.advisories failed', 'KPI http.p95 failed'] },
    checks,
    kpis: kpis((id) => (id === 'http.p95' ? 'fail' : 'pass')),
  });
}

/** Every check could not run (target down): the verdict is NO-GO and the SARIF must say why, not look clean. */
export function allErrorReport(): Report {
  return report({
    run: { ...report().run, provenance },
    verdict: { decision: 'NO-GO', complete: true, reasons: ids.map((id) => `blocker ${id} errored`) },
    checks: ids.map((id) =>
      check(id, 'error', { evidence: { message: `connect ECONNREFUSED 127.0.0.1:8443 (${id})` } }),
    ),
    kpis: kpis(() => 'not-measured'),
  });
}
