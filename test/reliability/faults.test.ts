import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FAULTS, startFaultServer, type Fault, type FaultServer } from '../fixtures/fault-server.ts';
import { faultProject, gonogo, FAULT_ENV } from './support.ts';
import type { Report } from '../../core/report-schema.ts';
import { slots } from '../helpers/slots.ts';

/**
 * The target-fault corpus: every fault x every suite must end in NO-GO with a reason, exit 1,
 * a complete report on disk, and never a crash or a GO.
 */
// The smoke runs take longest (a Playwright run each), so they queue first.
const SUITES = ['smoke', 'load', 'security'] as const;
/**
 * Runs side by side, each against its own fault server into its own folder: most of a run waits out the fault's
 * timeouts. One pool for all three suites, whose runs all go side by side, so the short security and load runs fill
 * the slots the smoke runs leave.
 */
const SIDE_BY_SIDE = 3;
const slot = slots(SIDE_BY_SIDE);
const RUN_TIMEOUT = 180_000;
/** Faults where no HTTP answer ever arrives (or none over a verified connection). */
const UNREACHABLE = new Set<Fault>([
  'refused',
  'reset',
  'not-tls',
  'untrusted-cert',
  'hang',
  'close-mid-body',
  'slow-body',
]);

// Set for the whole file: each in-process run puts back the environment it found, so runs side by side all keep it.
const saved = Object.fromEntries(Object.keys(FAULT_ENV).map((k) => [k, process.env[k]]));
beforeAll(() => {
  Object.assign(process.env, FAULT_ENV);
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

describe.concurrent.each(SUITES)('the %s suite against a faulty target', (suite) => {
  const servers = new Map<Fault, FaultServer>();
  beforeAll(async () => {
    for (const f of FAULTS) servers.set(f, await startFaultServer(f));
  });
  afterAll(async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  });

  // A run's timeout covers its wait for a slot.
  const timeout = RUN_TIMEOUT * Math.ceil((FAULTS.length * SUITES.length) / SIDE_BY_SIDE);
  it.concurrent.for([...FAULTS])(
    '%s -> NO-GO with a reason, never GO, never a crash',
    { timeout },
    async (fault, { expect }) =>
      slot(async () => {
        const server = servers.get(fault)!;
        const config = faultProject(server.baseUrl, server.caFile);
        const out = join(config, '..', 'results');
        const extra = suite === 'load' ? ['--vus', '2', '--duration', '2s', '--engine', 'autocannon'] : [];
        const r = await gonogo(['run', '--config', config, '--suite', suite, '--out', out, ...extra], FAULT_ENV);
        expect(r.code, r.err).toBe(1);
        const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
        expect(report.verdict.decision).toBe('NO-GO');
        expect(report.verdict.reasons.length).toBeGreaterThan(0);
        // Whatever could not be judged is visible as error/fail/not-measured, never as a pass of the target's protections.
        const judged = report.checks.filter((c) => c.area !== 'deps');
        expect(judged.length).toBeGreaterThan(0);
        expect(
          judged.every((c) => c.status !== 'pass') || report.kpis.some((k) => k.suite === suite && k.status !== 'pass'),
        ).toBe(true);
        if (suite === 'smoke') {
          // A target that gives no answer at all stops the smoke suite at its first request; any answer lets the checks run.
          const stopped = report.checks.filter(
            (c) => c.suite === 'smoke' && c.evidence.message?.includes('the smoke checks did not start'),
          );
          if (UNREACHABLE.has(fault))
            expect(stopped.length).toBe(report.checks.filter((c) => c.suite === 'smoke').length);
          else expect(stopped).toEqual([]);
        }
      }),
  );
});
