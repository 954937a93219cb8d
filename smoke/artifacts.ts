import type { Dirent } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { unzipSync, zipSync, type Unzipped } from 'fflate';
import type { Redactor } from '../core/redact.ts';
import type { CheckResult } from '../core/report-schema.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Scrubs a Playwright trace in place: every entry that is UTF-8 text (the action log, the network log,
 * response bodies, DOM snapshots) goes through the redactor; binary entries (screencast frames) are kept.
 * A trace records what was typed into the login form and the tokens the target sent back, and no
 * library redacts a trace, so this is done here with fflate's zip reader and writer.
 */
export async function redactTrace(file: string, redactor: Redactor): Promise<void> {
  const entries = unzipSync(new Uint8Array(await readFile(file)));
  const out: Unzipped = {};
  for (const [name, bytes] of Object.entries(entries)) {
    let text: string | undefined;
    try {
      text = UTF8.decode(bytes);
    } catch {
      /* binary entry: kept as it is */
    }
    out[name] = text === undefined ? bytes : new TextEncoder().encode(redactor.text(text));
  }
  await writeFile(file, zipSync(out, { level: 6 }), { mode: 0o600 });
}

/** Playwright's text files beside a failed test's screenshot and trace (error-context.md holds the page's accessibility snapshot). */
const TEXT_FILE = /\.(md|txt|json|log)$/;

/** Scrubs every text file Playwright left in a phase's output folder, as everything else gonogo writes is scrubbed. */
export async function redactOutputDir(dir: string, redactor: Redactor): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return; // no output folder: Playwright kept nothing
  }
  for (const e of entries) {
    if (!e.isFile() || !TEXT_FILE.test(e.name)) continue;
    const file = join(e.parentPath, e.name);
    const text = await readFile(file, 'utf8');
    const clean = redactor.text(text);
    if (clean !== text) await writeFile(file, clean);
  }
}

/**
 * Turns the screenshot and trace paths Playwright reported into paths relative to the report folder,
 * once each file is known to exist (a trace scrubbed first); a file that is missing is said so in the result.
 */
export async function keepArtifacts(
  checks: CheckResult[],
  o: { reportDir: string; redactor: Redactor },
): Promise<{ checks: CheckResult[]; warnings: string[] }> {
  const warnings: string[] = [];
  const out: CheckResult[] = [];
  for (const c of checks) {
    const list = c.evidence.artifacts;
    if (!list?.length) {
      out.push(c);
      continue;
    }
    const kept: NonNullable<CheckResult['evidence']['artifacts']> = [];
    for (const a of list) {
      try {
        if (!(await stat(a.path)).isFile()) throw new Error('not a file');
        if (a.kind === 'trace') await redactTrace(a.path, o.redactor);
        kept.push({ ...a, path: relative(o.reportDir, a.path).split(sep).join('/') });
      } catch (e) {
        warnings.push(
          `${c.id}: the ${a.kind} Playwright reported at ${a.path} could not be kept (${(e as Error).message})`,
        );
      }
    }
    const evidence = { ...c.evidence };
    if (kept.length) evidence.artifacts = kept;
    else delete evidence.artifacts;
    out.push({ ...c, evidence });
  }
  return { checks: out, warnings };
}
