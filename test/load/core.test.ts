import { describe, expect, it } from 'vitest';
import {
  allocateVus,
  buildRequest,
  captureVars,
  pick,
  render,
  stepsFor,
  type PlanJourney,
} from '../../scenarios/journey-core.ts';
import { LoadConfig } from '../../load/config.ts';
import { buildPlan, durationToS, thresholdsFromKpis } from '../../load/plan.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.ts';
import { segmentArgs } from '../../load/k6/engine.ts';
import { defaultWorkers, splitConnections } from '../../load/autocannon/engine.ts';

const step = LoadConfig.parse({
  journeys: [
    {
      name: 'j',
      steps: [
        {
          name: 'login',
          method: 'POST',
          path: '/login',
          body: { email: 'a@b.c', password: '{{env.PW}}', n: '{{vu}}' },
          capture: { token: 'data.access_token' },
          once: true,
        },
        { name: 'list', path: '/orders/{{id}}', bearer: 'token' },
      ],
    },
  ],
}).journeys[0]!;

describe('load config', () => {
  it('parses {} with every default', () => {
    const c = LoadConfig.parse({});
    expect(c).toMatchObject({
      journeys: [],
      thinkTimeS: 1,
      health: { path: '/health', intervalMs: 1000 },
      workers: 0,
      insecureTls: false,
      timeouts: { requestS: 10, gracefulStopS: 5, slackS: 60 },
    });
  });
  it('rejects unknown keys and bad addresses', () => {
    expect(LoadConfig.safeParse({ journies: [] }).success).toBe(false);
    expect(LoadConfig.safeParse({ sourceAddress: 'localhost' }).success).toBe(false);
    expect(LoadConfig.safeParse({ sourceAddress: '127.0.0.2' }).success).toBe(true);
  });
});

describe('journey core', () => {
  it('splits VUs by weight with largest remainders, summing to the total', () => {
    expect(allocateVus([{ weight: 2 }, { weight: 2 }, { weight: 1 }], 50)).toEqual([20, 20, 10]);
    expect(allocateVus([{ weight: 1 }, { weight: 1 }, { weight: 1 }], 50)).toEqual([17, 17, 16]);
    expect(allocateVus([{ weight: 1 }, { weight: 3 }], 1)).toEqual([0, 1]);
  });
  it('runs once-steps only in the first iteration', () => {
    const j = step as unknown as PlanJourney;
    expect(stepsFor(j, true).map((s) => s.name)).toEqual(['login', 'list']);
    expect(stepsFor(j, false).map((s) => s.name)).toEqual(['list']);
  });
  it('fills templates from variables and the environment, keeping numbers numeric', () => {
    expect(
      render({ a: '{{x}}', b: 'id-{{x}}', c: ['{{env.PW}}'] }, { x: '7' }, (n) => (n === 'PW' ? 's3cret' : undefined)),
    ).toEqual({ a: 7, b: 'id-7', c: ['s3cret'] });
    const r = buildRequest(step.steps[0] as never, { vu: '3' }, () => 'pw');
    expect(r).toEqual({
      method: 'POST',
      path: '/login',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.c', password: 'pw', n: 3 }),
    });
  });
  it('captures variables by dot path and sends them as a bearer token', () => {
    const vars: Record<string, string> = { id: '9' };
    expect(captureVars(step.steps[0] as never, '{"data":{"access_token":"T"}}', vars)).toBe(true);
    expect(buildRequest(step.steps[1] as never, vars, () => undefined)).toMatchObject({
      path: '/orders/9',
      headers: { Authorization: 'Bearer T' },
    });
    expect(captureVars(step.steps[0] as never, '{"detail":"no"}', {})).toBe(false);
    expect(captureVars(step.steps[0] as never, 'not json', {})).toBe(false);
    expect(pick({ a: [{ b: 1 }] }, 'a.0.b')).toBe(1);
  });
});

describe('plan', () => {
  it('reads k6 durations', () => {
    expect(durationToS('5m')).toBe(300);
    expect(durationToS('1m30s')).toBe(90);
    expect(durationToS('500ms')).toBe(0.5);
    expect(() => durationToS('5 minutes')).toThrow(UsageError);
  });
  it('turns the load KPIs of the default KPI file into k6 thresholds, leaving availability to gonogo', () => {
    const kpis = parseKpiText(
      readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
      'kpis.yaml',
    );
    expect(thresholdsFromKpis(kpis.kpis)).toEqual({
      http_req_duration: ['p(95)<200', 'avg<500', 'p(99)<2000'],
      http_req_failed: ['rate<0.001'],
      checks: ['rate>0.99'],
    });
  });
  it('refuses impossible profiles', () => {
    const base = { baseUrl: 'http://127.0.0.1:1', load: LoadConfig.parse({}), kpis: [], outDir: '/tmp' };
    expect(() => buildPlan({ ...base, vus: 0, duration: '1s' })).toThrow(UsageError);
    expect(() => buildPlan({ ...base, vus: 2, duration: '1s', shards: 3 })).toThrow(UsageError);
    expect(buildPlan({ ...base, vus: 2, duration: '1s' }).journeys[0]!.steps[0]!.path).toBe('/');
  });
  it('splits k6 shards into execution segments and autocannon VUs over workers', () => {
    expect(segmentArgs(0, 1)).toEqual([]);
    expect(segmentArgs(1, 3)).toEqual([
      '--execution-segment',
      '1/3:2/3',
      '--execution-segment-sequence',
      '0,1/3,2/3,1',
    ]);
    const j = { weight: 1, name: 'a', steps: [] };
    expect(splitConnections({ journeys: [j, { ...j, weight: 3 }], vus: 8 }, 2)).toEqual([
      [1, 3],
      [1, 3],
    ]);
    expect(splitConnections({ journeys: [j], vus: 1 }, 2)).toEqual([[1]]);
  });
  it('leaves a core to a target on this machine when it picks the number of autocannon workers', () => {
    for (const url of [
      'https://127.0.0.1:8443',
      'http://localhost:3000',
      'http://[::1]:80',
      'http://api.localhost',
      'http://127.0.0.2',
    ]) {
      expect([defaultWorkers(url, 2), defaultWorkers(url, 1), defaultWorkers(url, 8)], url).toEqual([1, 1, 2]);
    }
    for (const url of ['https://staging.example.com', 'http://10.0.0.5:8080', 'http://[2001:db8::1]/']) {
      expect([defaultWorkers(url, 2), defaultWorkers(url, 1), defaultWorkers(url, 8)], url).toEqual([2, 1, 2]);
    }
  });
});
