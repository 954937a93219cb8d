import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import { isMissingFile, readInputText } from '../../../core/read-input.ts';
import { LockfileError, type ParsedLockfile } from '../types.ts';
import { parsePackageLock } from './npm.ts';
import { parseYarnLock } from './yarn.ts';
import { parsePnpmLock } from './pnpm.ts';
import { parsePipfileLock, parsePoetryLock } from './python.ts';
import { readRequirementsTree } from './requirements.ts';
import { looksLikeDpkgStatus, parseDpkgStatus } from './dpkg.ts';
import { debianReleaseFor } from './debian-release.ts';
import { looksLikePipFreeze, looksLikePipList, parsePipFreeze, parsePipList } from './pip.ts';

/** File names gonogo recognises, in the order they are looked for beside the config file. */
export const LOCKFILE_NAMES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'poetry.lock',
  'Pipfile.lock',
  'requirements.txt',
] as const;

/** The largest lockfile (or manifest beside it) gonogo reads: a 50k-package pnpm-lock.yaml is about 10 MB. */
export const LOCKFILE_MAX_BYTES = 256 * 1024 * 1024;

const readLock = (file: string): Promise<string> =>
  readInputText(file, { what: 'lockfile', maxBytes: LOCKFILE_MAX_BYTES });

/** A manifest beside the lockfile (package.json, pyproject.toml, Pipfile): absent is fine, unreadable is an error. */
async function sibling(file: string, name: string): Promise<string | undefined> {
  try {
    return await readInputText(join(dirname(file), name), {
      what: `${name} beside a lockfile`,
      maxBytes: LOCKFILE_MAX_BYTES,
    });
  } catch (e) {
    if (isMissingFile(e)) return undefined;
    throw e;
  }
}

async function manifestOf(file: string): Promise<Record<string, Record<string, string>> | undefined> {
  const text = await sibling(file, 'package.json');
  if (!text) return undefined;
  // A broken package.json only loses the direct/transitive distinction of a v1 or classic lockfile, not packages.
  try {
    return JSON.parse(text) as Record<string, Record<string, string>>;
  } catch {
    return undefined;
  }
}

/** Every kind of input `security.deps.lockfiles` and `gonogo audit deps` read, for the error that names them. */
export const INPUT_KINDS =
  'lockfiles (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, poetry.lock, Pipfile.lock, requirements*.txt), a CycloneDX JSON SBOM ("bomFormat": "CycloneDX"), an SPDX 2.2/2.3 JSON SBOM ("spdxVersion"), a dpkg status file (stanzas with Package:, Version: and Status:, like /var/lib/dpkg/status), pip freeze output (name==version lines) or pip list --format=json output (an array of {"name", "version"})';

export interface ReadOptions {
  /** The Debian release of a dpkg status file or of deb purls without a distro (security.deps.debianRelease). */
  debianRelease?: string;
}

function jsonOf(text: string): unknown {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/**
 * Picks the reader: the lockfile names first (a malformed package-lock.json is reported as one), then the content,
 * whatever the name: an SBOM by its bomFormat or spdxVersion, a lockfile by its own markers, a dpkg status file by
 * its stanzas, pip output by its shape. A requirements*.txt is read with its -r/-c includes.
 */
async function parseInput(file: string, opts: ReadOptions): Promise<ParsedLockfile> {
  const name = basename(file);
  const read = async (): Promise<string> => nonEmpty(file, await readLock(file));
  if (name.endsWith('package-lock.json') || name === 'npm-shrinkwrap.json')
    return parsePackageLock(await read(), file, await manifestOf(file));
  if (name.endsWith('yarn.lock')) return parseYarnLock(await read(), file, await manifestOf(file));
  if (name.endsWith('pnpm-lock.yaml')) return parsePnpmLock(await read(), file);
  if (name.endsWith('poetry.lock')) return parsePoetryLock(await read(), file, await sibling(file, 'pyproject.toml'));
  if (name.endsWith('Pipfile.lock')) return parsePipfileLock(await read(), file, await sibling(file, 'Pipfile'));
  const text = await read();
  const json = jsonOf(text);
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const doc = json as Record<string, unknown>;
    if (doc.bomFormat === 'CycloneDX') return (await import('../sbom/cyclonedx.ts')).parseCycloneDx(doc, file, opts);
    if (typeof doc.spdxVersion === 'string') return (await import('../sbom/spdx.ts')).parseSpdx(doc, file, opts);
    if ('lockfileVersion' in doc && ('packages' in doc || 'dependencies' in doc))
      return parsePackageLock(text, file, await manifestOf(file));
    if ('_meta' in doc && ('default' in doc || 'develop' in doc))
      return parsePipfileLock(text, file, await sibling(file, 'Pipfile'));
  }
  if (looksLikePipList(json)) return parsePipList(json, file);
  if (looksLikeDpkgStatus(text)) {
    const { release, how } = await debianReleaseFor(file, text, opts.debianRelease);
    return parseDpkgStatus(text, file, release, how);
  }
  if (/^# yarn lockfile v1$/m.test(text) || /^__metadata:/m.test(text))
    return parseYarnLock(text, file, await manifestOf(file));
  if (/^lockfileVersion:/m.test(text) && /^(packages|importers|dependencies):/m.test(text))
    return parsePnpmLock(text, file);
  if (/^\[\[package\]\]$/m.test(text) && /^\[metadata\]$/m.test(text))
    return parsePoetryLock(text, file, await sibling(file, 'pyproject.toml'));
  if (name.endsWith('.txt')) return readRequirementsTree(file, async (f) => nonEmpty(f, await readLock(f)));
  if (looksLikePipFreeze(text)) return parsePipFreeze(text, file);
  // Two SBOM formats gonogo does not read, named so the fix is obvious: the same tools write JSON.
  if (/^\s*(<\?xml[^>]*>\s*)?<bom\b[^>]*cyclonedx/i.test(text))
    throw new LockfileError(
      `${file} is a CycloneDX XML SBOM: gonogo reads CycloneDX JSON; write it as JSON (syft -o cyclonedx-json, cdxgen --format json, npm sbom --sbom-format cyclonedx, cyclonedx-py --of JSON)`,
    );
  if (/^SPDXVersion:\s*SPDX-/m.test(text))
    throw new LockfileError(
      `${file} is an SPDX tag-value document: gonogo reads SPDX JSON; write it as JSON (syft -o spdx-json, npm sbom --sbom-format spdx)`,
    );
  throw new LockfileError(
    `${file}: unknown lockfile type: it is none of the kinds gonogo reads, whatever their file name: ${INPUT_KINDS}. Point security.deps.lockfiles (or gonogo audit deps) at one of those`,
  );
}

function nonEmpty(file: string, text: string): string {
  if (!text.trim()) throw new LockfileError(`the lockfile ${file} is empty`);
  return text;
}

/**
 * Reads one lockfile, SBOM, dpkg status file or pip output, recognised by name or content. Every way it can be
 * wrong is a LockfileError naming the file; so is an input read as zero packages, which would pass an audit.
 */
export async function readLockfile(file: string, opts: ReadOptions = {}): Promise<ParsedLockfile> {
  let parsed: ParsedLockfile;
  try {
    parsed = await parseInput(file, opts);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new LockfileError(`${file}: cannot be read as a lockfile (${(e as Error).message})`, { cause: e });
  }
  if (parsed.packages.length === 0) {
    const skipped = parsed.skipped.length
      ? `, ${parsed.skipped.length} entr${parsed.skipped.length === 1 ? 'y' : 'ies'} skipped as not auditable (${parsed.skipped.slice(0, 3).join(', ')}${parsed.skipped.length > 3 ? ', ...' : ''})`
      : '';
    throw new LockfileError(
      `${file} was read as zero packages (format ${parsed.format}${skipped}): an audit of nothing would pass. Check the file is complete; if the project has no dependencies, leave it out of security.deps.lockfiles`,
    );
  }
  return parsed;
}

/** The known lockfiles present in a directory. */
export async function findLockfiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const n of LOCKFILE_NAMES) {
    const p = join(dir, n);
    if (
      await access(p).then(
        () => true,
        () => false,
      )
    )
      found.push(p);
  }
  return found;
}
