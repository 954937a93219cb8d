import { describe, expect, it } from 'vitest';
import { smokeAgainstDialect } from './harness.ts';

const RUN_TIMEOUT = 240_000;

describe('smoke suite on the fastapi dialect, driven only by examples/fastapi/gonogo.config.ts', () => {
  it('passes every check on the clean platform', async () => {
    const out = await smokeAgainstDialect('fastapi', []);
    const notPassing = out.checks.filter((c) => c.status !== 'pass');
    expect(notPassing.map((c) => `${c.id}: ${c.status} ${c.evidence.message ?? ''}`)).toEqual([]);
    expect(out.checks.length).toBeGreaterThan(40);
  }, RUN_TIMEOUT);
});
