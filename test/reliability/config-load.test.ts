import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../core/report-schema.ts';
import { closedPortProject, gonogoChild } from './child.ts';

/**
 * A gonogo.config.ts is code: it must not be able to hang gonogo, end it with a code of its choosing
 * or keep it alive after the report. Each case drives the real command as a child process.
 */
const EXPORT = `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 } };`;

async function runConfig(config: string, env: Record<string, string> = {}) {
  const p = closedPortProject({ config });
  const out = join(p.dir, 'out');
  const r = await gonogoChild(['run', '--config', p.config, '--suite', 'security', '--out', out], {
    env,
    timeoutMs: 45_000,
  });
  return { ...r, file: p.config, out };
}

describe('loading the config file', () => {
  it.each([
    ['a top-level await that can never settle', `await new Promise(() => {});\n${EXPORT}`, {}, 'top-level await'],
    [
      'a top-level await kept pending by a live timer, past GONOGO_CONFIG_TIMEOUT_S',
      `await new Promise(() => { setInterval(() => {}, 1000); });\n${EXPORT}`,
      { GONOGO_CONFIG_TIMEOUT_S: '2' },
      'did not finish within 2s',
    ],
    ['process.exit(0) at the top', `process.exit(0);\n${EXPORT}`, {}, 'called process.exit(0) while loading'],
    [
      'process.exit(0) whose throw the file swallows',
      `try { process.exit(0); } catch {}\n${EXPORT}`,
      {},
      'called process.exit(0) while loading',
    ],
    [
      'process.exit() after an await',
      `await new Promise((r) => setTimeout(r, 10));\nprocess.exit();\n${EXPORT}`,
      {},
      'called process.exit() while loading',
    ],
  ])('%s -> exit 2 with a config error naming the file, no report', async (_, config, env, needle) => {
    const r = await runConfig(config, env);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`Config error in ${r.file}: `);
    expect(r.err).toContain(needle);
    expect(existsSync(join(r.out, 'report.json'))).toBe(false);
  });

  it('a malformed GONOGO_CONFIG_TIMEOUT_S is refused', async () => {
    const r = await runConfig(EXPORT, { GONOGO_CONFIG_TIMEOUT_S: '1e3' });
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('GONOGO_CONFIG_TIMEOUT_S');
  });
});

describe('code a config file leaves running', () => {
  it('process.exit(0) from a timer during the run ends it with exit 2, never 0', async () => {
    // A closed port ends the run in a few hundred milliseconds, which a fast machine can finish before the
    // timer fires. A port that accepts and never answers keeps every check waiting for its 10 s timeout,
    // so the timer fires while the run is under way on any machine.
    const held: Socket[] = [];
    const silent = createServer((s) => {
      held.push(s);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const r = await runConfig(
        `setTimeout(() => process.exit(0), 200);\nexport default { target: { baseUrl: 'https://127.0.0.1:${port}', timeoutMs: 10000 } };`,
      );
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain('process.exit(0) was called while gonogo was running');
      expect(existsSync(join(r.out, 'report.json'))).toBe(false);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('an interval does not keep gonogo alive after the report', async () => {
    const r = await runConfig(`setInterval(() => {}, 1000);\n${EXPORT}`);
    expect(r.timedOut, 'gonogo still running 45 s later').toBe(false);
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(readFileSync(join(r.out, 'report.json'), 'utf8')) as Report;
    expect(report.verdict.decision).toBe('NO-GO');
  });
});
