import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_FILE } from '../../../reports/json-schema.ts';
import { readReport } from '../../../reports/io.ts';

const BIN = new URL('../../../dist/bin/gonogo.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gonogo-real-'));
const gonogo = (...argv: string[]) => execa('node', [BIN, ...argv], { reject: false });

/** Two real runs of the reference platform, clean and with HSTS off and TLS 1.0/1.1 on, compared. */
describe('comparing real runs of the reference platform', () => {
  beforeAll(async () => {
    const [clean, flawed] = await Promise.all([
      gonogo('run', '--reference', '--suite', 'security', '--label', 'v1.0.0', '--out', join(dir, 'clean')),
      gonogo(
        'run',
        '--reference',
        '--suite',
        'security',
        '--label',
        'v1.1.0',
        '--flaws',
        'missing-hsts,tls-legacy',
        '--out',
        join(dir, 'flawed'),
      ),
    ]);
    expect([clean.exitCode, flawed.exitCode]).toEqual([0, 1]);
  }, 120_000);

  it('writes report.json files that validate against the shipped JSON Schema', () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(REPORT_SCHEMA_FILE, 'utf8')));
    for (const run of ['clean', 'flawed']) {
      const report = JSON.parse(readFileSync(join(dir, run, 'report.json'), 'utf8'));
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('classifies the newly failing checks, names the drift in words and exits 1', async () => {
    const r = await gonogo(
      'compare',
      join(dir, 'clean', 'report.json'),
      join(dir, 'flawed', 'report.json'),
      '--format',
      'json',
    );
    expect(r.exitCode).toBe(1);
    const c = JSON.parse(r.stdout);
    expect(c.checks.newlyFailing.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining(['headers.hsts', 'tls.protocols', 'tls.ciphers']),
    );
    expect(c.checks.fixed).toEqual([]);
    expect(c.drift).toEqual(
      expect.arrayContaining(['TLS 1.0 re-enabled', 'TLS 1.1 re-enabled', 'HSTS removed (was max-age 63072000)']),
    );
    expect(c.drift.join('\n')).toMatch(/weak cipher suites? newly accepted/);
    expect(c.regressions.length).toBeGreaterThan(0);
  });

  it('the same comparison run the other way finds the fix and exits 0', async () => {
    const r = await gonogo(
      'compare',
      join(dir, 'flawed', 'report.json'),
      join(dir, 'clean', 'report.json'),
      '--format',
      'json',
    );
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).checks.fixed.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining(['headers.hsts']),
    );
  });

  it('run --baseline makes the regression part of the verdict', async () => {
    const r = await gonogo(
      'run',
      '--reference',
      '--suite',
      'security',
      '--flaws',
      'missing-hsts',
      '--baseline',
      join(dir, 'clean', 'report.json'),
      '--out',
      join(dir, 'gated'),
    );
    expect(r.exitCode).toBe(1);
    const report = await readReport(join(dir, 'gated', 'report.json'));
    expect(report.verdict.reasons.some((x) => x.startsWith('regression against the baseline'))).toBe(true);
    expect(report.baseline).toMatchObject({ label: 'v1.0.0', comparable: true });
  }, 60_000);
});
