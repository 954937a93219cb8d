import { createRequire } from 'node:module';
import { z } from 'zod';
import { LockfileError, type LockedPackage, type ParsedLockfile } from '../types.ts';
import { shaped, StringMap } from './shape.ts';

// Both parsers are CommonJS, loaded when a yarn.lock is read: together they weigh about 20 MB of the harness's memory.
const require = createRequire(import.meta.url);
const parseClassicText = (text: string): ReturnType<typeof import('@yarnpkg/lockfile').parse> =>
  (require('@yarnpkg/lockfile') as typeof import('@yarnpkg/lockfile')).parse(text);
const parseSyml = (text: string): unknown =>
  (require('@yarnpkg/parsers') as typeof import('@yarnpkg/parsers')).parseSyml(text);

/** "name@range" or "@scope/name@range" -> name. */
function nameOf(descriptor: string): string {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0);
  return at < 0 ? descriptor : descriptor.slice(0, at);
}

type Manifest = {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

/** yarn.lock, both the classic v1 format and berry's YAML-like syml; berry records the workspace's own dependencies. */
export function parseYarnLock(text: string, file: string, manifest?: Manifest): ParsedLockfile {
  return /^__metadata:/m.test(text) ? parseBerry(text, file) : parseClassic(text, file, manifest);
}

const ClassicEntries = z.record(z.string(), z.object({ version: z.string().optional() }));
const BerryEntries = z.record(
  z.string(),
  z.object({ version: z.string().optional(), resolution: z.string().optional(), dependencies: StringMap.optional() }),
);

/**
 * @yarnpkg/lockfile's tokenizer never stops on a string that is not closed on its line or a comment on the
 * last line without a newline: it grows one string until V8 gives up (35 s, 2 GB). Both are refused first.
 */
function guardClassic(text: string, file: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimStart().startsWith('#')) continue;
    const quotes = line.replace(/\\./g, '').split('"').length - 1;
    if (quotes % 2)
      throw new LockfileError(`${file}: line ${i + 1} has a string that is never closed; is the file truncated?`);
  }
  return text.endsWith('\n') ? text : `${text}\n`;
}

function parseClassic(text: string, file: string, manifest?: Manifest): ParsedLockfile {
  let parsed: ReturnType<typeof parseClassicText>;
  try {
    parsed = parseClassicText(guardClassic(text, file));
  } catch (e) {
    if (e instanceof LockfileError) throw e;
    throw new LockfileError(`${file}: not a readable yarn.lock (${(e as Error).message})`, { cause: e });
  }
  if (parsed.type !== 'success') throw new LockfileError(`${file}: yarn.lock has merge conflicts (${parsed.type})`);
  const entries = shaped(ClassicEntries, parsed.object, file, 'yarn.lock');
  // Classic lockfiles do not say which entries the project declared: the sibling package.json does.
  const declared = manifest
    ? new Set(
        Object.entries({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.optionalDependencies }).map(
          ([n, r]) => `${n}@${r}`,
        ),
      )
    : null;
  const seen = new Map<string, LockedPackage>();
  const skipped: string[] = [];
  for (const [key, entry] of Object.entries(entries)) {
    const descriptors = key.split(',').map((d) => d.trim().replace(/^"|"$/g, ''));
    const name = nameOf(descriptors[0]!);
    const version = entry.version;
    if (!version || !/^\d+\.\d+\.\d+/.test(version)) {
      skipped.push(key);
      continue;
    }
    const id = `${name}@${version}`;
    const direct = declared ? descriptors.some((d) => declared.has(d)) : null;
    const prev = seen.get(id);
    if (prev) {
      if (direct) prev.direct = true;
      continue;
    }
    seen.set(id, { ecosystem: 'npm', name, version, direct, file });
  }
  return { file, format: 'yarn-classic', ecosystem: 'npm', packages: [...seen.values()], skipped };
}

function parseBerry(text: string, file: string): ParsedLockfile {
  let data: unknown;
  try {
    data = parseSyml(text);
  } catch (e) {
    throw new LockfileError(`${file}: not a readable yarn berry lockfile (${(e as Error).message.split('\n')[0]})`, {
      cause: e,
    });
  }
  const doc = shaped(BerryEntries, data, file, 'yarn berry lockfile');
  const direct = new Set<string>();
  for (const entry of Object.values(doc)) {
    if (entry.resolution?.includes('@workspace:'))
      for (const dep of Object.keys(entry.dependencies ?? {})) direct.add(dep);
  }
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !entry.resolution) continue;
    const resolution = entry.resolution;
    const name = nameOf(resolution);
    const protocol = resolution.slice(name.length + 1);
    if (protocol.startsWith('workspace:')) continue;
    if (!protocol.startsWith('npm:') || !entry.version) {
      skipped.push(resolution);
      continue;
    }
    packages.push({ ecosystem: 'npm', name, version: entry.version, direct: direct.has(name), file });
  }
  return { file, format: 'yarn-berry', ecosystem: 'npm', packages, skipped };
}
