import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, startFaultServer, type Fault, type FaultServer } from '../fixtures/fault-server.ts';
import { faultProject, gonogo, FAULT_ENV } from './support.ts';
import type { Report } from '../../reports/schema.ts';

/**
 * The target-fault corpus: every fault x every suite must end in NO-GO with a reason, exit 1,
 * a complete report on disk, and never a crash or a GO.
 */
const SUITES = ['security', 'load', 'smoke'] as const;

describe.each(SUITES)('the %s suite against a faulty target', (suite) => {
  const servers = new Map<Fault, FaultServer>();
  beforeAll(async () => {
    for (const f of FAULTS) servers.set(f, await startFaultServer(f));
  });
  afterAll(async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  });

  it.each(FAULTS)('%s -> NO-GO with a reason, never GO, never a crash', async (fault) => {
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
    expect(judged.every((c) => c.status !== 'pass') || report.kpis.some((k) => k.suite === suite && k.status !== 'pass')).toBe(true);
  }, 180_000);
});
