import { describe, expect, it } from 'vitest';
import { anchorId, collapseExchanges, renderHtml } from '../../reports/html/report.ts';
import { latencyThresholds } from '../../reports/html/charts.ts';
import { check, kpi, report } from '../helpers/report.ts';

const hrefs = (html: string) =>
  [...html.matchAll(/<ol id="blocking">(.*?)<\/ol>/gs)].flatMap((m) =>
    [...m[1]!.matchAll(/href="#([^"]+)"/g)].map((x) => x[1]),
  );

describe('report.html anchors and links', () => {
  it('anchors are readable for ordinary ids and never shared by two ids', () => {
    expect(anchorId('check', 'auth.login-roles')).toBe('check-auth_login-roles');
    expect(anchorId('kpi', 'http.p95')).toBe('kpi-http_p95');
    const ids = ['a.b', 'a_b', 'a-b', 'a b', 'a.b.c', 'a.b_c', 'A.B'];
    expect(new Set(ids.map((id) => anchorId('kpi', id))).size).toBe(ids.length);
    for (const id of ids) expect(anchorId('kpi', id)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('each blocking reason links to the check or KPI it names; a KPI sharing its id with a check links to the KPI', () => {
    const r = report({
      checks: [check('auth.token-expiry', 'fail'), check('tls.protocols', 'error')],
      kpis: [
        kpi('auth.token-expiry', 'fail', { threshold: 'auth_access_token_lifetime_s: value<=900', measured: 86400 }),
      ],
      verdict: {
        decision: 'NO-GO',
        complete: false,
        reasons: [
          'blocker auth.token-expiry failed: Access tokens expire',
          'blocker tls.protocols could not be checked (error): TLS protocols',
          'KPI auth.token-expiry failed: auth_access_token_lifetime_s: value<=900, measured 86400',
          'the smoke suite could not finish: crashed',
          'not run: load (the report is incomplete)',
        ],
      },
    });
    const html = renderHtml(r);
    expect(hrefs(html)).toEqual(['check-auth_token-expiry', 'check-tls_protocols', 'kpi-auth_token-expiry']);
    for (const id of hrefs(html)) expect(html).toContain(`id="${id}"`);
    // the crash is blocking without a target; "not run" is not blocking and sits apart
    expect(html).toMatch(/<ol id="blocking">.*<li>the smoke suite could not finish: crashed<\/li><\/ol>/s);
    expect(html).toMatch(/<ul id="notes"><li>not run: load/);
  });
});

describe('exchanges', () => {
  it('consecutive identical exchanges collapse with a count; a different body, status or role starts a new one', () => {
    const q = (status: number, excerpt = 'ok', role: 'control' | 'probe' = 'probe') => ({
      method: 'GET',
      url: 'https://t/api',
      status,
      excerpt,
      role,
    });
    const c = collapseExchanges([
      q(200),
      q(200),
      q(200),
      q(200, 'other'),
      q(429),
      q(429),
      q(200),
      q(200, 'ok', 'control'),
    ]);
    expect(c.map((x) => [x.exchange.status, x.exchange.excerpt, x.exchange.role, x.count])).toEqual([
      [200, 'ok', 'probe', 3],
      [200, 'other', 'probe', 1],
      [429, 'ok', 'probe', 2],
      [200, 'ok', 'probe', 1],
      [200, 'ok', 'control', 1],
    ]);
  });
});

describe('threshold lines', () => {
  it('come from whole-run latency percentile KPIs only', () => {
    const lines = latencyThresholds([
      kpi('http.p95', 'pass', { metric: 'http_req_duration', threshold: 'http_req_duration: p(95)<200' }),
      kpi('http.both', 'pass', { metric: 'http_req_duration', threshold: 'http_req_duration: p(99)<2000 and avg<500' }),
      kpi('login.p95', 'pass', {
        metric: 'http_req_duration{name:login}',
        threshold: 'http_req_duration{name:login}: p(95)<300',
      }),
      kpi('health', 'pass', { metric: 'health_latency_ms', threshold: 'health_latency_ms: p(95)<100' }),
      kpi('http.errors', 'pass', { metric: 'http_req_failed', threshold: 'http_req_failed: rate<0.001' }),
    ]);
    expect(lines).toEqual([
      { label: 'http.p95: p(95) < 200 ms', percentile: 95, ms: 200 },
      { label: 'http.both: p(99) < 2000 ms', percentile: 99, ms: 2000 },
    ]);
  });
});
