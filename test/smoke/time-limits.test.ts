import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { faultProject, gonogo, FAULT_ENV } from '../reliability/support.ts';
import type { Report } from '../../core/report-schema.ts';

describe('a smoke suite that runs out of its time', () => {
  let server: FaultServer;
  beforeAll(async () => {
    server = await startFaultServer('server-error');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('says which setting stopped it: smoke.timeoutS', { timeout: 90_000 }, async () => {
    // Two seconds do not even let Playwright start its workers.
    const config = faultProject(server.baseUrl, server.caFile);
    writeFileSync(config, readFileSync(config, 'utf8').replace('timeoutS: 90,', 'timeoutS: 2,'));
    const out = join(config, '..', 'results');
    const r = await gonogo(['run', '--config', config, '--suite', 'smoke', '--out', out], FAULT_ENV);
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const smoke = report.checks.filter((c) => c.suite === 'smoke' && c.status === 'error');
    expect(smoke.length).toBeGreaterThan(0);
    // A loaded machine may spend part of the two seconds before Playwright starts: the phase gets what is left (at least 1 s).
    expect(smoke[0]!.evidence.message, JSON.stringify(report.verdict.reasons)).toMatch(
      /the checks phase was stopped after [12] s: the whole smoke suite must finish within smoke\.timeoutS \(2 s\); raise smoke\.timeoutS/,
    );
  });
});
