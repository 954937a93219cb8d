import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readReport } from '../../reports/io.ts';

const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;

describe('concurrent runs and earlier reports', () => {
  it('two runs at once into the same results folder both write intact reports', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gonogo-conc-'));
    const run = () => execa('node', [BIN, 'run', '--reference', '--suite', 'security'], { cwd, reject: false });
    const [a, b] = await Promise.all([run(), run()]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const dirs = readdirSync(join(cwd, 'results'));
    expect(dirs).toHaveLength(2);
    const reports = await Promise.all(dirs.map((d) => readReport(join(cwd, 'results', d, 'report.json'))));
    expect(new Set(reports.map((r) => r.run.id)).size).toBe(2);
    expect(reports.map((r) => r.run.id).sort()).toEqual([...dirs].sort());
  });

  it('a run that dies half-way never damages the report already in its folder', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gonogo-keep-')), 'run');
    const first = await execa('node', [BIN, 'run', '--reference', '--suite', 'security', '--out', out], {
      reject: false,
    });
    expect(first.exitCode).toBe(0);
    const before = await readReport(join(out, 'report.json'));
    // Second run into the same folder, killed hard (no chance to clean up) while its suite runs.
    const second = execa('node', [BIN, 'run', '--reference', '--suite', 'security,smoke', '--out', out], {
      reject: false,
      all: true,
    });
    await new Promise<void>((resolve) =>
      second.all!.on('data', (d: Buffer) => {
        if (d.toString().includes('starting')) resolve();
      }),
    );
    second.kill('SIGKILL');
    await second;
    const after = await readReport(join(out, 'report.json'));
    expect(after.run.id).toBe(before.run.id);
  });
});
