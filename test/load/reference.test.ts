import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceTarget, type ReferenceTarget } from '../../cli/reference-target.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { loadExampleConfig } from '../../reference-app/example-env.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { runLoad } from '../../load/index.ts';
import type { SuiteContext, ProgressEvent } from '../../config/suite.ts';
import { k6OnPath } from './helpers.ts';
import { K6_FILES } from '../../load/k6/files.ts';

const kpis = parseKpiText(
  readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
  'kpis.yaml',
);
const k6 = k6OnPath();

async function ctxFor(t: ReferenceTarget, engine: 'k6' | 'autocannon', events: ProgressEvent[]): Promise<SuiteContext> {
  const base = await loadExampleConfig(t.info, { suites: ['load'] });
  const config = ConfigSchema.parse({ ...base, load: { ...base.load, thinkTimeS: 0.2 } });
  return {
    config,
    configDir: process.cwd(),
    kpis,
    outDir: mkdtempSync(join(tmpdir(), 'gonogo-ref-load-')),
    signal: new AbortController().signal,
    progress: (e) => events.push(e),
    reference: t.info,
    load: { vus: 6, duration: '3s', engine },
    secrets: new Set(t.secrets),
  };
}

describe.each([
  ['autocannon', false],
  ['k6', k6 ? false : 'k6 is not on PATH (CI builds it)'],
] as const)('%s against the reference platform', (engine, skip) => {
  for (const flaws of [[], ['slow']] as string[][]) {
    describe(flaws.length ? 'flaw slow' : 'clean', () => {
      let t: ReferenceTarget;
      beforeAll(async () => {
        if (!skip) t = await startReferenceTarget(flaws, process.env);
      }, 60_000);
      afterAll(async () => {
        await t?.stop();
      });
      it.skipIf(Boolean(skip))(
        `runs the default journeys and measures the load KPIs${skip ? ` (skipped: ${skip})` : ''}`,
        async () => {
          const events: ProgressEvent[] = [];
          if (engine === 'k6') process.env.PATH = `${k6!.replace(/\/k6$/, '')}:${process.env.PATH}`;
          const ctx = await ctxFor(t, engine, events);
          const out = await runLoad(ctx);
          expect(out.engine).toBe(engine);
          // One flat layout: the suite's folder holds the engine's files directly, no load/ or k6/ folder inside.
          const files = readdirSync(ctx.outDir, { withFileTypes: true });
          expect(files.filter((f) => f.isDirectory()).map((f) => f.name)).toEqual([]);
          expect(files.map((f) => f.name).sort()).toEqual(
            engine === 'k6' ? [K6_FILES.caBundle, K6_FILES.plan, K6_FILES.summary(0, 1)].sort() : [],
          );
          if (engine === 'k6') expect(K6_FILES.summary(0, 1)).toBe('k6-summary.json');
          expect(out.checks).toHaveLength(1);
          expect(out.checks[0]).toMatchObject({ id: 'load.completed', status: 'pass', level: 'blocker' });
          const r = out.load!;
          expect(r.endpoints.map((e) => e.name).sort()).toEqual([
            'create-order',
            'health',
            'list-orders',
            'login-page',
          ]);
          // Every journey held: the pool's one account logged in once before the load (its VUs share the token), no failed request, no failed check.
          expect(r.accounts!.logins).toMatchObject({ mode: 'setup', loggedIn: 1, loginRequests: 1, throttled: 0 });
          expect(r.errors).toBe(0);
          expect(r.checks!.fails).toBe(0);
          expect(JSON.stringify(out)).not.toContain(t.info.accounts.find((a) => a.role === 'client')!.password);
          const p95 = out.measurements.find((m) => m.metric === 'http_req_duration')!.values['p(95)']!;
          if (flaws.includes('slow')) {
            // The flaw adds 300 ms to every /api route (a floor, not a timing estimate): the p95 KPI (<200) fails.
            expect(p95).toBeGreaterThanOrEqual(300);
          } else {
            expect(p95).toBeGreaterThan(0);
          }
          expect(events.some((e) => e.kind === 'tick')).toBe(true);
          expect(events[0]!.message).toMatch(new RegExp(`^${engine} `));
        },
        60_000,
      );
    });
  }
});
