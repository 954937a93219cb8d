import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** testssl.sh's binary name on Debian (`testssl`) or upstream (`testssl.sh`), when installed. */
export async function findTestssl(): Promise<string | null> {
  for (const bin of ['testssl', 'testssl.sh']) {
    const r = await execa(bin, ['--version'], { reject: false, timeout: 10_000 });
    if (r.exitCode === 0 || /testssl/i.test(`${r.stdout}`)) return bin;
  }
  return null;
}

/** Runs testssl against host:port and returns its JSON findings (it takes about a minute per host). */
export async function runTestssl(
  bin: string,
  hostPort: string,
  timeoutMs = 300_000,
): Promise<{ ok: boolean; findings: unknown; message: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-testssl-'));
  const out = join(dir, 'testssl.json');
  try {
    const r = await execa(
      bin,
      ['--quiet', '--warnings', 'off', '--protocols', '--std', '--each-cipher', '--jsonfile', out, hostPort],
      { reject: false, timeout: timeoutMs },
    );
    const text = await readFile(out, 'utf8').catch(() => null);
    if (!text)
      return {
        ok: false,
        findings: null,
        message: `testssl produced no JSON (exit ${r.exitCode}${r.timedOut ? ', timed out' : ''})`,
      };
    return { ok: true, findings: JSON.parse(text) as unknown, message: `testssl exit ${r.exitCode}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
