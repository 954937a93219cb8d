import { mkdtemp, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SmokeConfig } from '../../../smoke/config.ts';
import { credentialIn, digest, logSent, readSent, type Sent } from '../../../smoke/lib/history.ts';
import type { SmokePlan } from '../../../smoke/lib/plan.ts';
import { certainHistoryFor, historyFor } from '../../../smoke/lib/limits.ts';
import { resolveLimiters } from '../../../core/signin/limits.ts';
import { retryAfterS } from '../../../smoke/lib/http.ts';
import type { KpiFile } from '../../../config/kpis.ts';
import { ROUTES } from '../../helpers/routes.ts';

const PARAMS = {
  rateLimit: { requests: 100, windowS: 60, tolerance: 0.1 },
  loginRateLimit: { requests: 10, windowS: 60 },
  lockout: { attempts: 5, durationS: 900 },
} as KpiFile['params'];

describe('smoke.ratelimit resolved against the KPI params', () => {
  it('defaults: API per user on GET /api/auth/me, login per address on the login route, anonymous on the API route; numbers from the KPI file', () => {
    const l = resolveLimiters(SmokeConfig.parse(ROUTES), PARAMS);
    expect(l.api).toEqual({
      name: 'api',
      method: 'GET',
      path: '/api/auth/me',
      key: 'user',
      scope: 'all',
      documented: true,
      model: { algorithm: 'fixed', limit: 100, windowMs: 60_000, windowStart: 'first-request' },
    });
    expect(l.login).toMatchObject({
      method: 'POST',
      path: '/api/auth/login',
      key: 'address',
      scope: 'route',
      documented: true,
      model: { limit: 10, windowMs: 60_000 },
    });
    expect(l.anonymous).toMatchObject({
      method: 'GET',
      path: '/api/auth/me',
      key: 'anonymous',
      scope: 'all',
      model: { limit: 100 },
    });
  });

  it('keeps the old `api: { method, path }` input as a shorthand', () => {
    const l = resolveLimiters(
      SmokeConfig.parse({ ratelimit: { api: { method: 'GET', path: '/api/orders' } } }),
      PARAMS,
    );
    expect(l.api).toMatchObject({
      method: 'GET',
      path: '/api/orders',
      key: 'user',
      model: { algorithm: 'fixed', limit: 100 },
    });
  });

  it('a DRF mapping: sliding per user on the API, sliding per address on login with its own numbers', () => {
    const c = SmokeConfig.parse({
      login: { path: '/api/token/' },
      ratelimit: {
        api: { method: 'GET', path: '/api/orders/', algorithm: 'sliding' },
        login: { key: 'address', limit: 5, windowS: 60, algorithm: 'sliding' },
      },
    });
    const l = resolveLimiters(c, PARAMS);
    expect(l.api.model).toEqual({ algorithm: 'sliding', limit: 100, windowMs: 60_000 });
    expect(l.login).toMatchObject({ path: '/api/token/', key: 'address', model: { algorithm: 'sliding', limit: 5 } });
  });

  it('without a documented login limit, twice the lockout threshold, judged as an upper bound', () => {
    const { loginRateLimit: _, ...rest } = PARAMS;
    const l = resolveLimiters(SmokeConfig.parse(ROUTES), rest as KpiFile['params']);
    expect(l.login).toMatchObject({ documented: false, model: { limit: 10, windowMs: 60_000 } });
  });

  it('refuses an unknown algorithm or key, naming the path', () => {
    const bad = SmokeConfig.safeParse({ ratelimit: { api: { path: '/x', algorithm: 'leaky' } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['ratelimit', 'api', 'algorithm']);
    expect(SmokeConfig.safeParse({ ratelimit: { login: { key: 'session' } } }).success).toBe(false);
    expect(SmokeConfig.safeParse({ ratelimit: { login: { path: '/x' } } }).success).toBe(false);
  });
});

describe('the history of a limiter key', () => {
  const tok = digest('token-a');
  const other = digest('token-b');
  const email = digest('nobody@gonogo.test');
  const log: Sent[] = [
    { t: 1, method: 'GET', path: '/api/auth/me', status: 200, credential: tok, subject: '' },
    { t: 2, method: 'GET', path: '/api/orders', status: 200, credential: other, subject: '' },
    { t: 3, method: 'POST', path: '/api/auth/register', status: 201, credential: '', subject: '' },
    { t: 4, method: 'POST', path: '/api/auth/login', status: 401, credential: '', subject: email },
    { t: 5, method: 'POST', path: '/api/auth/login', status: 401, credential: '', subject: digest('someone@else') },
    { t: 6, method: 'GET', path: '/api/auth/me', status: 429, credential: tok, subject: '' },
    { t: 7, method: 'GET', path: '/health', status: 200, credential: '', subject: '' },
  ];
  const l = resolveLimiters(SmokeConfig.parse(ROUTES), PARAMS);
  const all = Object.values(l);

  it("per user: only that credential's answered requests, on every route without its own limiter", () => {
    expect(historyFor(log, l.api, all, { credentials: [tok] })).toEqual([1]);
  });

  it('per address, anonymous: unauthenticated requests except on routes with their own limiter', () => {
    expect(historyFor(log, l.anonymous, all, {})).toEqual([3, 7]);
    expect(historyFor(log, { ...l.anonymous, key: 'address' }, all, {})).toEqual([1, 2, 3, 7]);
  });

  it('anonymous: a refused credential (401) may have been counted on the address, so it is in the history but never certain', () => {
    const refused: Sent = {
      t: 8,
      method: l.anonymous.method.toUpperCase(),
      path: l.anonymous.path,
      status: 401,
      credential: digest('tampered'),
      subject: '',
    };
    const onRoute: Sent = { ...refused, t: 9, status: 200, credential: '' };
    const withRefused = [...log, refused, onRoute];
    expect(historyFor(withRefused, l.anonymous, all, {})).toEqual([3, 7, 8, 9]);
    expect(certainHistoryFor(withRefused, l.anonymous, all, {})).toEqual([9]);
    // Keyed by user, a refused credential is nobody's: it joins no user's history.
    expect(historyFor(withRefused, l.api, all, { credentials: [tok, digest('tampered')] })).toEqual([1, 8]);
  });

  it('login per address counts every login of the suite; per user only the one account', () => {
    expect(historyFor(log, l.login, all, {})).toEqual([4, 5]);
    expect(historyFor(log, { ...l.login, key: 'user' }, all, { subject: email })).toEqual([4]);
  });

  it('round-trips through the log file, skipping a cut line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-history-'));
    for (const e of log.slice(0, 3)) logSent(dir, e);
    await appendFile(join(dir, 'requests.log'), '[8,"GET","/cut');
    expect(readSent(dir)).toEqual(log.slice(0, 3));
    expect(readSent(join(dir, 'missing'))).toEqual([]);
  });
});

describe("the credential of a request the suite did not send itself (the browser's)", () => {
  const plan = (login: unknown) =>
    ({
      config: SmokeConfig.parse({ ...ROUTES, login: { ...ROUTES.login, ...(login as object) } }),
    }) as unknown as SmokePlan;
  it('is hashed as the API client hashes it, read where smoke.login.send says the platform reads it', () => {
    expect(credentialIn(plan({}), { Authorization: 'Bearer tok-1' })).toBe(digest('tok-1'));
    expect(
      credentialIn(plan({ send: { as: 'header', name: 'X-Auth', prefix: 'Token ' } }), { 'x-auth': 'Token tok-2' }),
    ).toBe(digest('tok-2'));
    expect(credentialIn(plan({ send: { as: 'cookie', name: 'sid' } }), { cookie: 'theme=dark; sid=tok=3; x=1' })).toBe(
      digest('tok=3'),
    );
  });

  it('is anonymous when the request carries none where the platform reads it', () => {
    expect(credentialIn(plan({}), {})).toBe('');
    expect(credentialIn(plan({}), { cookie: 'access_token=tok-1' })).toBe('');
    expect(
      credentialIn(plan({ send: { as: 'cookie', name: 'sid' } }), { authorization: 'Bearer tok-1', cookie: 'sidx=1' }),
    ).toBe('');
    expect(
      credentialIn(plan({ send: { as: 'header', name: 'X-Auth', prefix: 'Token ' } }), { 'x-auth': 'Bearer tok-2' }),
    ).toBe('');
  });
});

describe('the announced wait', () => {
  it('reads Retry-After (seconds or date), RateLimit-Reset and the structured RateLimit header', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterS({ 'retry-after': '30' }, now)).toBe(30);
    expect(retryAfterS({ 'retry-after': 'Wed, 01 Jan 2025 00:00:20 GMT' }, now)).toBe(20);
    expect(retryAfterS({ 'ratelimit-reset': '12' }, now)).toBe(12);
    expect(retryAfterS({ ratelimit: 'limit=100, remaining=0, reset=7' }, now)).toBe(7);
    expect(retryAfterS({ ratelimit: '"default";r=0;t=9' }, now)).toBe(9);
    expect(retryAfterS({}, now)).toBeUndefined();
  });
});
