import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../../config/errors.ts';
import { isMissingFile, readInputText } from '../../../config/read-input.ts';
import { LockfileError, type ParsedLockfile } from '../types.ts';
import { parsePackageLock } from './npm.ts';
import { parseYarnLock } from './yarn.ts';
import { parsePnpmLock } from './pnpm.ts';
import { parsePipfileLock, parsePoetryLock } from './python.ts';
import { readRequirementsTree } from './requirements.ts';

/** File names gonogo recognises, in the order they are looked for beside the config file. */
export const LOCKFILE_NAMES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'poetry.lock', 'Pipfile.lock', 'requirements.txt'] as const;

/** The largest lockfile (or manifest beside it) gonogo reads: a 50k-package pnpm-lock.yaml is about 10 MB. */
export const LOCKFILE_MAX_BYTES = 256 * 1024 * 1024;

const readLock = (file: string): Promise<string> => readInputText(file, { what: 'lockfile', maxBytes: LOCKFILE_MAX_BYTES });

/** A manifest beside the lockfile (package.json, pyproject.toml, Pipfile): absent is fine, unreadable is an error. */
async function sibling(file: string, name: string): Promise<string | undefined> {
  try {
    return await readInputText(join(dirname(file), name), { what: `${name} beside a lockfile`, maxBytes: LOCKFILE_MAX_BYTES });
  } catch (e) {
    if (isMissingFile(e)) return undefined;
    throw e;
  }
}

async function manifestOf(file: string): Promise<Record<string, Record<string, string>> | undefined> {
  const text = await sibling(file, 'package.json');
  if (!text) return undefined;
  // A broken package.json only loses the direct/transitive distinction of a v1 or classic lockfile, not packages.
  try { return JSON.parse(text) as Record<string, Record<string, string>>; } catch { return undefined; }
}

async function parseByName(file: string, text: () => Promise<string>): Promise<ParsedLockfile> {
  const name = basename(file);
  if (name.endsWith('package-lock.json') || name === 'npm-shrinkwrap.json') return parsePackageLock(await text(), file, await manifestOf(file));
  if (name.endsWith('yarn.lock')) return parseYarnLock(await text(), file, await manifestOf(file));
  if (name.endsWith('pnpm-lock.yaml')) return parsePnpmLock(await text(), file);
  if (name.endsWith('poetry.lock')) return parsePoetryLock(await text(), file, await sibling(file, 'pyproject.toml'));
  if (name.endsWith('Pipfile.lock')) return parsePipfileLock(await text(), file, await sibling(file, 'Pipfile'));
  if (name.endsWith('.txt')) return readRequirementsTree(file, async (f) => nonEmpty(f, await readLock(f)));
  throw new LockfileError(`${file}: unknown lockfile type (known: ${LOCKFILE_NAMES.join(', ')}, requirements*.txt)`);
}

function nonEmpty(file: string, text: string): string {
  if (!text.trim()) throw new LockfileError(`the lockfile ${file} is empty`);
  return text;
}

/**
 * Reads one lockfile, picking the parser from its name (requirements*.txt included). Every way it can be
 * wrong is a LockfileError naming the file; so is a lockfile read as zero packages, which would pass an audit.
 */
export async function readLockfile(file: string): Promise<ParsedLockfile> {
  let parsed: ParsedLockfile;
  try {
    parsed = await parseByName(file, async () => nonEmpty(file, await readLock(file)));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new LockfileError(`${file}: cannot be read as a lockfile (${(e as Error).message})`, { cause: e });
  }
  if (parsed.packages.length === 0) {
    const skipped = parsed.skipped.length ? `, ${parsed.skipped.length} entr${parsed.skipped.length === 1 ? 'y' : 'ies'} skipped as not auditable (${parsed.skipped.slice(0, 3).join(', ')}${parsed.skipped.length > 3 ? ', ...' : ''})` : '';
    throw new LockfileError(`${file} was read as zero packages (format ${parsed.format}${skipped}): an audit of nothing would pass. Check the file is complete; if the project has no dependencies, leave it out of security.deps.lockfiles`);
  }
  return parsed;
}

/** The known lockfiles present in a directory. */
export async function findLockfiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const n of LOCKFILE_NAMES) {
    const p = join(dir, n);
    if (await access(p).then(() => true, () => false)) found.push(p);
  }
  return found;
}
