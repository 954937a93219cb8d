import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;

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
    const r = await execa(
      'node',
      [BIN, 'run', '--reference', '--quick', '--duration', '3s', '--vus', '3', '--out', out],
      {
        reject: false,
        env: { ...secrets, GONOGO_DEBUG: '' },
      },
    );
    expect([0, 1]).toContain(r.exitCode);
    const all = files(out);
    expect(all.length).toBeGreaterThan(5);
    const sources = [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
      ...all.map((f) => [f, readFileSync(f).toString('latin1')]),
    ] as const;
    const leaks: string[] = [];
    for (const [where, text] of sources) {
      for (const [name, value] of Object.entries(secrets)) if (text.includes(value)) leaks.push(`${name} in ${where}`);
      // A JWT is header.payload.signature, both first parts base64url of JSON objects.
      const jwt = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/.exec(text);
      if (jwt) leaks.push(`a token in ${where}: ${jwt[0].slice(0, 24)}...`);
    }
    expect(leaks).toEqual([]);

    // Addresses in the evidence and on the console are masked (c***@reference.local) by default.
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      checks: Array<{ evidence: unknown }>;
    };
    const evidence = JSON.stringify(report.checks.map((c) => c.evidence));
    expect(evidence).toMatch(/[a-z]\*\*\*@reference\.local/);
    const email = /[A-Za-z0-9._%+-]{2,}@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/g;
    expect([...evidence.matchAll(email), ...r.stdout.matchAll(email)].map((m) => m[0])).toEqual([]);

    // The report set is owner-only, inside an owner-only folder.
    expect((statSync(out).mode & 0o777).toString(8)).toBe('700');
    const modes = Object.fromEntries(
      ['report.json', 'report.md', 'report.html', 'junit.xml', 'report.sarif'].map((f) => [
        f,
        (statSync(join(out, f)).mode & 0o777).toString(8),
      ]),
    );
    expect(modes).toEqual({
      'report.json': '600',
      'report.md': '600',
      'report.html': '600',
      'junit.xml': '600',
      'report.sarif': '600',
    });
  }, 240_000);
});
