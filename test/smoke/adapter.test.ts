import { describe, expect, it } from 'vitest';
import { adaptReport, classifyFailure } from '../../smoke/adapter.ts';
import { Redactor } from '../../core/redact.ts';
import { CheckResult } from '../../core/report-schema.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const result = (status: string, extra: Record<string, unknown> = {}) => ({
  status,
  duration: 12.5,
  errors: [],
  attachments: [],
  annotations: [],
  ...extra,
});
const spec = (title: string, res: Record<string, unknown>, annotations: unknown[] = []) => ({
  title,
  file: 'x.spec.ts',
  tests: [{ annotations, projectName: 'gonogo', results: [res] }],
});
const report = (specs: unknown[], nested: unknown[] = []) => ({
  config: {},
  stats: {},
  errors: [],
  suites: [{ title: 'x.spec.ts', specs, suites: [{ title: 'describe', specs: nested }] }],
});

describe('adaptReport', () => {
  it('maps pass, skip, assertion failure and unexpected throw to pass, skip, fail and error', () => {
    const out = adaptReport(
      report([
        spec('[auth.rbac] a client cannot reach', result('passed')),
        spec('[auth.openapi-sweep] sweep', result('skipped'), [
          { type: 'skip', description: 'no OpenAPI document configured' },
        ]),
        spec(
          '[escrow.webhook-stale] stale',
          result('failed', {
            error: { message: 'CheckFailed: [gonogo:fail] a stale webhook answered 200\n\n  12 | code frame' },
          }),
        ),
        spec(
          '[escrow.release-anonymous] anon',
          result('failed', { error: { message: 'TypeError: Cannot read properties of undefined' } }),
        ),
        spec(
          '[escrow.release-counterparty] maker',
          result('failed', {
            error: { message: 'ControlFailed: [gonogo:error] positive control failed: manufacturer login' },
          }),
        ),
        spec('[health.routes] health', result('timedOut')),
      ]),
      new Redactor(),
    );
    const by = Object.fromEntries(out.checks.map((c) => [c.id, c]));
    expect(by['auth.rbac']!.status).toBe('pass');
    expect(by['auth.openapi-sweep']!.status).toBe('skip');
    expect(by['auth.openapi-sweep']!.evidence.message).toBe('no OpenAPI document configured');
    expect(by['escrow.webhook-stale']!.status).toBe('fail');
    expect(by['escrow.webhook-stale']!.evidence.message).toBe('a stale webhook answered 200');
    expect(by['escrow.release-anonymous']!.status).toBe('error');
    expect(by['escrow.release-counterparty']!.status).toBe('error');
    expect(by['health.routes']!.status).toBe('error');
    for (const c of out.checks) expect(CheckResult.safeParse(c).success).toBe(true);
  });

  it('reads the kind of a skip from the gonogo skip helpers, and a bare test.skip as could-not-run', () => {
    const kind = (k: string) => ({ type: 'gonogo:skip-kind', description: k });
    const out = adaptReport(
      report([
        // Playwright puts annotations added while the test runs on the result (newer releases) or on the test: both are read.
        spec(
          '[auth.openapi-sweep] sweep',
          result('skipped', {
            annotations: [
              kind('not-configured'),
              { type: 'skip', description: 'no OpenAPI document configured (smoke.openapi)' },
            ],
          }),
        ),
        spec('[auth.alg-none-rejected] none', result('skipped'), [
          kind('not-applicable'),
          { type: 'skip', description: 'the access token is opaque, not a JWT' },
        ]),
        spec('[browser.cookies] cookies', result('skipped'), [
          kind('could-not-run'),
          { type: 'skip', description: 'no browser at /usr/bin/chromium' },
        ]),
        spec('[browser.login-flow] flow', result('skipped'), [
          { type: 'skip', description: 'a team skip without a kind' },
        ]),
        spec('[browser.login-page] page', result('skipped'), [
          kind('maybe-later'),
          { type: 'skip', description: 'made-up kind' },
        ]),
      ]),
      new Redactor(),
    );
    const skips = Object.fromEntries(out.checks.map((c) => [c.id, c.skip]));
    expect(skips).toEqual({
      'auth.openapi-sweep': { kind: 'not-configured', reason: 'no OpenAPI document configured (smoke.openapi)' },
      'auth.alg-none-rejected': {
        kind: 'not-applicable',
        reason: 'the access token is opaque, not a JWT',
        source: 'detected',
      },
      'browser.cookies': { kind: 'could-not-run', reason: 'no browser at /usr/bin/chromium' },
      'browser.login-flow': { kind: 'could-not-run', reason: 'a team skip without a kind' },
      'browser.login-page': { kind: 'could-not-run', reason: 'made-up kind' },
    });
    expect(out.warnings).toEqual([
      'test "[browser.login-page] page" skipped with an unknown kind "maybe-later" (one of not-applicable, not-configured, could-not-run): read as could-not-run',
    ]);
    for (const c of out.checks) expect(CheckResult.safeParse(c).success).toBe(true);
  });

  it('takes level and title from the catalogue, and the suite, area and duration from the test', () => {
    const out = adaptReport(
      report([spec('[config.docs-hidden] whatever the spec calls it', result('passed'))]),
      new Redactor(),
    );
    expect(out.checks[0]).toMatchObject({
      id: 'config.docs-hidden',
      suite: 'smoke',
      area: 'config',
      level: 'warn',
      title: 'API documentation is not public',
      durationMs: 12.5,
    });
  });

  it('reads evidence and measurements from attachments and redacts every string', () => {
    const evidence = {
      requests: [
        {
          method: 'POST',
          url: 'https://t/api/auth/login',
          status: 200,
          excerpt: '{"access_token":"abc","pw":"hunter2-secret"}',
        },
      ],
      actual: 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
    };
    const out = adaptReport(
      report([
        spec(
          '[auth.token-expiry] expiry',
          result('passed', {
            attachments: [
              { name: 'gonogo-evidence', contentType: 'application/json', body: b64(evidence) },
              {
                name: 'gonogo-measurement',
                contentType: 'application/json',
                body: b64({ metric: 'auth_access_token_lifetime_s', values: { value: 900 } }),
              },
              { name: 'screenshot', contentType: 'image/png', path: '/tmp/x.png' },
            ],
          }),
        ),
      ]),
      new Redactor(['hunter2-secret']),
    );
    const text = JSON.stringify(out.checks[0]!.evidence);
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('"abc"');
    expect(text).not.toContain('eyJzdWIiOiIxIn0');
    expect(out.checks[0]!.evidence.requests?.[0]?.status).toBe(200);
    expect(out.measurements).toEqual([{ metric: 'auth_access_token_lifetime_s', values: { value: 900 } }]);
  });

  it('accepts team specs in nested suites with an id annotation and a custom id, and ignores tests without an id', () => {
    const out = adaptReport(
      report(
        [spec('no id here', result('passed'))],
        [
          spec(
            'orders page loads',
            result('failed', { error: { message: 'Error: expect(received).toBe(expected)' } }),
            [
              { type: 'check', description: 'browser.orders-page' },
              { type: 'level', description: 'warn' },
            ],
          ),
        ],
      ),
      new Redactor(),
    );
    expect(out.checks).toHaveLength(1);
    expect(out.checks[0]).toMatchObject({
      id: 'browser.orders-page',
      status: 'fail',
      level: 'warn',
      title: 'orders page loads',
    });
    expect(out.warnings.join(' ')).toContain('no id here');
  });

  it('keeps the worst outcome when two tests claim the same id', () => {
    const out = adaptReport(
      report([
        spec('[cors.foreign-origin] a', result('passed')),
        spec('[cors.foreign-origin] b', result('failed', { error: { message: '[gonogo:fail] reflected' } })),
      ]),
      new Redactor(),
    );
    expect(out.checks).toHaveLength(1);
    expect(out.checks[0]!.status).toBe('fail');
  });

  it('refuses input that is not a Playwright JSON report', () => {
    expect(() => adaptReport({ suites: [{ specs: 'nope' }] }, new Redactor())).toThrow();
  });

  it('reports top-level Playwright errors (a spec that did not load) as harness errors', () => {
    const out = adaptReport(
      { suites: [], errors: [{ message: 'Error: Cannot find module ./missing.ts' }] },
      new Redactor(),
    );
    expect(out.harnessErrors).toEqual(['Cannot find module ./missing.ts']);
  });
});

describe('classifyFailure', () => {
  it('treats expect() assertions as failures and anything else as errors', () => {
    expect(classifyFailure('Error: \u001b[2mexpect(\u001b[22mreceived).toBe(expected)')).toBe('fail');
    expect(classifyFailure('Error: connect ECONNREFUSED 127.0.0.1:443')).toBe('error');
    expect(classifyFailure('RateLimited: [gonogo:error] rate limited by the target')).toBe('error');
  });

  it('reads a probe that covered only part of its claim as warn, never pass, and a failure or error beside it as worse', () => {
    expect(classifyFailure('CheckIncomplete: [gonogo:warn] 12 of 65 pairs tried')).toBe('warn');
    expect(classifyFailure('CheckFailed: [gonogo:fail] demo accounts log in [gonogo:warn]')).toBe('fail');
  });
});

describe('a check that runs out of time', () => {
  it('names the setting that gives it more, with the limit Playwright applied', () => {
    const out = adaptReport(
      report([
        spec(
          '[auth.lockout] lockout',
          result('timedOut', { duration: 125_004, errors: [{ message: 'Test timeout of 125000ms exceeded.' }] }),
        ),
        spec('[health.routes] health', result('timedOut', { duration: 9_800 })),
        spec(
          '[auth.rbac] rbac',
          result('failed', {
            error: { message: 'Error: Test timeout of 250000ms exceeded while running "beforeAll" hook.' },
          }),
        ),
      ]),
      new Redactor(),
    );
    const by = Object.fromEntries(out.checks.map((c) => [c.id, c]));
    expect(by['auth.lockout']).toMatchObject({
      status: 'error',
      evidence: {
        message: expect.stringMatching(
          /^timed out after 125 s, the per-check time limit: raise smoke\.checkTimeoutS \(default smoke\.ratelimit\.maxWaitS \+ 60 s/,
        ),
      },
    });
    expect(by['health.routes']!.evidence.message).toMatch(/^timed out after 10 s, .*smoke\.checkTimeoutS/);
    expect(by['auth.rbac']).toMatchObject({
      status: 'error',
      evidence: { message: expect.stringMatching(/^timed out after 250 s, .*raise smoke\.checkTimeoutS/) },
    });
  });

  it('names the setting of a request or page that ran out of time', () => {
    const out = adaptReport(
      report([
        // Playwright 1.65's own words for a request with no answer, call log and all.
        spec(
          '[auth.rbac] rbac',
          result('failed', {
            error: {
              message:
                'Error: apiRequestContext.fetch: Timeout 10000ms exceeded.\nCall log:\n\u001b[2m  - → GET https://127.0.0.1:4443/api/admin/users\u001b[22m\n',
            },
          }),
        ),
        spec(
          '[browser.login-flow] flow',
          result('failed', {
            error: {
              message:
                'page.fill: Timeout 10000ms exceeded.\nCall log:\n  - waiting for locator(\'input[name="email"]\')\n',
            },
          }),
        ),
      ]),
      new Redactor(),
    );
    const by = Object.fromEntries(out.checks.map((c) => [c.id, c]));
    expect(by['auth.rbac']).toMatchObject({
      status: 'error',
      evidence: {
        message: expect.stringMatching(/^apiRequestContext\.fetch: no answer within 10000 ms \(target\.timeoutMs\)/),
      },
    });
    expect(by['browser.login-flow']!.evidence.message).toMatch(
      /^page\.fill: no answer within 10000 ms \(smoke\.browser\.timeoutMs\)/,
    );
  });
});
