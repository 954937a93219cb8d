import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { LoginPacer, marginMs, predictedPhaseMs, retryAfterMs, type LoginModel } from '../../load/logins/pace.ts';
import { runLoginPhase, LoginPhaseError } from '../../load/logins/phase.ts';
import { markLogins, sessionSpec, sharedOnceSteps } from '../../load/logins/index.ts';
import { LoadConfig } from '../../load/config.ts';
import { SmokeConfig } from '../../smoke/config.ts';
import {
  jwtExpiryMs,
  readSession,
  renewDue,
  tokenExpiryMs,
  type Answer,
  type SessionSpec,
} from '../../scenarios/session-core.ts';
import type { PlanJourney, PlanStep } from '../../scenarios/journey-core.ts';
import { VirtualUser } from '../../load/autocannon/vu.ts';
import { LoadCollector } from '../../load/collector.ts';
import { afterHistory } from '../../core/ratelimit-model.ts';
import type { Res } from '../../core/signin/http.ts';
import type { LoadResult } from '../../core/report-schema.ts';
import { loadNotes, loginsSentence } from '../../reports/render/load-status.ts';

const model = (
  algorithm: 'fixed' | 'sliding' | 'token-bucket',
  limit: number,
  windowS: number,
  key: LoginModel['key'] = 'address',
): LoginModel => ({
  key,
  model: {
    algorithm,
    limit,
    windowMs: windowS * 1000,
    ...(algorithm === 'fixed' ? { windowStart: 'first-request' as const } : {}),
  },
});

describe('login pacing', () => {
  it("sends a window's worth at once, then one slot at a time as the model frees them, plus the margin", () => {
    // 50 logins at 30 a minute: 30 at once, the other 20 when the first window turns (60 s + 1% margin).
    expect(marginMs(model('sliding', 30, 60).model)).toBe(600);
    expect(predictedPhaseMs(model('sliding', 30, 60), 50)).toBe(60_600);
    expect(predictedPhaseMs(model('fixed', 30, 60), 50)).toBe(60_600);
    expect(predictedPhaseMs(model('sliding', 30, 60), 30)).toBe(0);
    expect(predictedPhaseMs(model('sliding', 30, 60), 61)).toBe(121_200);
    // A token bucket refills as it goes (one slot every 2 s), counted from its last take: logins go a margin apart.
    expect(predictedPhaseMs(model('token-bucket', 30, 60), 30)).toBe(29 * 600);
    expect(predictedPhaseMs(model('token-bucket', 30, 60), 50)).toBe(49 * 600 + 11_200);
    // Keyed by user, every account spends its own key once.
    expect(predictedPhaseMs(model('sliding', 1, 60, 'user'), 500)).toBe(0);
    // Two login steps per account spend two slots each.
    expect(predictedPhaseMs(model('sliding', 30, 60), 15, 2)).toBe(0);
    expect(predictedPhaseMs(model('sliding', 30, 60), 16, 2)).toBe(60_600);
  });

  it('never lets a correct limiter see more than its limit, counting each login at its answer', () => {
    for (const m of [model('sliding', 5, 10), model('fixed', 5, 10), model('token-bucket', 5, 10)]) {
      const p = new LoginPacer(m);
      const answered: number[] = [];
      let t = 0;
      for (let i = 0; i < 40; i++) {
        t = p.nextAt(t);
        // Each login is answered 300 ms after it is sent: the platform counts it anywhere in between.
        p.take(t).settle(t + 300);
        answered.push(t + 300);
      }
      // Replayed against the model at the answer times, every login is admitted.
      const s = afterHistory(m.model, []);
      for (const a of answered) {
        expect(s.admits(a), `${m.model.algorithm} at ${a}`).toBe(true);
        s.record(a);
      }
    }
  });

  it('counts a login still in flight as sent now, and waits out a Retry-After', () => {
    const p = new LoginPacer(model('sliding', 1, 10));
    const inflight = p.take(0);
    expect(p.nextAt(5000)).toBe(15_000 + 250);
    inflight.settle(100);
    expect(p.nextAt(5000)).toBe(10_100 + 250);
    p.throttled(11_000, 4000);
    expect(p.nextAt(11_000)).toBe(15_250);
    expect(retryAfterMs('7', 60_000)).toBe(7000);
    expect(retryAfterMs(undefined, 60_000)).toBe(60_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 60_000, 4000)).toBe(6000);
  });
});

const step = (o: Partial<PlanStep> & Pick<PlanStep, 'name' | 'path'>): PlanStep => ({
  method: 'GET',
  form: false,
  headers: {},
  expect: [200],
  capture: {},
  once: false,
  ...o,
});
const loginStep = step({
  name: 'login',
  method: 'POST',
  path: '/api/login',
  once: true,
  login: true,
  body: { email: '{{account.email}}', password: '{{account.password}}' },
  capture: { token: 'access' },
});
const res = (status: number, json: unknown, headers: Record<string, string> = {}): Res => ({
  method: 'POST',
  url: 'https://t.test/api/login',
  status,
  headers,
  setCookies: [],
  text: JSON.stringify(json),
  json,
  ms: 1,
});

describe('the login phase', () => {
  const accounts = Array.from({ length: 7 }, (_, i) => ({ email: `u${i}@x.test`, password: `pw${i}` }));

  function harness(answer: (body: string, at: number) => Res) {
    let clock = 0;
    const sent: number[] = [];
    return {
      sent,
      io: {
        now: () => clock,
        sleep: async (ms: number) => {
          clock += ms;
        },
        send: async (r: { body?: string }) => {
          sent.push(clock);
          const a = answer(r.body ?? '', clock);
          clock += 200;
          return a;
        },
      },
    };
  }

  it("logs every account in at the model's rate and hands its token and session to its VU", async () => {
    const h = harness((body) => res(200, { access: `tok-${JSON.parse(body).email}`, refresh: 'r1' }));
    const spec: SessionSpec = {
      tokenVar: 'token',
      access: { from: 'body', path: 'access' },
      refresh: { from: 'body', path: 'refresh' },
      lifetimeMs: 60_000,
      renewBeforeMs: 5000,
    };
    const out = await runLoginPhase({
      accounts,
      steps: [loginStep],
      isLogin: (s) => Boolean(s.login),
      login: model('fixed', 3, 10),
      session: spec,
      env: () => undefined,
      maxMs: 60_000,
      concurrency: 1,
      ...h.io,
    });
    expect(out).toMatchObject({
      loggedIn: 7,
      loginRequests: 7,
      throttled: 0,
      failures: [],
      model: 'fixed 3/10s keyed by address',
    });
    // Three one after the other (each answered in 200 ms), three when the window opened by the first answer has turned, then the last.
    expect(h.sent.slice(0, 3)).toEqual([0, 200, 400]);
    expect(h.sent[3]!).toBe(10_200 + 250);
    expect(h.sent[6]!).toBeGreaterThanOrEqual(2 * 10_200 + 250);
    expect(out.accounts[2]!.login).toEqual({
      vars: { token: 'tok-u2@x.test' },
      session: { refresh: 'r1', expiresAtMs: expect.any(Number) },
    });
    expect(out.accounts[2]!.password).toBe('pw2');
  });

  it('refuses a pool the model cannot log in within load.logins.maxS before sending anything', async () => {
    const h = harness(() => res(200, { access: 't' }));
    await expect(
      runLoginPhase({
        accounts,
        steps: [loginStep],
        isLogin: () => true,
        login: model('sliding', 3, 10),
        env: () => undefined,
        maxMs: 15_000,
        concurrency: 2,
        ...h.io,
      }),
    ).rejects.toThrow(
      new LoginPhaseError(
        "logging in 7 load accounts at the login model's rate (sliding 3/10s keyed by address, smoke.ratelimit.login) takes at least 21 s, more than load.logins.maxS (15 s): raise load.logins.maxS, or use fewer accounts (load.accounts; VU i shares account i mod the pool's size)",
      ),
    );
    expect(h.sent).toEqual([]);
  });

  it('waits out a 429 the model did not foresee, tries again, and counts it', async () => {
    let refused = 0;
    const h = harness(() =>
      refused++ < 1 ? res(429, { detail: 'slow down' }, { 'retry-after': '4' }) : res(200, { access: 't' }),
    );
    const out = await runLoginPhase({
      accounts: accounts.slice(0, 2),
      steps: [loginStep],
      isLogin: () => true,
      login: model('sliding', 10, 10),
      env: () => undefined,
      maxMs: 60_000,
      concurrency: 1,
      ...h.io,
    });
    expect(out).toMatchObject({ loggedIn: 2, loginRequests: 3, throttled: 1 });
    expect(h.sent[1]!).toBeGreaterThanOrEqual(200 + 4000);
  });

  it('stops at load.logins.maxS when the platform keeps refusing, and says so', async () => {
    const h = harness(() => res(429, {}, { 'retry-after': '10' }));
    await expect(
      runLoginPhase({
        accounts: accounts.slice(0, 2),
        steps: [loginStep],
        isLogin: () => true,
        login: model('sliding', 10, 10),
        env: () => undefined,
        maxMs: 30_000,
        concurrency: 1,
        ...h.io,
      }),
    ).rejects.toThrow(
      /^the login phase logged in 0 of 2 load accounts within load\.logins\.maxS \(30 s\); the platform answered 3 of 3 logins 429/,
    );
  });

  it('keeps an account whose login failed without a session (its VU logs in in the journey), and fails when none logged in', async () => {
    const h = harness((body) => (body.includes('u1@') ? res(401, {}) : res(200, { access: 't' })));
    const out = await runLoginPhase({
      accounts: accounts.slice(0, 3),
      steps: [loginStep],
      isLogin: () => true,
      login: model('sliding', 10, 10),
      env: () => undefined,
      maxMs: 60_000,
      concurrency: 1,
      ...h.io,
    });
    expect(out.loggedIn).toBe(2);
    expect(out.failures).toEqual(['login answered 401 for u1@x.test']);
    expect(out.accounts[1]!.login).toBeUndefined();
    const none = harness(() => res(401, {}));
    await expect(
      runLoginPhase({
        accounts: accounts.slice(0, 2),
        steps: [loginStep],
        isLogin: () => true,
        login: model('sliding', 10, 10),
        env: () => undefined,
        maxMs: 60_000,
        concurrency: 1,
        ...none.io,
      }),
    ).rejects.toThrow('no load account could log in (2 tried): login answered 401 for u0@x.test');
  });
});

describe('sessions', () => {
  const answer = (o: Partial<Answer>): Answer => ({
    status: 200,
    body: null,
    header: () => undefined,
    cookie: () => undefined,
    ...o,
  });

  it("reads a JWT's exp, else the configured lifetime, else none", async () => {
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(2_000_000_000)
      .sign(new TextEncoder().encode('k'.repeat(32)));
    expect(jwtExpiryMs(jwt)).toBe(2_000_000_000_000);
    expect(jwtExpiryMs('opaque-token')).toBeUndefined();
    expect(jwtExpiryMs('a.b.c')).toBeUndefined();
    expect(tokenExpiryMs('opaque', { lifetimeMs: 300_000 }, 1000)).toBe(301_000);
    expect(tokenExpiryMs('opaque', {}, 1000)).toBeUndefined();
    expect(tokenExpiryMs(jwt, { lifetimeMs: 1 }, 1000)).toBe(2_000_000_000_000);
  });

  it('takes the tokens from the body, a cookie or a header, and is due renewBefore ahead of expiry', () => {
    const vars: Record<string, string> = {};
    const spec: SessionSpec = {
      tokenVar: 'token',
      access: { from: 'header', name: 'Authorization', prefix: 'Bearer ' },
      refresh: { from: 'cookie', name: 'rt' },
      lifetimeMs: 60_000,
      renewBeforeMs: 10_000,
    };
    const s = readSession(
      spec,
      answer({
        header: (n) => (n === 'Authorization' ? 'Bearer abc' : undefined),
        cookie: (n) => (n === 'rt' ? 'r-1' : undefined),
      }),
      vars,
      0,
    );
    expect(s).toEqual({ refresh: 'r-1', expiresAtMs: 60_000 });
    expect(vars.token).toBe('abc');
    expect(renewDue(s!, spec, 49_999)).toBe(false);
    expect(renewDue(s!, spec, 50_000)).toBe(true);
    expect(
      readSession(
        { ...spec, access: { from: 'body', path: 'data.access' } },
        answer({ body: '{"data":{"access":"x"}}' }),
        {},
        0,
      ),
    ).toEqual({ expiresAtMs: 60_000 });
    expect(
      readSession({ ...spec, access: { from: 'body', path: 'access' } }, answer({ body: '{}' }), {}, 0),
    ).toBeNull();
  });
});

describe('the session mapping', () => {
  const journeys: PlanJourney[] = [
    {
      name: 'orders',
      weight: 1,
      steps: [{ ...loginStep, login: undefined }, step({ name: 'list', path: '/api/orders', bearer: 'token' })],
    },
    { name: 'browse', weight: 1, steps: [step({ name: 'health', path: '/health' })] },
  ];
  const logins = LoadConfig.parse({}).logins;

  it("marks the once steps on smoke.login's route and renews through smoke.refresh with the login's refresh token", () => {
    const marked = markLogins(journeys, { method: 'POST', path: '/api/login' });
    expect(marked[0]!.steps.map((s) => s.login)).toEqual([true, undefined]);
    expect(markLogins(journeys, { method: 'POST', path: '/other' })[0]!.steps[0]!.login).toBeUndefined();
    const drf = SmokeConfig.parse({
      login: {
        path: '/api/login',
        token: { from: 'body', path: 'access' },
        refreshToken: { from: 'body', path: 'refresh' },
      },
      refresh: { path: '/api/refresh/', field: 'refresh' },
    });
    expect(sessionSpec(drf, marked, logins)).toEqual({
      tokenVar: 'token',
      access: { from: 'body', path: 'access' },
      refresh: { from: 'body', path: 'refresh' },
      renewBeforeMs: 30_000,
      refreshStep: {
        name: 'token-refresh',
        method: 'POST',
        path: '/api/refresh/',
        form: false,
        expect: [200, 201],
        capture: {},
        once: false,
        headers: {},
        body: { refresh: '{{refresh_token}}' },
      },
    });
    const cookie = SmokeConfig.parse({
      login: {
        path: '/api/login',
        token: { from: 'body', path: 'access' },
        refreshToken: { from: 'cookie', name: 'rt' },
      },
      refresh: { path: '/r', cookie: 'rt' },
    });
    expect(sessionSpec(cookie, marked, { ...logins, tokenLifetimeS: 300 })).toMatchObject({
      lifetimeMs: 300_000,
      refreshStep: { headers: { Cookie: 'rt={{refresh_token}}' } },
    });
    expect(sessionSpec(cookie, marked, logins)!.refreshStep!.body).toBeUndefined();
    // Without a refresh token in the mapping, tokens are renewed by logging in again.
    expect(
      sessionSpec(
        SmokeConfig.parse({ login: { path: '/api/login', token: { from: 'body', path: 'access' } } }),
        marked,
        logins,
      )!.refreshStep,
    ).toBeUndefined();
  });

  it('runs one list of once steps for every account, and refuses journeys that log in differently', () => {
    expect(sharedOnceSteps(journeys)).toEqual([journeys[0]!.steps[0]]);
    const other: PlanJourney = { name: 'admin', weight: 1, steps: [{ ...loginStep, path: '/api/admin/login' }] };
    expect(() => sharedOnceSteps([...journeys, other])).toThrow(
      /give every journey the same `once` steps, or set load\.logins\.mode to "journey"/,
    );
    expect(LoadConfig.parse({}).logins).toEqual({ mode: 'setup', maxS: 300, concurrency: 4, renewBeforeS: 30 });
  });
});

describe('a virtual user with a session (autocannon engine)', () => {
  const spec: SessionSpec = {
    tokenVar: 'token',
    access: { from: 'body', path: 'access' },
    refresh: { from: 'cookie', name: 'rt' },
    renewBeforeMs: 30_000,
    refreshStep: step({
      name: 'token-refresh',
      method: 'POST',
      path: '/refresh',
      headers: { Cookie: 'rt={{refresh_token}}' },
      expect: [200, 201],
    }),
  };
  const journey: PlanJourney = {
    name: 'orders',
    weight: 1,
    steps: [loginStep, step({ name: 'list', path: '/api/orders', bearer: 'token' })],
  };

  it('skips the login it was given, refreshes a token due for renewal, and logs in again when the refresh fails', () => {
    const now = Date.now();
    const vu = new VirtualUser(
      journey,
      new LoadCollector(now),
      0,
      () => undefined,
      1,
      {
        email: 'a@x.test',
        password: 'p',
        login: { vars: { token: 'old' }, session: { refresh: 'r-1', expiresAtMs: now + 10_000 } },
      },
      spec,
    );
    // Due (10 s left, renewed 30 s ahead): the refresh goes first, with the session's refresh token.
    expect(vu.nextRequest('')).toMatchObject({ method: 'POST', path: '/refresh', headers: { Cookie: 'rt=r-1' } });
    vu.onResponse(200, '{"access":"new"}', { 'Set-Cookie': ['rt=r-2; HttpOnly; Path=/refresh'] });
    expect(vu.nextRequest('')).toMatchObject({ path: '/api/orders', headers: { Authorization: 'Bearer new' } });
    vu.onResponse(200, '[]');
    // The new token has no exp and no lifetime is configured: kept, never renewed.
    expect(vu.nextRequest('')).toMatchObject({ path: '/api/orders' });
    vu.onResponse(200, '[]');

    const failing = new VirtualUser(
      journey,
      new LoadCollector(now),
      0,
      () => undefined,
      1,
      {
        email: 'a@x.test',
        password: 'p',
        login: { vars: { token: 'old' }, session: { refresh: 'r-1', expiresAtMs: now } },
      },
      spec,
    );
    expect(failing.nextRequest('')).toMatchObject({ path: '/refresh' });
    failing.onResponse(401, '{}');
    expect(failing.nextRequest('')).toMatchObject({ method: 'POST', path: '/api/login' });
    failing.onResponse(200, '{"access":"fresh"}');
    expect(failing.nextRequest('')).toMatchObject({ headers: { Authorization: 'Bearer fresh' } });
  });

  it('without a login from the phase, logs in in its first iteration as before', () => {
    const vu = new VirtualUser(
      journey,
      new LoadCollector(Date.now()),
      0,
      () => undefined,
      1,
      { email: 'a@x.test', password: 'p' },
      spec,
    );
    expect(vu.nextRequest('')).toMatchObject({ method: 'POST', path: '/api/login' });
  });
});

describe('the login phase in the report', () => {
  const load = (throttled: number) =>
    ({
      engine: 'k6',
      vus: 50,
      durationS: 300,
      requests: 1000,
      rps: 3,
      errorRate: 0,
      errors: 0,
      endpoints: [],
      accounts: {
        source: 'register',
        size: 50,
        logins: {
          mode: 'setup',
          loggedIn: 50,
          ms: 61_234,
          loginRequests: 50 + throttled,
          throttled,
          model: 'sliding 30/60s keyed by address',
          maxS: 300,
        },
      },
    }) as unknown as LoadResult;

  it('says how long the logins took, at which rate, and warns when the platform still answered 429', () => {
    expect(loginsSentence(load(0))).toBe(
      'gonogo logged in 50 of 50 load accounts before the load in 61.2 s, paced to the login model (sliding 30/60s keyed by address); no login was answered 429.',
    );
    expect(loadNotes(load(0)).at(-1)).toEqual({ text: loginsSentence(load(0)), warn: false });
    expect(loadNotes(load(2)).at(-1)).toEqual({
      text: 'gonogo logged in 50 of 50 load accounts before the load in 61.2 s, paced to the login model (sliding 30/60s keyed by address); 2 of 52 logins were answered 429.',
      warn: true,
    });
    expect(loginsSentence({ ...load(0), accounts: { source: 'register', size: 50 } } as LoadResult)).toBeNull();
  });
});
