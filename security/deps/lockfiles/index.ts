import { readFile } from 'node:fs/promises';
import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LockfileError, type ParsedLockfile } from '../types.ts';
import { parsePackageLock } from './npm.ts';
import { parseYarnLock } from './yarn.ts';
import { parsePnpmLock } from './pnpm.ts';
import { parsePipfileLock, parsePoetryLock, parseRequirements } from './python.ts';

/** File names gonogo recognises, in the order they are looked for beside the config file. */
export const LOCKFILE_NAMES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'poetry.lock', 'Pipfile.lock', 'requirements.txt'] as const;

async function sibling(file: string, name: string): Promise<string | undefined> {
  return readFile(join(dirname(file), name), 'utf8').catch(() => undefined);
}

async function manifestOf(file: string): Promise<Record<string, Record<string, string>> | undefined> {
  const text = await sibling(file, 'package.json');
  if (!text) return undefined;
  try { return JSON.parse(text) as Record<string, Record<string, string>>; } catch { return undefined; }
}

/** Reads one lockfile, picking the parser from its name (requirements*.txt included). */
export async function readLockfile(file: string): Promise<ParsedLockfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new LockfileError(`cannot read lockfile ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  const name = basename(file);
  if (name.endsWith('package-lock.json') || name === 'npm-shrinkwrap.json') return parsePackageLock(text, file, await manifestOf(file));
  if (name.endsWith('yarn.lock')) return parseYarnLock(text, file, await manifestOf(file));
  if (name.endsWith('pnpm-lock.yaml')) return parsePnpmLock(text, file);
  if (name.endsWith('poetry.lock')) return parsePoetryLock(text, file, await sibling(file, 'pyproject.toml'));
  if (name.endsWith('Pipfile.lock')) return parsePipfileLock(text, file, await sibling(file, 'Pipfile'));
  if (/requirements.*\.txt$/.test(name) || name.endsWith('.txt')) return parseRequirements(text, file);
  throw new LockfileError(`${file}: unknown lockfile type (known: ${LOCKFILE_NAMES.join(', ')}, requirements*.txt)`);
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
