import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDownRunDir, ReportWriteError, writeReportFiles, type WriterIo } from '../../cli/write.ts';
import { fileRenderers } from '../../reports/render/index.ts';
import { report } from '../helpers/report.ts';

const SET = ['junit.xml', 'report.html', 'report.json', 'report.md', 'report.sarif'];
const earlier = report({
  run: { ...report().run, id: '20261121T010000Z-old111' },
  verdict: { decision: 'GO', complete: true, reasons: [] },
});
const later = report({ run: { ...report().run, id: '20261122T030000Z-new222' } });

/** Which run each file of the folder belongs to, by the run id it mentions. */
function runIds(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => SET.includes(f))
      .map((f) => {
        const text = readFileSync(join(dir, f), 'utf8');
        return [f, text.includes('old111') ? 'old' : text.includes('new222') ? 'new' : 'neither'];
      }),
  );
}

/** A disk that fills up after `n` files. */
const fullAfter = (n: number): WriterIo => {
  let written = 0;
  return {
    async writeFile(path, content) {
      if (written++ >= n) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      await writeFile(path, content);
    },
  };
};

describe('the report set is written as one unit', () => {
  const saved = fileRenderers['report.sarif']!;
  afterEach(() => {
    fileRenderers['report.sarif'] = saved;
  });

  it('a disk that fills after two files leaves the earlier set whole and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-write-'));
    await writeReportFiles(dir, earlier, () => {});
    const err = await writeReportFiles(dir, later, () => {}, fullAfter(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportWriteError);
    expect((err as Error).message).toMatch(
      /could not write the report to .*ENOSPC.*the report of run 20261121T010000Z-old111 is still whole/,
    );
    expect((err as Error).message).toContain('(ENOSPC: no space left on device, write)');
    expect(runIds(dir)).toEqual(Object.fromEntries(SET.map((f) => [f, 'old'])));
    expect(readdirSync(dir).sort()).toEqual(SET);
  });

  it('a renderer that throws takes its earlier file away with the rest of the earlier set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-write-'));
    await writeReportFiles(dir, earlier, () => {});
    fileRenderers['report.sarif'] = () => {
      throw new Error('renderer bug');
    };
    const warnings: string[] = [];
    const written = await writeReportFiles(dir, later, (m) => warnings.push(m));
    expect(warnings).toEqual(['could not render report.sarif: renderer bug']);
    expect(written.sort()).toEqual(SET.filter((f) => f !== 'report.sarif'));
    expect(runIds(dir)).toEqual(Object.fromEntries(written.map((f) => [f, 'new'])));
  });

  it('writes every file owner-only (0600) into an owner-only folder, whatever the umask', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gonogo-write-')), 'out');
    const umask = process.umask(0o000);
    try {
      await writeReportFiles(dir, later, () => {});
    } finally {
      process.umask(umask);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(Object.fromEntries(SET.map((f) => [f, (statSync(join(dir, f)).mode & 0o777).toString(8)]))).toEqual(
      Object.fromEntries(SET.map((f) => [f, '600'])),
    );
  });
});

describe('the run folder after the report is written', () => {
  it('restricts every file and folder to its owner, including artifacts and files left by an earlier run, and leaves symlink targets alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-lock-'));
    const outside = mkdtempSync(join(tmpdir(), 'gonogo-lock-outside-'));
    mkdirSync(join(dir, 'smoke', 'artifacts'), { recursive: true, mode: 0o755 });
    await writeFile(join(dir, 'smoke', 'artifacts', 'trace.zip'), 'request bodies', { mode: 0o644 });
    await writeFile(join(dir, 'old-notes.txt'), 'from before', { mode: 0o666 });
    await writeFile(join(outside, 'shared.txt'), 'not ours', { mode: 0o644 });
    symlinkSync(join(outside, 'shared.txt'), join(dir, 'smoke', 'link.txt'));
    expect(await lockDownRunDir(dir)).toEqual([]);
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    expect([dir, join(dir, 'smoke'), join(dir, 'smoke', 'artifacts')].map(mode)).toEqual(['700', '700', '700']);
    expect([join(dir, 'smoke', 'artifacts', 'trace.zip'), join(dir, 'old-notes.txt')].map(mode)).toEqual([
      '600',
      '600',
    ]);
    expect(mode(join(outside, 'shared.txt'))).toBe('644');
  });
});
