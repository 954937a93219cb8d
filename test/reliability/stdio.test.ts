import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN } from './child.ts';

/**
 * A reader that goes away (`gonogo reference --list-flaws | head -1`, a closed terminal, a CI log
 * collector that died) is EPIPE on the next write. It must not crash gonogo with a stack trace (an
 * uncaught error exits 1, which reads as NO-GO), nor cut a run short: the command ends with its own exit
 * code and a run still writes its report. A stdout that fails otherwise (a full disk behind `> out.json`)
 * loses output the caller asked for: one line on stderr and exit 2.
 */
type Stream = 'stdout' | 'stderr';

/** The real command with one of its streams closed by the reader before gonogo writes to it. */
async function withClosed(stream: Stream, args: string[], timeout = 60_000) {
  const child = execa('node', [BIN, ...args], { reject: false, stdin: 'ignore', timeout, env: { GONOGO_DEBUG: '' } });
  child[stream]!.destroy();
  const r = await child;
  const other = stream === 'stdout' ? String(r.stderr ?? '') : String(r.stdout ?? '');
  return { code: r.exitCode, signal: r.signal, timedOut: Boolean(r.timedOut), other };
}

describe('a reader that stops reading (EPIPE)', () => {
  it.each<[Stream, string[], number]>([
    ['stdout', ['reference', '--list-flaws'], 0],
    ['stdout', ['reference', '--list-dialects', '--json'], 0],
    ['stdout', ['--help'], 0],
    ['stderr', ['nosuchcommand'], 2],
    ['stderr', ['run', '--vus', '1e9'], 2],
  ])('%s closed: gonogo %j exits %i, quietly', async (stream, args, expected) => {
    const r = await withClosed(stream, args);
    expect({ code: r.code, signal: r.signal, timedOut: r.timedOut }).toEqual({
      code: expected,
      signal: undefined,
      timedOut: false,
    });
    expect(r.other).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
  });

  it('stdout closed: gonogo load keeps its verdict (every request failed: 1)', async () => {
    const r = await withClosed('stdout', [
      'load',
      'http://127.0.0.1:9/',
      '--engine',
      'autocannon',
      '--vus',
      '1',
      '--duration',
      '1s',
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(r.other).toContain('NO-GO: every one of the');
    expect(r.other).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('stdout and stderr closed: a run goes to its end, writes its report and exits with its verdict', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gonogo-epipe-')), 'run');
    const child = execa('node', [BIN, 'run', '--reference', '--suite', 'security', '--out', out], {
      reject: false,
      stdin: 'ignore',
      timeout: 120_000,
      env: { GONOGO_DEBUG: '' },
    });
    child.stdout!.destroy();
    child.stderr!.destroy();
    const r = await child;
    expect({ code: r.exitCode, timedOut: Boolean(r.timedOut) }).toEqual({ code: 0, timedOut: false });
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).verdict.decision).toBe('GO');
  }, 150_000);
});

describe('a stdout that cannot be written (ENOSPC)', () => {
  it('stdout on /dev/full: exit 2 with one line on stderr, never the exit code of a whole output', async () => {
    // node:child_process, because the child itself must hold /dev/full as its stdout (execa would pipe it through the parent).
    const fd = openSync('/dev/full', 'w');
    const r = await new Promise<{ exitCode: number | null; stderr: string }>((resolve) => {
      const child = spawn('node', [BIN, 'reference', '--list-flaws'], {
        stdio: ['ignore', fd, 'pipe'],
        env: { ...process.env, GONOGO_DEBUG: '' },
      });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      child.on('close', (exitCode) => resolve({ exitCode, stderr }));
    }).finally(() => closeSync(fd));
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      'Output error: cannot write to standard output (ENOSPC); what gonogo printed there is incomplete, so it exits 2.',
    );
  });

  it('the same command with a working stdout exits 0 (positive control)', async () => {
    const r = await execa('node', [BIN, 'reference', '--list-flaws'], {
      reject: false,
      stdin: 'ignore',
      env: { GONOGO_DEBUG: '' },
    });
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout).split('\n').length).toBeGreaterThan(5);
    expect(String(r.stderr)).toBe('');
  });
});
