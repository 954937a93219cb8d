import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutocannonEngine } from '../../load/autocannon/engine.ts';
import { K6Engine } from '../../load/k6/engine.ts';
import type { LoadEngine } from '../../load/engine.ts';
import { buildPlan, type LoadTick } from '../../load/plan.ts';
import { LoadConfig, type LoadConfigInput } from '../../load/config.ts';
import { measurementsFor } from '../../load/measure.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { LoadResult } from '../../core/report-schema.ts';
import { decodeHistogram } from '../../load/histogram.ts';
import { k6OnPath, startTarget } from './helpers.ts';

const kpis = parseKpiText(
  readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
  'kpis.yaml',
);
const k6 = k6OnPath();
let target: Awaited<ReturnType<typeof startTarget>>;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.stop();
});

const journeys: LoadConfigInput = {
  thinkTimeS: 0.05,
  journeys: [
    {
      name: 'browse',
      weight: 1,
      steps: [
        { name: 'home', path: '/' },
        { name: 'missing', path: '/missing', expect: [200] },
      ],
    },
    {
      name: 'orders',
      weight: 2,
      steps: [
        {
          name: 'login',
          method: 'POST',
          path: '/login',
          body: { password: '{{env.TARGET_PASSWORD}}' },
          capture: { token: 'access_token' },
          once: true,
        },
        { name: 'list', path: '/orders', bearer: 'token' },
      ],
    },
  ],
};

function planFor(vus: number) {
  const plan = buildPlan({
    baseUrl: target.url,
    load: LoadConfig.parse(journeys),
    vus,
    duration: '2s',
    kpis: kpis.kpis,
    outDir: mkdtempSync(join(tmpdir(), 'gonogo-load-')),
    env: { TARGET_PASSWORD: 'correct-horse' },
  });
  const ticks: LoadTick[] = [];
  plan.onTick = (t) => ticks.push(t);
  return { plan, ticks };
}

/** The journeys with the orders login templated on the pool account; passwords are pw:<email>, which the target accepts. */
const pooled = (size: number) => {
  const { plan } = planFor(6);
  plan.journeys = LoadConfig.parse({
    ...journeys,
    accounts: { listEnv: 'UNUSED_IN_THIS_TEST' },
    journeys: journeys.journeys!.map((j) =>
      j.name !== 'orders'
        ? j
        : {
            ...j,
            steps: [
              { ...j.steps[0]!, body: { email: '{{account.email}}', password: '{{account.password}}' } },
              j.steps[1]!,
            ],
          },
    ),
  }).journeys;
  plan.accounts = Array.from({ length: size }, (_, i) => ({
    email: `load-${i + 1}@example.test`,
    password: `pw:load-${i + 1}@example.test`,
  }));
  return plan;
};

const engines: [string, () => LoadEngine, string | false][] = [
  ['autocannon', () => new AutocannonEngine(), false],
  ['k6', () => new K6Engine(k6 ?? undefined), k6 ? false : 'k6 is not on PATH (CI builds it)'],
];

describe.each(engines)('%s engine against a local server', (name, make, skip) => {
  it.skipIf(Boolean(skip))(
    `runs the journeys: login once per VU, token reused, unexpected statuses counted as failures${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      target.hits.clear();
      const { plan, ticks } = planFor(6);
      const run = await make().run(plan);
      const r = LoadResult.parse(run.result);
      const ep = Object.fromEntries(r.endpoints.map((e) => [e.name, e]));
      // 6 VUs by weight 1:2 -> 2 browse, 4 orders; each orders VU logs in exactly once.
      expect(ep.login?.requests).toBe(4);
      expect(ep.login?.errors).toBe(0);
      expect(ep.list!.requests).toBeGreaterThan(4);
      expect(ep.list!.errors).toBe(0);
      expect(ep.missing!.errors).toBe(ep.missing!.requests);
      expect(ep.home!.requests).toBeGreaterThanOrEqual(ep.missing!.requests);
      expect(r.errors).toBe(ep.missing!.requests);
      expect(r.requests).toBe(r.endpoints.reduce((s, e) => s + e.requests, 0));
      // Every response counted by status: the 404s of /missing, 200s elsewhere, nothing lost between the two tallies.
      expect(ep.missing!.statusCodes).toEqual([{ status: 404, count: ep.missing!.requests }]);
      expect(ep.missing!.statusClasses).toEqual({
        '1xx': 0,
        '2xx': 0,
        '3xx': 0,
        '4xx': ep.missing!.requests,
        '5xx': 0,
        network: 0,
      });
      expect(ep.login!.statusCodes).toEqual([{ status: 200, count: 4 }]);
      expect(ep.list!.statusClasses!['2xx']).toBe(ep.list!.requests);
      expect(r.checks!.fails).toBe(ep.missing!.requests);
      expect(r.availability!.polls).toBeGreaterThanOrEqual(2);
      expect(r.availability!.ok).toBe(r.availability!.polls);
      expect(r.latencyMs.p95).toBeGreaterThan(0);
      expect(r.timeline.length).toBeGreaterThanOrEqual(1);
      expect(ticks.length).toBeGreaterThanOrEqual(1);
      expect(run.thresholdsCrossed).toBe(name === 'k6' ? run.result.errorRate >= 0.001 : false);

      const m = Object.fromEntries(measurementsFor(r, kpis.kpis).map((x) => [x.metric, x]));
      expect(Object.keys(m).sort()).toEqual(['availability', 'checks', 'http_req_duration', 'http_req_failed']);
      expect(Object.keys(m.http_req_duration!.values).sort()).toEqual(['avg', 'p(95)', 'p(99)']);
      expect(m.http_req_failed!.values.rate).toBeCloseTo(r.errorRate, 10);
      expect(m.http_req_failed!.samples).toBe(r.requests);
      expect(m.availability!.note).toMatch(/too few to support the KPI/);
    },
  );
});

describe.each(engines)('%s engine with an account pool', (_name, make, skip) => {
  it.skipIf(Boolean(skip))(
    `logs each VU in as account i mod pool size, with its own password${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      target.logins.length = 0;
      const r = (await make().run(pooled(6))).result;
      // Four orders VUs, six accounts: four logins, four different accounts, all accepted.
      expect(r.endpoints.find((e) => e.name === 'login')).toMatchObject({ requests: 4, errors: 0 });
      expect(new Set(target.logins).size).toBe(4);
      for (const email of target.logins) expect(email).toMatch(/^load-[1-6]@example\.test$/);

      target.logins.length = 0;
      await make().run(pooled(2));
      // A pool of two for four VUs: VU i takes account i-1 mod 2. Which four of the six VU ids the orders journey
      // gets is k6's choice (its scenarios draw VUs from one pool), but any four of 1..6 hold both parities.
      expect(target.logins).toHaveLength(4);
      expect(new Set(target.logins)).toEqual(new Set(['load-1@example.test', 'load-2@example.test']));
    },
  );
});

describe('k6 engine in two shards with an account pool', () => {
  it.skipIf(!k6)(
    `numbers VUs across the shards, so no two VUs share an account of a large enough pool${k6 ? '' : ' (skipped: k6 not on PATH)'}`,
    async () => {
      target.logins.length = 0;
      // Eight accounts for six VUs: VU i takes account i-1, whichever shard runs it.
      const plan = pooled(8);
      plan.shards = 2;
      await new K6Engine().run(plan);
      // Four orders VUs over two execution segments: k6 gives each VU its id in the whole test, not in its segment.
      expect(target.logins).toHaveLength(4);
      expect(new Set(target.logins).size).toBe(4);
    },
  );
});

describe('autocannon engine with two worker threads', () => {
  it('splits the VUs over both threads and merges every response exactly', async () => {
    target.hits.clear();
    const { plan } = planFor(6);
    plan.workers = 2;
    const r = LoadResult.parse((await new AutocannonEngine().run(plan)).result);
    const ep = Object.fromEntries(r.endpoints.map((e) => [e.name, e]));
    // The four orders VUs sit in both threads (2 + 2); each logs in exactly once.
    expect(ep.login?.requests).toBe(4);
    expect(target.hits.get('/login')).toBe(4);
    // Every merged count is the sum over both threads: endpoints and the histograms agree.
    expect(r.requests).toBe(r.endpoints.reduce((s, e) => s + e.requests, 0));
    expect(decodeHistogram(r.histogram).totalCount).toBe(r.requests);
    for (const e of r.endpoints) expect(decodeHistogram(e.histogram!).totalCount, e.name).toBe(e.requests);
    for (const e of r.endpoints)
      expect(e.statusCodes!.reduce((n, c) => n + c.count, 0) + e.statusClasses!.network, e.name).toBe(e.requests);
    // The target served at least what was counted; only requests still in flight at the stop may be missing.
    const served =
      (target.hits.get('/') ?? 0) + (target.hits.get('/missing') ?? 0) + (target.hits.get('/orders') ?? 0) + 4;
    expect(r.requests).toBeLessThanOrEqual(served);
    expect(r.requests).toBeGreaterThanOrEqual(served - 6);
  });
  it('numbers VUs across both threads, so no two VUs share an account of a large enough pool', async () => {
    target.logins.length = 0;
    const plan = pooled(6);
    plan.workers = 2;
    await new AutocannonEngine().run(plan);
    expect(target.logins).toHaveLength(4);
    expect(new Set(target.logins).size).toBe(4);
  });
});
