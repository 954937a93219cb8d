import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';

export const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;

export interface ChildRun {
  code: number | undefined;
  out: string;
  err: string;
  timedOut: boolean;
  signal: string | undefined;
}

/** The real gonogo command as a child process: exit code, streams, and whether it had to be killed. */
export async function gonogoChild(
  args: string[],
  o: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ChildRun> {
  const r = await execa('node', [BIN, ...args], {
    reject: false,
    stdin: 'ignore',
    cwd: o.cwd,
    timeout: o.timeoutMs ?? 60_000,
    env: { GONOGO_DEBUG: '', ...o.env },
  });
  return {
    code: r.exitCode,
    out: String(r.stdout),
    err: String(r.stderr),
    timedOut: Boolean(r.timedOut),
    signal: r.signal ?? undefined,
  };
}

/** A project folder with a config aimed at a closed loopback port and the default KPI file (or the given text). */
export function closedPortProject(opts: { config?: string; kpis?: string } = {}): {
  dir: string;
  config: string;
  kpis: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-hostile-'));
  const config = join(dir, 'gonogo.config.ts');
  writeFileSync(
    config,
    opts.config ?? `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 } };\n`,
  );
  const kpis = join(dir, 'kpis.yaml');
  if (opts.kpis === undefined) copyFileSync(DEFAULT_KPI_FILE, kpis);
  else writeFileSync(kpis, opts.kpis);
  return { dir, config, kpis };
}
