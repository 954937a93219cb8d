import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceTarget, type ReferenceTarget } from '../../cli/reference-target.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { loadExampleConfig } from '../../reference-app/example-env.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { runLoad } from '../../load/index.ts';
import type { SuiteContext, ProgressEvent } from '../../config/suite.ts';
import type { LoadResult } from '../../core/report-schema.ts';
import { ACCESS_TTL_ENV, LOGIN_RATE_LIMIT_ENV } from '../../reference-app/index.ts';
import { loginsSentence } from '../../reports/render/load-status.ts';
import { k6OnPath } from './helpers.ts';

const kpis = parseKpiText(
  readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
  'kpis.yaml',
);
const k6 = k6OnPath();
const VUS = 12;
/** 5 logins per 10 s per address, for every address: a burst of the pool's 12 logins is 7 over. */
const LOGIN_LIMIT = '5/10000';
/** Tokens live 10 s (renewed 5 s early): a 15 s run renews each one at least twice. */
const TTL_S = 10;

async function ctxFor(
  t: ReferenceTarget,
  engine: 'k6' | 'autocannon',
  mode: 'setup' | 'journey',
  events: ProgressEvent[],
  accounts: unknown,
): Promise<SuiteContext> {
  const base = await loadExampleConfig(t.info, { suites: ['load'] });
  const config = ConfigSchema.parse({
    ...base,
    load: {
      ...base.load,
      thinkTimeS: 0.5,
      journeys: [
        {
          name: 'orders',
          steps: [
            {
              name: 'login',
              method: 'POST',
              path: '/api/v1/auth/token/',
              once: true,
              body: { email: '{{account.email}}', password: '{{account.password}}' },
              capture: { token: 'access' },
            },
            { name: 'list-orders', path: '/api/v1/orders/', bearer: 'token' },
          ],
        },
      ],
      accounts,
      logins: { mode, renewBeforeS: 5, maxS: 60 },
    },
  });
  return {
    config,
    configDir: process.cwd(),
    kpis,
    outDir: mkdtempSync(join(tmpdir(), 'gonogo-logins-')),
    signal: new AbortController().signal,
    progress: (e) => events.push(e),
    reference: t.info,
    load: { vus: VUS, duration: '15s', engine },
    secrets: new Set(t.secrets),
  };
}

const codes = (r: LoadResult, name: string) => r.endpoints.find((e) => e.name === name)?.statusCodes ?? [];

describe.each([
  ['autocannon', false],
  ['k6', k6 ? false : 'k6 is not on PATH nor in ~/go/bin'],
] as const)('%s against a login limit per address that a burst of the pool exceeds (drf)', (engine, skip) => {
  let t: ReferenceTarget;
  beforeAll(async () => {
    if (skip) return;
    if (engine === 'k6') process.env.PATH = `${k6!.replace(/\/k6$/, '')}:${process.env.PATH}`;
    t = await startReferenceTarget(
      [],
      { ...process.env, [LOGIN_RATE_LIMIT_ENV]: LOGIN_LIMIT, [ACCESS_TTL_ENV]: String(TTL_S) },
      'drf',
    );
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it.skipIf(Boolean(skip))(
    "logs the pool in at the model's rate before the load, renews every token through the refresh route, and meets no 429",
    async () => {
      expect(t.info.loginRateLimit).toEqual({ max: 5, windowMs: 10_000 });
      expect(t.info.accessLifetimeS).toBe(TTL_S);
      const events: ProgressEvent[] = [];
      const ctx = await ctxFor(t, engine, 'setup', events, { register: { count: VUS } });
      // The drf example declares the platform's login limit from the environment the platform was started with.
      expect(ctx.config.smoke.ratelimit.login).toMatchObject({
        key: 'address',
        limit: 5,
        windowS: 10,
        algorithm: 'sliding',
      });
      const out = await runLoad(ctx);
      expect(out.checks[0]).toMatchObject({ id: 'load.completed', status: 'pass' });
      const r = out.load!;
      const logins = r.accounts!.logins!;
      // 12 logins at 5 per 10 s: the last goes after two windows have turned.
      expect(logins).toMatchObject({
        mode: 'setup',
        loggedIn: VUS,
        loginRequests: VUS,
        throttled: 0,
        model: 'sliding 5/10s keyed by address',
        maxS: 60,
      });
      expect(logins.ms).toBeGreaterThanOrEqual(20_000);
      expect(logins.ms).toBeLessThan(30_000);
      // No VU logged in itself: the login route is not in the load at all.
      expect(codes(r, 'login')).toEqual([]);
      const refresh = codes(r, 'token-refresh');
      expect(refresh.map((c) => c.status)).toEqual([200]);
      expect(refresh[0]!.count).toBeGreaterThanOrEqual(VUS);
      expect(codes(r, 'list-orders').map((c) => c.status)).toEqual([200]);
      expect(r.errorRate).toBe(0);
      expect(loginsSentence(r)).toMatch(
        /^gonogo logged in 12 of 12 load accounts before the load in 2\d\.\d s, paced to the login model \(sliding 5\/10s keyed by address\); no login was answered 429\.$/,
      );
      // Told before the wait: 12 logins at 5 per 10 s go at 0, 10.25 and 20.5 s.
      expect(events.map((e) => e.message)).toContain(
        'logging in 12 load accounts before the load, paced to the login model (sliding 5/10s keyed by address): about 21 s (at most load.logins.maxS, 60 s)',
      );
      expect(events.some((e) => /^logged in 12 load accounts before the load in /.test(e.message))).toBe(true);
      for (const s of t.secrets) expect(JSON.stringify(out)).not.toContain(s);
    },
    240_000,
  );

  it.skipIf(Boolean(skip))(
    'refuses a pool the model cannot log in within load.logins.maxS, before any login',
    async () => {
      const ctx = await ctxFor(t, engine, 'setup', [], { register: { count: VUS } });
      const config = ConfigSchema.parse({
        ...ctx.config,
        load: { ...ctx.config.load, logins: { ...ctx.config.load.logins, maxS: 15 } },
      });
      const out = await runLoad({ ...ctx, config });
      expect(out.checks[0]).toMatchObject({ id: 'load.completed', status: 'error' });
      expect(out.checks[0]!.evidence.message).toMatch(
        /^the load run did not start: logging in 12 load accounts at the login model's rate \(sliding 5\/10s keyed by address, smoke\.ratelimit\.login\) takes at least 2\d s, more than load\.logins\.maxS \(15 s\): raise load\.logins\.maxS/,
      );
      expect(out.load).toBeUndefined();
    },
    240_000,
  );

  it.skipIf(Boolean(skip))(
    "without the login phase (load.logins.mode journey), the VUs' own burst of logins meets the limit",
    async () => {
      const out = await runLoad(await ctxFor(t, engine, 'journey', [], { register: { count: VUS } }));
      const r = out.load!;
      expect(r.accounts!.logins).toBeUndefined();
      const login = codes(r, 'login');
      expect(login.find((c) => c.status === 429)?.count ?? 0).toBeGreaterThan(0);
      expect(r.errorRate).toBeGreaterThan(0.001);
    },
    240_000,
  );
});
