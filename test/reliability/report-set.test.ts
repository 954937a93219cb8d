import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  ftruncateSync,
  writeSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;

/** A size-limited tmpfs stands in for a full disk; mounting needs root, so elsewhere the test is skipped. */
const disk = mkdtempSync(join(tmpdir(), 'gonogo-fulldisk-'));
const mounted = execaSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk], { reject: false }).exitCode === 0;
const unmount = () => {
  if (mounted) execaSync('umount', [disk], { reject: false });
};
// Also when the tests below are filtered out and their hooks never run.
process.once('exit', unmount);

/** Fills the disk, then frees `room` bytes of it. */
function fillLeaving(room: number): void {
  const fd = openSync(join(disk, 'filler'), 'w');
  const chunk = Buffer.alloc(4096, 1);
  let size = 0;
  try {
    for (;;) size += writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  ftruncateSync(fd, Math.max(0, size - room));
  closeSync(fd);
}

const snapshot = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => statSync(join(dir, f)).isFile())
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

describe.skipIf(!mounted)('a full disk while the report is written', () => {
  afterAll(unmount);

  it('keeps the earlier report set whole and exits 2 saying the write failed', async () => {
    const out = join(disk, 'run');
    const first = await execa('node', [BIN, 'run', '--reference', '--suite', 'security', '--out', out], {
      reject: false,
    });
    expect(first.exitCode, first.stderr).toBe(0);
    const before = snapshot(out);
    expect(Object.keys(before).sort()).toEqual([
      'junit.xml',
      'report.html',
      'report.json',
      'report.md',
      'report.sarif',
    ]);
    const firstId = JSON.parse(before['report.json']!).run.id as string;

    // Room for about one report file: the new run gets part of its set onto the disk, never all of it.
    fillLeaving(before['report.json']!.length + 8192);
    const second = await execa(
      'node',
      [BIN, 'run', '--reference', '--flaws', 'missing-hsts', '--suite', 'security', '--out', out],
      { reject: false },
    );
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/Report not written: could not write the report to .*ENOSPC/);
    expect(second.stderr).toContain(`the report of run ${firstId} is still whole`);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    // Every file is the first run's, byte for byte; no staging folder is left behind.
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 120_000);
});
