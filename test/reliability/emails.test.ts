import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { faultProject, FAULT_ENV } from './support.ts';

const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;

/** Masking is the default (secrets.test.ts proves it on a full run); a team that needs the addresses says so in the config. */
describe('report.showEmails', () => {
  let target: FaultServer;
  beforeAll(async () => {
    target = await startFaultServer('empty');
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('true keeps the addresses in the evidence', async () => {
    const config = faultProject(target.baseUrl, target.caFile, 'report: { showEmails: true },');
    const out = join(config, '..', 'out');
    const r = await execa('node', [BIN, 'run', '--config', config, '--suite', 'smoke', '--out', out], {
      reject: false,
      env: { ...FAULT_ENV, GONOGO_DEBUG: '' },
    });
    expect(r.exitCode, r.stderr).toBe(1);
    const evidence = JSON.stringify(
      (
        JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { checks: Array<{ evidence: unknown }> }
      ).checks.map((c) => c.evidence),
    );
    // The fault target answers the login with an empty 200: the check says which account got no token.
    expect(evidence).toContain('c1@fault.test');
    expect(evidence).not.toContain('***@');
  }, 240_000);
});
