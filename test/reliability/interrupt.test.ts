import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readReport } from '../../reports/io.ts';
import { descendants, identify, listening, stillRunning, type Proc } from './procs.ts';

const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;

/**
 * SIGINT, SIGTERM or SIGHUP (a closed terminal) while a suite runs: every child (k6, Playwright, Chromium, the reference app's
 * servers) stops, the report so far is written, marked incomplete and NO-GO, and no port stays open.
 */
describe.each([
  // The security suite takes about a second: the signal goes out as soon as it starts.
  ['security', 'SIGINT', 0],
  ['smoke', 'SIGTERM', 15],
  ['load', 'SIGINT', 15],
  ['security', 'SIGHUP', 0],
] as const)('interrupting the %s suite with %s', (suite, signal, settleTicks) => {
  it('stops every child, writes an incomplete NO-GO report and frees the ports', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gonogo-int-')), 'run');
    const child = execa(
      'node',
      [BIN, 'run', '--reference', '--suite', suite, '--quick', '--duration', '30s', '--vus', '5', '--out', out],
      {
        reject: false,
        all: true,
        env: { GONOGO_DEBUG: '' },
      },
    );
    const seen = new Map<string, Proc>();
    const see = (pid: number): void => {
      const p = identify(pid);
      if (p) seen.set(`${p.pid}/${p.start}`, p);
    };
    let started = false;
    child.all!.on('data', (b: Buffer) => {
      if (!started && b.toString().includes(`${suite} starting`)) started = true;
    });
    const deadline = Date.now() + 60_000;
    // Collect descendants while the suite runs, so the check after exit covers processes that were alive.
    while (Date.now() < deadline && child.exitCode === null) {
      for (const p of descendants(child.pid!)) see(p);
      if (started) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(started, 'the suite started').toBe(true);
    // Let the suite get going (children spawned, requests in flight).
    for (let i = 0; i < settleTicks; i++) {
      for (const p of descendants(child.pid!)) see(p);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill(signal);
    const result = await child;
    expect(result.exitCode, result.all).toBe(1);

    const report = await readReport(join(out, 'report.json'));
    expect(report.verdict.decision).toBe('NO-GO');
    expect(report.verdict.complete).toBe(false);
    expect(report.run.interrupted).toBe(true);
    expect(report.verdict.reasons[0]).toMatch(/interrupted/);

    await new Promise((r) => setTimeout(r, 300));
    expect(
      [...seen.values()].filter(stillRunning).map((p) => `${p.pid} ${p.cmd}`),
      'processes left behind',
    ).toEqual([]);
    const port = Number(new URL(report.run.target.baseUrl).port);
    expect(await listening(port), `port ${port} still open`).toBe(false);
  });
});
