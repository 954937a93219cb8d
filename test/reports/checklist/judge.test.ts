import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeChecklist } from '../../../reports/checklist/judge.ts';
import { BUILTIN_RULES, mergeRules, matchRules } from '../../../config/checklist-rules.ts';
import { claimedNumber } from '../../../reports/checklist/quantity.ts';
import { renderChecklistConsole, renderChecklistMd } from '../../../reports/checklist/render.ts';
import { ChecklistResult } from '../../../core/report-schema.ts';
import { ConfigError } from '../../../core/errors.ts';
import { main } from '../../../cli/main.ts';
import { check, makeReport } from '../compare/fixtures.ts';

const DIR = fileURLToPath(new URL('../../fixtures/checklists', import.meta.url));
const FOURTH = readdirSync(DIR)
  .sort()
  .find((f) => f.startsWith('004'))!;
const fourth = readFileSync(join(DIR, FOURTH), 'utf8');
const RATE_CLAIM = 'Rate limiting configured (100 req/min)';
const byText = (r: ChecklistResult, text: string) => r.claims.find((c) => c.text === text)!;

describe('numbers in claims', () => {
  it('reads rate limits, latencies with their percentile, percentages and lifetimes', () => {
    expect(claimedNumber('Rate limiting configured (100 req/min)', 'rate-limit')).toMatchObject({
      value: 100,
      bound: 'about',
    });
    expect(claimedNumber('limit of 5 requests per second', 'rate-limit')).toMatchObject({ value: 300 });
    expect(claimedNumber('Response time < 200ms (p95)', 'latency')).toMatchObject({
      value: 200,
      bound: 'max',
      aggregate: 'p95',
    });
    expect(claimedNumber('Average Response Time, current 0.018s, target <0.5s', 'latency')).toMatchObject({
      value: 500,
      bound: 'max',
      aggregate: 'mean',
    });
    expect(claimedNumber('API Success Rate, current 100%, target >95%', 'success-rate')).toMatchObject({
      value: 0.95,
      bound: 'min',
    });
    expect(claimedNumber('Error rate < 0.1%', 'error-rate')).toMatchObject({ value: 0.001, bound: 'max' });
    expect(claimedNumber('Token expiry configured (15 minutes)', 'token-lifetime')).toMatchObject({
      value: 900,
      bound: 'max',
    });
    expect(claimedNumber('Rate limiting functional', 'rate-limit')).toBeNull();
  });
  it('maps claims by meaning, the specific rule shadowing the general one', () => {
    const ids = (t: string) => matchRules(t, BUILTIN_RULES).map((r) => r.id);
    expect(ids('Rate limiting on login endpoint')).toEqual(['ratelimit-login']);
    expect(ids('All endpoints require authentication')).toEqual(['endpoint-auth']);
    expect(ids('API rate limiting')).toEqual(['ratelimit-api']);
    expect(ids('Confirmed mandatory escrow system cannot be bypassed')).toEqual(['escrow']);
    expect(ids('Verify email verification is enforced')).toEqual(['email-verification']);
    expect(ids('**DEBUG=False** in production settings')).toEqual(['debug-off']);
    expect(ids('No security vulnerabilities (Bandit, Safety)')).toEqual(['vulnerabilities']);
    expect(ids('Response time < 200ms (p95)')).toEqual(['latency']);
    expect(ids('Database queries optimized (100ms budget)')).toEqual([]);
  });
});

describe('judging the fourth checklist (004) against evidence', () => {
  it('"Rate limiting configured (100 req/min)" is contradicted when ratelimit.api failed and no limit was measured', () => {
    const report = makeReport({
      rateLimit: null,
      checks: {
        'ratelimit.api': check('ratelimit.api', 'fail', {
          expected: '429 after 100 requests',
          actual: 'no 429 after 150 requests',
        }),
      },
    });
    const result = judgeChecklist(FOURTH, fourth, report);
    const claim = byText(result, RATE_CLAIM);
    expect(claim).toMatchObject({
      status: 'contradicted',
      claimed: true,
      line: 30,
      section: 'Production Readiness Checklist > Pre-Deployment Verification > Security',
    });
    expect(claim.evidence).toEqual(['ratelimit.api', 'ratelimit.forwarded-for', 'kpi:ratelimit.api']);
    expect(claim.note).toContain('ratelimit.api failed: no 429 after 150 requests');
    // contradicted claims come first
    expect(result.claims[0]!.status).toBe('contradicted');
    expect(result.claims.findIndex((c) => c.status !== 'contradicted')).toBe(
      result.claims.filter((c) => c.status === 'contradicted').length,
    );
    expect(ChecklistResult.parse(result)).toEqual(result);
  });

  it('is confirmed when ratelimit.api passed with a limit of about 100 per minute', () => {
    const claim = byText(judgeChecklist(FOURTH, fourth, makeReport({ rateLimit: 98 })), RATE_CLAIM);
    expect(claim.status).toBe('confirmed');
    expect(claim.note).toContain('measured 98 requests/min');
  });

  it('is contradicted when the checks pass but the measured limit is far from the claimed one', () => {
    const report = makeReport({ rateLimit: 1000 });
    const claim = byText(judgeChecklist(FOURTH, fourth, report), RATE_CLAIM);
    expect(claim.status).toBe('contradicted');
    expect(claim.note).toContain('claims about 100 requests/min, measured 1000 requests/min');
  });

  it('compares "Response time < 200ms (p95)" with the measured p95', () => {
    expect(byText(judgeChecklist(FOURTH, fourth, makeReport({ p95: 150 })), 'Response time < 200ms (p95)').status).toBe(
      'confirmed',
    );
    const slow = byText(judgeChecklist(FOURTH, fourth, makeReport({ p95: 340 })), 'Response time < 200ms (p95)');
    expect(slow.status).toBe('contradicted');
    expect(slow.note).toContain('measured 340 ms (load p95)');
  });

  it('evidence that errored or did not run leaves a claim unverified, never confirmed', () => {
    const errored = makeReport({ checks: { 'headers.hsts': 'error' } });
    expect(byText(judgeChecklist(FOURTH, fourth, errored), 'HSTS with preload')).toMatchObject({
      status: 'unverified',
      note: 'headers.hsts errored',
    });
    const noSecurity = makeReport({ drop: ['headers.hsts'] });
    expect(byText(judgeChecklist(FOURTH, fourth, noSecurity), 'HSTS with preload').status).toBe('unverified');
    const noLoad = makeReport({ load: false });
    noLoad.kpis = noLoad.kpis.filter((k) => !k.id.startsWith('http.'));
    expect(byText(judgeChecklist(FOURTH, fourth, noLoad), 'Response time < 200ms (p95)').status).toBe('unverified');
  });

  it('claims no check covers are unverified; unticked ones are open whatever the evidence says', () => {
    const result = judgeChecklist(FOURTH, fourth, makeReport({ rateLimit: null, checks: { 'ratelimit.api': 'fail' } }));
    expect(byText(result, 'Code formatted with Black')).toMatchObject({ status: 'unverified', evidence: [] });
    expect(byText(result, 'Check rate limiting')).toMatchObject({ status: 'open', claimed: false });
    expect(byText(result, 'Check rate limiting').note).toContain('the evidence says it does not hold');
  });
});

describe('every claim, ticked or not, against the evidence', () => {
  it('an unticked item whose evidence holds is "done but not ticked"; one whose evidence fails is "open and failing"', () => {
    const holds = byText(judgeChecklist(FOURTH, fourth, makeReport({ rateLimit: 100 })), 'Check rate limiting');
    expect(holds).toMatchObject({
      status: 'open',
      claimed: false,
      evidenceVerdict: 'holds',
      finding: 'done-not-ticked',
      rules: ['ratelimit-api'],
    });
    expect(holds.note).toMatch(
      /^done but not ticked: the evidence says it holds; ratelimit\.api, ratelimit\.forwarded-for, KPI ratelimit\.api passed/,
    );
    const fails = byText(
      judgeChecklist(FOURTH, fourth, makeReport({ rateLimit: null, checks: { 'ratelimit.api': 'fail' } })),
      'Check rate limiting',
    );
    expect(fails).toMatchObject({ status: 'open', evidenceVerdict: 'fails', finding: 'open-failing' });
    expect(fails.note).toMatch(/^open and failing: the evidence says it does not hold; ratelimit\.api failed/);
  });

  it('ticked and failing stays the strongest finding; no matching evidence stays unverified or open, never inferred', () => {
    const result = judgeChecklist(FOURTH, fourth, makeReport({ rateLimit: null, checks: { 'ratelimit.api': 'fail' } }));
    expect(byText(result, RATE_CLAIM)).toMatchObject({
      status: 'contradicted',
      finding: 'claimed-failing',
      evidenceVerdict: 'fails',
    });
    expect(result.claims[0]!.finding).toBe('claimed-failing');
    expect(byText(result, 'Configure DNS records')).toMatchObject({
      status: 'open',
      evidenceVerdict: 'none',
      finding: 'open',
      evidence: [],
      rules: [],
    });
    expect(byText(result, 'Code formatted with Black')).toMatchObject({
      status: 'unverified',
      evidenceVerdict: 'none',
      finding: 'unverified',
    });
    // A rule that matches, but a run that did not produce its evidence: still no evidence, not a pass.
    const noTls = judgeChecklist(
      FOURTH,
      fourth,
      makeReport({
        drop: ['tls.certificate-chain', 'tls.certificate-hostname', 'tls.certificate-expiry', 'tls.certificate-key'],
      }),
    );
    noTls.claims.forEach((c) => {
      if (c.rules?.includes('tls-certificate') && c.evidence.length === 0) expect(c.evidenceVerdict).toBe('none');
    });
    expect(byText(noTls, 'Obtain SSL certificates')).toMatchObject({ status: 'open', finding: 'open' });
  });

  it('sub-items of a ticked settings block are judged one by one, with the unit a setting name carries', () => {
    const doc = [
      '## Hardening',
      '- ✅ Production settings:',
      '  - `DEBUG: bool = False`',
      '  - `ACCESS_TOKEN_EXPIRE_MINUTES: int = 15`',
      '  - `ENABLE_RADAR: bool = True`',
    ].join('\n');
    expect(claimedNumber('ACCESS_TOKEN_EXPIRE_MINUTES: int = 15', 'token-lifetime')).toMatchObject({
      value: 900,
      bound: 'max',
    });
    const ok = judgeChecklist('s.md', doc, makeReport());
    expect(ok.claims.map((c) => [c.text, c.finding])).toEqual([
      ['Production settings', 'unverified'],
      ['DEBUG: bool = False', 'confirmed'],
      ['ACCESS_TOKEN_EXPIRE_MINUTES: int = 15', 'confirmed'],
      ['ENABLE_RADAR: bool = True', 'unverified'],
    ]);
    const long = makeReport();
    long.kpis = long.kpis.map((k) => (k.id === 'auth.token-expiry' ? { ...k, measured: 3600 } : k));
    const claim = byText(judgeChecklist('s.md', doc, long), 'ACCESS_TOKEN_EXPIRE_MINUTES: int = 15');
    expect(claim).toMatchObject({ status: 'contradicted', finding: 'claimed-failing' });
    expect(claim.note).toContain('claims at most 900 s, measured 3600 s');
  });

  it('rules map claims only onto what the checks measure', () => {
    const ids = (t: string) => matchRules(t, BUILTIN_RULES).map((r) => r.id);
    // the document's own words, not properties of the target
    expect(ids('ALL PRODUCTION READINESS TASKS COMPLETED')).toEqual([]);
    expect(ids('Production Readiness Achieved: 96%+ Ready')).toEqual([]);
    expect(ids('Vulnerability disclosure process')).toEqual([]);
    expect(ids('Review access controls')).toEqual([]);
    expect(ids('Redis for session management')).toEqual([]);
    expect(ids('Updated backend/tests/conftest.py test user fixtures')).toEqual([]);
    expect(ids('External API monitoring and health checks')).toEqual([]);
    expect(ids('Check performance metrics hourly')).toEqual([]);
    expect(ids('DEBUG = True')).toEqual([]);
    expect(ids('Two-factor authentication (optional)')).toEqual([]);
    // what gonogo does measure
    expect(ids('Development bypasses eliminated')).toEqual(['auth-bypass']);
    expect(ids('Session management and security')).toEqual(['sessions']);
    expect(ids('Verify user registration flow works')).toEqual(['registration']);
    expect(ids('All QA credentials working correctly')).toEqual(['credentials-work']);
    expect(ids('Order processing functional')).toEqual(['order-flow']);
    // the authorization matrix: roles across the document's operations, one user's objects kept from another's
    expect(ids('RBAC across all roles')).toEqual(['rbac']);
    expect(ids('No privilege escalation between roles')).toEqual(['rbac']);
    expect(ids('Users can only access their own orders')).toEqual(['object-isolation']);
    expect(ids('Multi-tenant architecture')).toEqual(['object-isolation']);
    expect(ids('Tenant isolation review scheduled')).toEqual([]);
    expect(ids('No known CVEs in dependencies')).toEqual(['vulnerabilities']);
    expect(ids('Transaction validation and error handling')).toEqual(['transaction-validation']);
    expect(ids('Input Validation: Comprehensive Pydantic model validation')).toEqual(['input-validation']);
    expect(ids('Performance metrics acceptable')).toEqual(['performance-metrics']);
    expect(ids('Monitoring endpoints available')).toEqual(['health']);
    expect(ids('/api/internal/health/ready (readiness)')).toEqual(['health']);
    expect(ids('User authentication')).toEqual(['authentication']);
    expect(ids('Can access frontend')).toEqual(['frontend-loads']);
    expect(ids('server_tokens off')).toEqual(['server-leak']);
    // what the dependency audit reads without a lockfile: the system's own packages, an image's SBOM, pip output
    expect(ids('System packages patched (apt upgrade in the Dockerfile)')).toEqual(['vulnerabilities']);
    expect(ids('Debian packages up to date')).toEqual(['vulnerabilities']);
    expect(ids('Container image scan clean (Trivy)')).toEqual(['vulnerabilities']);
    expect(ids('pip-audit passes')).toEqual(['vulnerabilities']);
    expect(ids('Security updates applied')).toEqual(['vulnerabilities']);
    expect(ids('SBOM generated and archived')).toEqual([]);
    // a flaw elsewhere in the escrow flow says nothing about payment verification; a forged webhook does
    const doc = '- [x] Payment Verification: Eliminated mock payment verification';
    const amountFlaw = makeReport({ checks: { 'escrow.invalid-amount': 'fail' } });
    amountFlaw.kpis = amountFlaw.kpis.map((k) =>
      k.id === 'escrow.non-bypass' ? { ...k, status: 'fail' as const } : k,
    );
    expect(judgeChecklist('p.md', doc, amountFlaw).claims[0]!.finding).toBe('confirmed');
    expect(
      judgeChecklist('p.md', doc, makeReport({ checks: { 'escrow.webhook-bad-signature': 'fail' } })).claims[0]!
        .finding,
    ).toBe('claimed-failing');
    // every rule names evidence gonogo produces: a check in the catalogue (or its area) or a default KPI
    const report = makeReport();
    for (const rule of BUILTIN_RULES) {
      for (const c of rule.checks)
        expect(
          report.checks.some((x) => (c.endsWith('.*') ? x.id.startsWith(c.slice(0, -1)) : x.id === c)),
          `${rule.id}: ${c}`,
        ).toBe(true);
    }
  });
});

describe('rules from config', () => {
  it('team rules come first and replace a built-in with the same id; bad patterns are config errors', () => {
    const rules = mergeRules(BUILTIN_RULES, [
      { id: 'csrf', match: ['csrf'], checks: ['headers.cookies'] },
      { id: 'debug-off', match: ['DJANGO_DEBUG'], checks: ['config.debug-off'] },
    ]);
    expect(rules[0]!.id).toBe('csrf');
    expect(rules.filter((r) => r.id === 'debug-off')).toHaveLength(1);
    const result = judgeChecklist('x.md', '- [x] CSRF protection enabled\n- [x] DEBUG off', makeReport(), rules);
    expect(result.claims.map((c) => c.status)).toEqual(['confirmed', 'unverified']);
    expect(() => mergeRules(BUILTIN_RULES, [{ id: 'bad', match: ['(unclosed'], checks: ['x.y'] }])).toThrow(
      ConfigError,
    );
  });
});

describe('renderers and the command', () => {
  const report = makeReport({ rateLimit: null, checks: { 'ratelimit.api': 'fail' } });
  const result = judgeChecklist(FOURTH, fourth, report);

  it('Markdown and console put contradicted claims first', () => {
    const md = renderChecklistMd(result);
    expect(md.indexOf('Contradicted')).toBeLessThan(md.indexOf('Unverified'));
    expect(md).toContain(`| 30 | ${RATE_CLAIM} |`);
    const con = renderChecklistConsole(result);
    expect(con.split('\n')[1]).toMatch(/^ {2}evidence coverage: \d+ of 171 claims have evidence/);
    expect(con.split('\n')[2]).toContain('CONTRADICTED line 30: Rate limiting configured (100 req/min)');
  });

  it('gonogo checklist exits 1 on a contradicted claim, 0 without, 2 on a corrupt report or missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-checklist-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(report));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(makeReport()));
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"schemaVersion":1,');
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (s: string) => {
        out.push(s);
      },
      err: (s: string) => {
        err.push(s);
      },
    };
    const doc = join(DIR, FOURTH);
    expect(await main(['checklist', doc, '--report', bad], io)).toBe(1);
    expect(out.join('')).toContain('CONTRADICTED line 30');
    expect(await main(['checklist', doc, '--report', good, '--format', 'json'], io)).toBe(0);
    expect(JSON.parse(out[out.length - 1]!)[0].file).toBe(doc);
    expect(await main(['checklist', doc, '--report', corrupt], io)).toBe(2);
    expect(err.join('')).toMatch(/not valid JSON/);
    expect(await main(['checklist', join(dir, 'missing.md'), '--report', good], io)).toBe(2);
    expect(await main(['checklist', doc], io)).toBe(2);
  });

  it("gonogo checklist --config applies the config's checklist rules, without reading its secrets", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-checklist-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(makeReport()));
    const cfg = join(dir, 'gonogo.config.ts');
    writeFileSync(
      cfg,
      `export default {
  target: { baseUrl: 'https://127.0.0.1:8443' },
  smoke: { accounts: [{ role: 'client', email: 'c@x.test', passwordEnv: 'GONOGO_NEVER_SET_IN_THIS_TEST' }] },
  checklist: { rules: [{ id: 'csrf', match: ['csrf protection'], checks: ['headers.cookies'] }] },
};\n`,
    );
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (s: string) => {
        out.push(s);
      },
      err: (s: string) => {
        err.push(s);
      },
    };
    const doc = join(DIR, FOURTH);
    const csrf = () =>
      (JSON.parse(out[out.length - 1]!) as ChecklistResult[])[0]!.claims.find(
        (c) => c.text === 'CSRF protection enabled',
      )!;
    expect(await main(['checklist', doc, '--report', good, '--format', 'json'], io)).toBe(0);
    // The built-in rule maps the claim to the csrf checks; the config's rule of the same id replaces it.
    expect(csrf()).toMatchObject({
      status: 'confirmed',
      rules: ['csrf'],
      evidence: ['csrf.token-required', 'csrf.token-bound', 'csrf.origin-checked'],
    });
    expect(
      await main(['checklist', doc, '--report', good, '--format', 'json', '--config', cfg], io),
      err.join(''),
    ).toBe(0);
    expect(csrf()).toMatchObject({ status: 'confirmed', rules: ['csrf'], evidence: ['headers.cookies'] });
    const bad = join(dir, 'bad.config.ts');
    writeFileSync(
      bad,
      `export default { target: { baseUrl: 'https://127.0.0.1:8443' }, checklist: { rules: [{ id: 'x', match: ['(unclosed'], checks: ['headers.cookies'] }] } };\n`,
    );
    expect(await main(['checklist', doc, '--report', good, '--config', bad], io)).toBe(2);
    expect(err.join('')).toContain('checklist.rules[0].match[0]');
    // run --checklist finds the bad rule before any suite starts, and writes nothing
    err.length = 0;
    expect(
      await main(['run', '--config', bad, '--suite', 'security', '--checklist', doc, '--out', join(dir, 'out')], io),
    ).toBe(2);
    expect(err.join('')).toContain(`Config error in ${bad}: checklist.rules[0].match[0]: Invalid regular expression`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  }, 60_000);
});
