import { describe, expect, it } from 'vitest';
import { decide, reasonKind, type VerdictInput } from '../../reports/verdict.ts';
import { applyNotApplicable } from '../../reports/skip.ts';
import { evaluateKpis, applyCheckWaivers } from '../../reports/kpi-eval.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { check, kpi } from '../helpers/report.ts';

const all = ['smoke', 'security', 'load'] as const;
const base: VerdictInput = {
  checks: [],
  kpis: [],
  selected: [...all],
  suiteErrors: [],
  interrupted: false,
  regressions: [],
  waivers: [],
  today: '2026-11-22',
};
const go = (over: Partial<VerdictInput>) => decide({ ...base, ...over });

describe('the verdict (the rules in README.md, The report)', () => {
  it('is GO and complete when every check and KPI passes and all suites ran', () => {
    expect(go({ checks: [check('auth.rbac', 'pass')], kpis: [kpi('http.p95', 'pass')] })).toEqual({
      decision: 'GO',
      complete: true,
      reasons: [],
    });
  });

  it('is NO-GO when a blocker check fails', () => {
    const v = go({ checks: [check('auth.rbac', 'pass'), check('escrow.replay-funds-once', 'fail')] });
    expect(v.decision).toBe('NO-GO');
    expect(v.reasons).toEqual(['blocker escrow.replay-funds-once failed: A replayed payment event funds once']);
  });

  it('is NO-GO when a blocker check errors: a check that could not run is not a pass', () => {
    expect(go({ checks: [check('tls.protocols', 'error')] }).decision).toBe('NO-GO');
  });

  it('stays GO when only a warn-level check fails', () => {
    expect(go({ checks: [check('headers.sri', 'fail')] }).decision).toBe('GO');
  });

  it('is NO-GO when a KPI fails', () => {
    const v = go({ kpis: [kpi('http.p95', 'fail', { measured: 340 })] });
    expect(v).toMatchObject({
      decision: 'NO-GO',
      reasons: ['KPI http.p95 failed: http_req_duration: p(95)<200, measured 340'],
    });
  });

  it('is NO-GO when a KPI of a selected suite could not be measured', () => {
    expect(go({ kpis: [kpi('http.p95', 'not-measured')] }).decision).toBe('NO-GO');
  });

  it('marks the report incomplete, not NO-GO, for suites that were not selected, and names them', () => {
    const v = go({ selected: ['smoke'], kpis: [kpi('http.p95', 'not-measured', { suite: 'load' })] });
    expect(v).toEqual({
      decision: 'GO',
      complete: false,
      reasons: ['not run: security, load (the report is incomplete)'],
    });
  });

  it('marks skipped blockers as incomplete; a skip without a kind (an older report) could not run', () => {
    expect(go({ checks: [check('browser.cookies', 'skip')] })).toMatchObject({
      decision: 'GO',
      complete: false,
      reasons: ['skipped blockers (could not run): browser.cookies'],
    });
  });

  describe('skips by kind', () => {
    const na = (id: string, source: 'declared' | 'detected', reason = 'API only: the platform serves no pages') =>
      check(id, 'skip', { skip: { kind: 'not-applicable', reason, source } });
    const skipped = (id: string, kind: 'not-configured' | 'could-not-run', reason: string) =>
      check(id, 'skip', { skip: { kind, reason } });

    it('is complete when the only gaps are not-applicable blockers, each named with its reason among the notes', () => {
      const v = go({
        checks: [
          check('auth.rbac', 'pass'),
          na('browser.login-page', 'declared'),
          na('tls.redirect', 'detected', 'nothing listens on 127.0.0.1:80'),
        ],
      });
      expect(v).toEqual({
        decision: 'GO',
        complete: true,
        reasons: [
          'not applicable: browser.login-page (declared): API only: the platform serves no pages',
          'not applicable: tls.redirect (detected): nothing listens on 127.0.0.1:80',
        ],
      });
      expect(v.reasons.map(reasonKind)).toEqual(['note', 'note']);
    });

    it('keeps it incomplete for not-configured and could-not-run blockers, each kind named', () => {
      const v = go({
        checks: [
          na('browser.login-page', 'declared'),
          skipped('auth.openapi-sweep', 'not-configured', 'no OpenAPI document configured (smoke.openapi)'),
          skipped('auth.refresh-rotation', 'not-configured', 'no refresh token mapping'),
          skipped('browser.cookies', 'could-not-run', 'no browser at /usr/bin/chromium'),
        ],
      });
      expect(v.complete).toBe(false);
      expect(v.decision).toBe('GO');
      expect(v.reasons.filter((r) => reasonKind(r) === 'incomplete')).toEqual([
        'skipped blockers (not configured): auth.openapi-sweep, auth.refresh-rotation',
        'skipped blockers (could not run): browser.cookies',
      ]);
    });

    it('leaves warn-level skips out of completeness, whatever their kind', () => {
      expect(go({ checks: [skipped('headers.sri', 'could-not-run', 'no page to read')] })).toEqual({
        decision: 'GO',
        complete: true,
        reasons: [],
      });
    });

    it('never lets a declaration hide a failure or an error: the check that ran is NO-GO and the reason names the declaration', () => {
      const notApplicable = { 'browser.login-page': 'API only', 'tls.protocols': 'behind a TLS terminator' };
      const v = go({ notApplicable, checks: [check('browser.login-page', 'fail'), check('tls.protocols', 'error')] });
      expect(v.decision).toBe('NO-GO');
      expect(v.reasons).toEqual([
        'blocker browser.login-page failed: The login page loads over HTTPS without console errors, CSP violations or mixed content (declared not applicable: "API only", yet it ran: a declaration explains a skip, never a failure or an error; switch the check\'s feature off in the config so it skips, or fix what it found)',
        'blocker tls.protocols could not be checked (error): Only TLS 1.2 and 1.3 are accepted (declared not applicable: "behind a TLS terminator", yet it ran: a declaration explains a skip, never a failure or an error; switch the check\'s feature off in the config so it skips, or fix what it found)',
      ]);
    });

    it('notes a declared check that ran and passed, so the stale declaration can go', () => {
      const v = go({
        notApplicable: { 'auth.refresh-rotation': 'no refresh tokens' },
        checks: [check('auth.refresh-rotation', 'pass')],
      });
      expect(v).toEqual({
        decision: 'GO',
        complete: true,
        reasons: ['declared not applicable but it ran: auth.refresh-rotation passed; remove it from notApplicable'],
      });
    });
  });

  describe('applyNotApplicable (the config declarations)', () => {
    const declared = { 'browser.login-page': 'API only: no pages', 'auth.rbac': 'one role only' };

    it("turns a declared check's skip of any kind into not-applicable with the team's reason, keeping the check's own", () => {
      const [page, other] = applyNotApplicable(
        [
          check('browser.login-page', 'skip', {
            skip: { kind: 'could-not-run', reason: 'no browser at /usr/bin/chromium' },
            evidence: { message: 'no browser at /usr/bin/chromium' },
          }),
          check('browser.cookies', 'skip', {
            skip: { kind: 'could-not-run', reason: 'no browser at /usr/bin/chromium' },
          }),
        ],
        declared,
      );
      expect(page).toMatchObject({
        status: 'skip',
        skip: { kind: 'not-applicable', reason: 'API only: no pages', source: 'declared' },
        evidence: { message: 'no browser at /usr/bin/chromium' },
      });
      expect(other!.skip).toEqual({ kind: 'could-not-run', reason: 'no browser at /usr/bin/chromium' });
    });

    it('leaves a declared check that ran exactly as it ran', () => {
      const ran = [check('browser.login-page', 'fail'), check('auth.rbac', 'pass')];
      expect(applyNotApplicable(ran, declared)).toEqual(ran);
    });
  });

  it('marks a blocker that ended warn (it covered only part of its claim) as incomplete, naming it: never a silent GO', () => {
    expect(go({ checks: [check('auth.no-demo-accounts', 'warn')] })).toMatchObject({
      decision: 'GO',
      complete: false,
      reasons: ['blockers that covered only part of their claim (warn): auth.no-demo-accounts'],
    });
    expect(go({ checks: [check('headers.sri', 'warn')] })).toEqual({ decision: 'GO', complete: true, reasons: [] });
  });

  it('is never GO for an interrupted run or a crashed suite', () => {
    expect(go({ interrupted: true })).toMatchObject({ decision: 'NO-GO', complete: false });
    expect(go({ suiteErrors: [{ suite: 'load', message: 'k6 exited with 107' }] })).toMatchObject({
      decision: 'NO-GO',
      complete: false,
      reasons: ['the load suite could not finish: k6 exited with 107'],
    });
  });

  it('is NO-GO on a baseline regression beyond tolerance', () => {
    expect(go({ regressions: ['http.p95 rose from 80 to 120 ms (+50%, tolerance 10%)'] })).toMatchObject({
      decision: 'NO-GO',
      reasons: ['regression against the baseline: http.p95 rose from 80 to 120 ms (+50%, tolerance 10%)'],
    });
  });

  it('accepts a failure covered by an active waiver and says so', () => {
    const waivers = [
      { check: 'escrow.replay-funds-once', reason: 'fix in 1.4.1', owner: 'alice', expires: '2026-12-01' },
    ];
    const checks = applyCheckWaivers([check('escrow.replay-funds-once', 'fail')], waivers, '2026-11-22');
    expect(checks[0]!.waiver).toEqual({ reason: 'fix in 1.4.1', owner: 'alice', expires: '2026-12-01' });
    expect(go({ checks, waivers })).toEqual({
      decision: 'GO',
      complete: true,
      reasons: ['waived: escrow.replay-funds-once (alice, until 2026-12-01): fix in 1.4.1'],
    });
  });

  it('lets an expired waiver lapse: the failure counts again and the report says the waiver expired', () => {
    const waivers = [
      { check: 'escrow.replay-funds-once', reason: 'fix in 1.4.1', owner: 'alice', expires: '2026-11-01' },
    ];
    const checks = applyCheckWaivers([check('escrow.replay-funds-once', 'fail')], waivers, '2026-11-22');
    expect(checks[0]!.waiver).toBeUndefined();
    const v = go({ checks, waivers });
    expect(v.decision).toBe('NO-GO');
    expect(v.reasons).toContain(
      'expired waiver no longer applies: escrow.replay-funds-once (alice, expired 2026-11-01)',
    );
  });

  it('does not let a waiver turn an error into a pass', () => {
    const waivers = [{ check: 'tls.protocols', reason: 'r', owner: 'o', expires: '2027-01-01' }];
    expect(
      go({ checks: applyCheckWaivers([check('tls.protocols', 'error')], waivers, '2026-11-22'), waivers }).decision,
    ).toBe('NO-GO');
  });
});

const kpiText = `version: 1
profile: { vus: 50, duration: 5m, quick: { vus: 50, duration: 30s } }
params:
  rateLimit: { requests: 100, windowS: 60, tolerance: 0.1 }
  lockout: { attempts: 5, durationS: 900 }
  passwordPolicy: { minLength: 12, upper: true, lower: true, digit: true, special: true }
  tokenLifetimeMaxS: 900
  certMinDays: 30
  headersMinGrade: A-
kpis:
  - { id: http.p95, description: p95, metric: http_req_duration, threshold: p(95)<200, source: s }
  - { id: rl, description: limit, metric: ratelimit_api_limit, threshold: [value>=90, value<=110], source: s }
  - { id: escrow, description: escrow, checks: [escrow.*], source: s }
waivers:
  - { kpi: http.p95, reason: slow db, owner: bob, expires: 2026-12-31 }
`;
const kpiFile = parseKpiText(kpiText, 'kpis.yaml');

describe('KPI evaluation', () => {
  const evalWith = (
    measurements: Parameters<typeof evaluateKpis>[0]['measurements'],
    checks = [check('escrow.happy-path', 'pass')],
    ranSuites = [...all],
  ) =>
    evaluateKpis({
      kpis: kpiFile.kpis,
      measurements,
      checks,
      ranSuites: ranSuites as never,
      waivers: kpiFile.waivers,
      today: '2026-11-22',
    });

  it('judges each threshold of a metric KPI and waives a failing one with an active waiver', () => {
    const r = evalWith([
      { metric: 'http_req_duration', values: { 'p(95)': 250 } },
      { metric: 'ratelimit_api_limit', values: { value: 100 } },
    ]);
    expect(r.map((k) => [k.id, k.status, k.measured])).toEqual([
      ['http.p95', 'waived', 250],
      ['rl', 'pass', 100],
      ['escrow', 'pass', 1],
    ]);
  });

  it('judges a checks KPI on the checks that ran; one whose every check is not applicable stays unmeasured and says what to do', () => {
    const na = (id: string) =>
      check(id, 'skip', {
        skip: { kind: 'not-applicable' as const, reason: 'no payments on this platform', source: 'declared' as const },
      });
    expect(evalWith([], [na('escrow.happy-path'), check('escrow.replay-funds-once', 'pass')])[2]).toMatchObject({
      status: 'pass',
      measured: 1,
    });
    const none = evalWith([], [na('escrow.happy-path'), na('escrow.replay-funds-once')])[2]!;
    expect(none).toMatchObject({ status: 'not-measured', measured: null });
    expect(none.note).toMatch(
      /every one is not applicable to this platform, so drop the KPI from the KPI file or waive it with notMeasured/,
    );
  });

  it('fails a KPI when any of its thresholds fails', () => {
    expect(evalWith([{ metric: 'ratelimit_api_limit', values: { value: 140 } }])[1]).toMatchObject({
      status: 'fail',
      measured: 140,
    });
  });

  it('is not-measured when the metric or the aggregation is missing, or the suite did not run', () => {
    const r = evalWith([{ metric: 'http_req_duration', values: { avg: 3 } }]);
    expect(r[0]).toMatchObject({ status: 'not-measured', measured: null, note: 'http_req_duration has no p(95)' });
    expect(r[1]).toMatchObject({ status: 'not-measured', note: 'no measurement of ratelimit_api_limit' });
    expect(evalWith([], [], ['security'])[2]).toMatchObject({
      status: 'not-measured',
      note: 'the smoke suite did not run',
    });
  });

  it('fails a check-backed KPI when a covered blocker fails, and cannot pass when a covered check errored', () => {
    expect(
      evalWith([], [check('escrow.happy-path', 'pass'), check('escrow.replay-funds-once', 'fail')])[2],
    ).toMatchObject({ status: 'fail', measured: 0.5 });
    expect(evalWith([], [check('escrow.happy-path', 'error')])[2]).toMatchObject({ status: 'not-measured' });
    expect(evalWith([], [check('auth.rbac', 'pass')])[2]).toMatchObject({
      status: 'not-measured',
      note: 'no check matching escrow.* ran',
    });
  });
});

describe('check-backed KPIs', () => {
  it('count every covered check, whatever its level: the KPI says all of them pass', () => {
    const file = parseKpiText(kpiText.replace('checks: [escrow.*]', 'checks: [config.*]'), 'kpis.yaml');
    const r = evaluateKpis({
      kpis: file.kpis,
      measurements: [],
      checks: [check('config.debug-off', 'pass'), check('config.docs-hidden', 'fail')],
      ranSuites: ['smoke'],
      waivers: [],
      today: '2026-11-22',
    });
    expect(r.find((k) => k.id === 'escrow')).toMatchObject({ status: 'fail', note: 'failing: config.docs-hidden' });
  });
});
