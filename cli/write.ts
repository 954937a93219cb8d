import { chmod, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { serializeReport } from '../reports/io.ts';
import { fileRenderers } from '../reports/render/index.ts';
import type { Report } from '../core/report-schema.ts';

/** Report files are for the team that ran gonogo: owner read/write only, whatever the umask. */
export const REPORT_FILE_MODE = 0o600;

/** The report set could not be written; nothing in the folder was replaced. */
import { ReportWriteError } from '../core/errors.ts';

export { ReportWriteError };

/** The file operations the writer uses; a test passes a failing one to prove what a full disk does. */
export interface WriterIo {
  writeFile(path: string, content: string): Promise<void>;
}

/** Creates the file (never reuses one), writes it, and flushes it so a full disk fails here and not later. */
async function writeDurably(path: string, content: string): Promise<void> {
  const fh = await open(path, 'wx', REPORT_FILE_MODE);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const defaultIo: WriterIo = { writeFile: writeDurably };

/** The run id of the report already in the folder, for the message; null when there is none or it is unreadable. */
async function earlierRunId(outDir: string): Promise<string | null> {
  try {
    const id = (JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as { run?: { id?: unknown } }).run?.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/**
 * Writes the report set (report.json and every rendered format) as one unit: every file goes to a
 * staging folder inside outDir first, and only when all of them are on disk are they renamed into
 * place. A write that fails (a full disk) leaves the earlier set whole and throws ReportWriteError;
 * a file of the earlier set that this run does not produce (its renderer threw) goes too, so the
 * folder never mixes two runs. A renderer that throws is reported through warn.
 */
export async function writeReportFiles(
  outDir: string,
  report: Report,
  warn: (m: string) => void,
  io: WriterIo = defaultIo,
): Promise<string[]> {
  const files = new Map<string, string>([['report.json', serializeReport(report)]]);
  for (const [file, render] of Object.entries(fileRenderers)) {
    if (file === 'report.json') continue;
    try {
      files.set(file, render(report));
    } catch (e) {
      warn(`could not render ${file}: ${(e as Error).message}`);
    }
  }
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const staging = join(outDir, `.report-set-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(staging, { mode: 0o700 });
    for (const [file, content] of files) await io.writeFile(join(staging, file), content);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    const err = e as NodeJS.ErrnoException;
    const earlier = await earlierRunId(outDir);
    throw new ReportWriteError(
      `could not write the report to ${outDir} (${err.code && !err.message.startsWith(err.code) ? `${err.code}: ` : ''}${err.message}). Nothing there was replaced: ${earlier ? `the report of run ${earlier} is still whole` : 'no report of this run was written'}. Free some space or pass --out to another folder, then run again.`,
      { cause: e },
    );
  }
  try {
    await swapIn(outDir, staging, [...files.keys()]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return [...files.keys()];
}

/**
 * Moves the earlier set aside, then the new one in (report.json last), so that at every moment the
 * folder holds files of one run only; if a rename fails, the earlier set is put back.
 */
async function swapIn(outDir: string, staging: string, names: string[]): Promise<void> {
  const aside = `${staging}.old`;
  await mkdir(aside, { mode: 0o700 });
  const moved: string[] = [];
  const placed: string[] = [];
  try {
    for (const file of Object.keys(fileRenderers)) {
      try {
        await rename(join(outDir, file), join(aside, file));
        moved.push(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    const order = names.filter((f) => f !== 'report.json').concat(names.includes('report.json') ? ['report.json'] : []);
    for (const file of order) {
      await rename(join(staging, file), join(outDir, file));
      placed.push(file);
    }
  } catch (e) {
    for (const file of placed) await unlink(join(outDir, file)).catch(() => {});
    for (const file of moved) await rename(join(aside, file), join(outDir, file)).catch(() => {});
    const err = e as NodeJS.ErrnoException;
    throw new ReportWriteError(
      `could not move the new report into ${outDir} (${err.code && !err.message.startsWith(err.code) ? `${err.code}: ` : ''}${err.message}); the earlier report there was put back`,
      { cause: e },
    );
  } finally {
    await rm(aside, { recursive: true, force: true });
  }
}

/**
 * Gives every file of a run's folder the report files' mode and every folder 0700, including what the suites wrote
 * (Playwright traces hold request bodies, screenshots show pages) and what an earlier run left there. Symbolic links
 * are left alone: their targets are not the run's. A file that vanished meanwhile is skipped; other errors are
 * returned as warnings, never thrown (the report is already written).
 */
export async function lockDownRunDir(dir: string): Promise<string[]> {
  const warnings: string[] = [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    warnings.push(`could not list ${dir} to restrict its files to their owner (${e.code ?? e.message})`);
    return [];
  });
  for (const e of [
    { path: dir, isDir: true },
    ...entries.map((x) => ({ path: join(x.parentPath, x.name), isDir: x.isDirectory(), link: x.isSymbolicLink() })),
  ]) {
    if ('link' in e && e.link) continue;
    await chmod(e.path, e.isDir ? 0o700 : REPORT_FILE_MODE).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT')
        warnings.push(`could not restrict ${e.path} to its owner (${err.code ?? err.message})`);
    });
  }
  return warnings;
}
