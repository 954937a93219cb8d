import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';

/** The pinned k6 line gonogo is tested with; named in install instructions. */
export const K6_VERSION = 'v1.8.1';
export const K6_INSTALL = `install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/, or \`go install go.k6.io/k6@${K6_VERSION}\` and put ~/go/bin on PATH), or use --engine autocannon`;

async function executable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The configured k6 binary, else the first `k6` on PATH; null when there is none. */
export async function findK6(configured?: string): Promise<string | null> {
  if (configured) return (await executable(configured)) ? configured : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, process.platform === 'win32' ? 'k6.exe' : 'k6');
    if (await executable(candidate)) return candidate;
  }
  return null;
}

/** `k6 version` -> "v1.8.1"; null when the binary does not answer like k6. */
export async function k6Version(bin: string): Promise<string | null> {
  const r = await execa(bin, ['version'], { reject: false, timeout: 15_000, env: { K6_NO_USAGE_REPORT: 'true' } });
  const m = /k6 (v\d+\.\d+\.\d+\S*)/.exec(r.stdout ?? '');
  return r.exitCode === 0 && m ? m[1]! : null;
}
