import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/gonogo.js', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/**
 * A full run with known secret values (the seeded accounts' password, the JWT signing key, the
 * webhook secret): none of them, and no bearer token, may appear in any output file or stream.
 */
describe('secrets never leak', () => {
  it('scans every output file, stdout and stderr of a full run: zero occurrences', async () => {
    const secrets = {
      GONOGO_REFERENCE_PASSWORD: 'Leak-Canary-Pw-4417!x',
      GONOGO_REFERENCE_JWT_SECRET: 'leak-canary-jwt-secret-5d1f0c9e8b7a',
      GONOGO_REFERENCE_WEBHOOK_SECRET: 'whsec_leakcanary6b2e9f04d3c1',
    };
    const out = join(mkdtempSync(join(tmpdir(), 'gonogo-leak-')), 'run');
    const r = await execa('node', [BIN, 'run', '--reference', '--quick', '--duration', '3s', '--vus', '3', '--out', out], {
      reject: false, env: { ...secrets, GONOGO_DEBUG: '' },
    });
    expect([0, 1]).toContain(r.exitCode);
    const all = files(out);
    expect(all.length).toBeGreaterThan(5);
    const sources = [['stdout', r.stdout], ['stderr', r.stderr], ...all.map((f) => [f, readFileSync(f).toString('latin1')])] as const;
    const leaks: string[] = [];
    for (const [where, text] of sources) {
      for (const [name, value] of Object.entries(secrets)) if (text.includes(value)) leaks.push(`${name} in ${where}`);
      // A JWT is header.payload.signature, both first parts base64url of JSON objects.
      const jwt = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/.exec(text);
      if (jwt) leaks.push(`a token in ${where}: ${jwt[0].slice(0, 24)}...`);
    }
    expect(leaks).toEqual([]);
  }, 240_000);
});
