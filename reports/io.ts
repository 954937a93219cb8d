import { mkdir, rename, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { readInputText } from '../core/read-input.ts';
import { Report, SCHEMA_VERSION } from '../core/report-schema.ts';
import { currentCheckId } from '../core/catalogue.ts';

/** Writes via a temporary file and rename, so a reader never sees half a file and a crash never damages the old one. */
export async function writeAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Validates on write: a report that does not match the schema is a gonogo bug and must not be written. */
export function serializeReport(report: Report): string {
  return `${JSON.stringify(Report.parse(report), null, 2)}\n`;
}

/** The largest report.json gonogo reads: far above any real report, it only keeps a wrong file from exhausting memory. */
export const REPORT_MAX_BYTES = 256 * 1024 * 1024;

/** Reads and validates a report.json; every way it can be wrong becomes an InputError naming the file. A BOM (editors on Windows add one) is dropped. */
export async function readReport(path: string): Promise<Report> {
  return parseReportText(await readInputText(path, { what: 'report', maxBytes: REPORT_MAX_BYTES }), path);
}

export function parseReportText(text: string, path: string): Report {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError(
      `${path} is not valid JSON (${(e as Error).message}); is it truncated? Use a report.json written by gonogo run.`,
    );
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof data !== 'object' || data === null || version === undefined) {
    throw new InputError(`${path} is not a gonogo report (no schemaVersion field)`);
  }
  if (version !== SCHEMA_VERSION) {
    throw new InputError(
      `${path} has schemaVersion ${JSON.stringify(version)}; this gonogo reads version ${SCHEMA_VERSION}. Use the gonogo release that wrote it, or re-run.`,
    );
  }
  const parsed = Report.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
      .join('; ');
    throw new InputError(`${path} does not match the report schema version ${SCHEMA_VERSION}: ${first}`);
  }
  // A report written before a check was renamed reads with the new id, so compare and trend line the two up.
  const report = parsed.data;
  return {
    ...report,
    checks: report.checks.map((c) => (currentCheckId(c.id) === c.id ? c : { ...c, id: currentCheckId(c.id) })),
  };
}
