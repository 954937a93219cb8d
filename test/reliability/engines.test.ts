import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readReport } from '../../reports/io.ts';

const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;
/** A PATH with node but without k6 (CI puts k6 in ~/go/bin). */
const NO_K6_PATH = '/usr/local/bin:/usr/bin:/bin';

/** A fake k6: answers `k6 version`, and on `k6 run` does what the test asks (crash, or truncated output). */
function fakeK6(behaviour: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-fake-k6-'));
  const file = join(dir, 'k6');
  writeFileSync(
    file,
    `#!/bin/sh
if [ "$1" = "version" ]; then echo "k6 v1.8.1 (fake, linux/amd64)"; exit 0; fi
${behaviour}
`,
  );
  chmodSync(file, 0o755);
  return dir;
}

function loadRun(env: Record<string, string>, extra: string[] = []) {
  const out = join(mkdtempSync(join(tmpdir(), 'gonogo-eng-')), 'run');
  const run = execa(
    'node',
    [BIN, 'run', '--reference', '--suite', 'load', '--vus', '2', '--duration', '2s', '--out', out, ...extra],
    {
      reject: false,
      env: { ...env, GONOGO_DEBUG: '' },
      extendEnv: true,
    },
  );
  return { out, run };
}

describe('engine faults', () => {
  it('without k6, auto falls back to autocannon and the report says so', async () => {
    const { out, run } = loadRun({ PATH: NO_K6_PATH });
    const r = await run;
    expect([0, 1]).toContain(r.exitCode);
    const report = await readReport(join(out, 'report.json'));
    expect(report.run.engine).toBe('autocannon');
    expect(JSON.stringify(report.checks.find((c) => c.id === 'load.completed')!.evidence)).toMatch(/k6 is not on PATH/);
  });

  it('--engine k6 without k6 exits 2 with install instructions, before any suite runs', async () => {
    const { out, run } = loadRun({ PATH: NO_K6_PATH }, ['--engine', 'k6']);
    const r = await run;
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/go install go\.k6\.io\/k6/);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('Usage error')),
    ).toHaveLength(1);
    await expect(readReport(join(out, 'report.json'))).rejects.toThrow(/cannot read/);
  });

  it('k6 crashing mid-run is an engine error: load.completed errors, NO-GO, never a pass', async () => {
    const dir = fakeK6(
      'echo \'{"type":"Point","metric":"http_req_duration","data":{"time":"2026-11-22T04:00:00Z","value":12.5,"tags":{"name":"health","status":"200"}}}\'\necho "panic: runtime error: invalid memory address" >&2\nkill -SEGV $$',
    );
    const { out, run } = loadRun({ PATH: `${dir}:${NO_K6_PATH}` }, ['--engine', 'k6']);
    const r = await run;
    expect(r.exitCode).toBe(1);
    const report = await readReport(join(out, 'report.json'));
    expect(report.verdict.decision).toBe('NO-GO');
    const completed = report.checks.find((c) => c.id === 'load.completed')!;
    expect(completed.status).toBe('error');
    expect(report.kpis.filter((k) => k.suite === 'load').every((k) => k.status !== 'pass')).toBe(true);
  });

  it('truncated k6 output with exit 0 is not a measurement', async () => {
    const dir = fakeK6('echo \'{"type":"Point","metric":"http_req_dur\'\nexit 0');
    const { out, run } = loadRun({ PATH: `${dir}:${NO_K6_PATH}` }, ['--engine', 'k6']);
    const r = await run;
    expect(r.exitCode).toBe(1);
    const report = await readReport(join(out, 'report.json'));
    expect(report.checks.find((c) => c.id === 'load.completed')!.status).toBe('error');
    expect(report.kpis.filter((k) => k.suite === 'load').every((k) => k.status === 'not-measured')).toBe(true);
  });
});

describe('bad files given to compare, trend and merge exit 2 with a clear message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bad-'));
  const files = {
    corrupt: ['corrupt.json', 'this is { not json'],
    truncated: ['truncated.json', '{"schemaVersion": 1, "tool": {"name": "gonogo", "vers'],
    'wrong-version': ['v9.json', JSON.stringify({ schemaVersion: 9, tool: { name: 'gonogo', version: '9.0.0' } })],
  } as const;
  for (const [, [name, text]] of Object.entries(files)) writeFileSync(join(dir, name), text);

  it.each(Object.keys(files))('%s', async (kind) => {
    const file = join(dir, files[kind as keyof typeof files][0]);
    for (const argv of [
      ['compare', file, file],
      ['trend', file],
      ['merge', file, '--out', join(dir, 'merged.json')],
    ]) {
      const r = await execa('node', [BIN, ...argv], { reject: false });
      expect(r.exitCode, `${argv[0]} ${kind}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(file);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
