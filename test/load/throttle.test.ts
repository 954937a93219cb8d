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
import { USER_RATE_LIMIT_ENV } from '../../reference-app/index.ts';
import { accountsSentence, throttleSentence } from '../../reports/render/load-status.ts';
import { k6OnPath } from './helpers.ts';

const kpis = parseKpiText(
  readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
  'kpis.yaml',
);
const k6 = k6OnPath();
const VUS = 50;
/**
 * 40 API requests per user per 10 s. A VU makes at most 2 a second (0.5 s think time), 20 in a window:
 * half its own limit. 50 VUs on one account make up to 100 a second against the same 4.
 */
const USER_LIMIT = '40/10000';
const THINK_S = 0.5;

async function ctxFor(
  t: ReferenceTarget,
  engine: 'k6' | 'autocannon',
  accounts: 'pool' | 'shared',
  events: ProgressEvent[],
): Promise<SuiteContext> {
  const base = await loadExampleConfig(t.info, { suites: ['load'] });
  const load = base.load;
  const config = ConfigSchema.parse({
    ...base,
    load: {
      ...load,
      thinkTimeS: THINK_S,
      // The journeys that log in (browse is anonymous: it would only dilute the shares).
      journeys: load.journeys!.filter((j) => j.name !== 'browse'),
      ...(accounts === 'pool' ? { accounts: { register: { count: VUS } } } : {}),
    },
  });
  return {
    config,
    configDir: process.cwd(),
    kpis,
    outDir: mkdtempSync(join(tmpdir(), 'gonogo-throttle-')),
    signal: new AbortController().signal,
    progress: (e) => events.push(e),
    reference: t.info,
    load: { vus: VUS, duration: '10s', engine },
    secrets: new Set(t.secrets),
  };
}

const count = (r: LoadResult, status: number): number =>
  r.endpoints.reduce((s, e) => s + (e.statusCodes?.find((c) => c.status === status)?.count ?? 0), 0);

describe.each([
  ['autocannon', false],
  ['k6', k6 ? false : 'k6 is not on PATH (CI builds it)'],
] as const)('%s against a platform that throttles per user', (engine, skip) => {
  let t: ReferenceTarget;
  beforeAll(async () => {
    if (skip) return;
    if (engine === 'k6') process.env.PATH = `${k6!.replace(/\/k6$/, '')}:${process.env.PATH}`;
    t = await startReferenceTarget([], { ...process.env, [USER_RATE_LIMIT_ENV]: USER_LIMIT });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it.skipIf(Boolean(skip))(
    `with one registered account per VU, fewer than 1% of responses are 429${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      expect(t.info.userRateLimit).toEqual({ max: 40, windowMs: 10_000 });
      const events: ProgressEvent[] = [];
      const out = await runLoad(await ctxFor(t, engine, 'pool', events));
      expect(out.checks[0]).toMatchObject({ id: 'load.completed', status: 'pass' });
      const r = out.load!;
      expect(r.accounts).toMatchObject({ source: 'register', size: VUS });
      expect(r.accounts!.requested).toBeUndefined();
      // Each account logged in once before the load (load.logins.mode setup), and every login held.
      expect(r.endpoints.find((e) => e.name === 'login')).toBeUndefined();
      expect(r.accounts!.logins).toMatchObject({ mode: 'setup', loggedIn: VUS, loginRequests: VUS, throttled: 0 });
      const share429 = count(r, 429) / r.requests;
      expect(share429).toBeLessThan(0.01);
      for (const e of r.endpoints)
        expect(
          e.statusClasses!['2xx'] +
            e.statusClasses!['4xx'] +
            e.statusClasses!['5xx'] +
            e.statusClasses!.network +
            e.statusClasses!['3xx'] +
            e.statusClasses!['1xx'],
          e.name,
        ).toBe(e.requests);
      expect(throttleSentence(r)).toBeNull();
      expect(accountsSentence(r)).toMatch(
        /^Each of the 50 VUs logged in as its own account from load\.accounts\.register \(registered and verified by gonogo in \d+\.\d s\)\.$/,
      );
      expect(
        events.some((e) =>
          /^50 load accounts from load\.accounts\.register for 50 VUs, registered and verified in /.test(e.message),
        ),
      ).toBe(true);
      for (const a of [...t.secrets]) expect(JSON.stringify(out)).not.toContain(a);
    },
    180_000,
  );

  it.skipIf(Boolean(skip))(
    `with one account shared by every VU, most responses are 429 and the report says why${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      const out = await runLoad(await ctxFor(t, engine, 'shared', []));
      const r = out.load!;
      // The one account logged in once before the load; its 50 VUs share the token.
      expect(r.accounts).toMatchObject({
        source: 'list',
        size: 1,
        logins: { mode: 'setup', loggedIn: 1, loginRequests: 1, throttled: 0 },
      });
      const share429 = count(r, 429) / r.requests;
      expect(share429).toBeGreaterThan(0.5);
      const list = r.endpoints.find((e) => e.name === 'list-orders')!;
      expect(list.statusCodes![0]!.status).toBe(429);
      expect(throttleSentence(r)).toMatch(
        /^\d+% of responses were 429 Too Many Requests: the target throttled the load; give each VU its own account \(load\.accounts\) or allowlist the load generator\.$/,
      );
      expect(accountsSentence(r)).toBe(
        'All 50 VUs logged in as one account from load.accounts.list: a target that limits per user throttles them together.',
      );
    },
    120_000,
  );
});
