import { isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { z } from 'zod';
import { LockfileError, type LockedPackage, type ParsedLockfile } from '../types.ts';
import { shaped } from './shape.ts';

const DepMap = z.record(
  z.string(),
  z.union([z.string(), z.object({ specifier: z.string().optional(), version: z.string() })]),
);
type DepMap = z.infer<typeof DepMap>;
const Importer = z.object({
  dependencies: DepMap.optional(),
  devDependencies: DepMap.optional(),
  optionalDependencies: DepMap.optional(),
});
const PnpmLock = Importer.extend({
  lockfileVersion: z.union([z.string(), z.number()], { error: 'no lockfileVersion: not a pnpm lockfile' }),
  importers: z.record(z.string(), Importer).optional(),
  packages: z
    .record(
      z.string(),
      z.object({ dev: z.boolean().optional(), name: z.string().optional(), version: z.string().optional() }).nullable(),
    )
    .optional(),
});

/** Splits a pnpm package key (v5 "/name/1.0.0_peer", v6 "/name@1.0.0(peer)", v9 "name@1.0.0(peer)") into name and version. */
export function splitPnpmKey(key: string): { name: string; version: string } | null {
  const k = key.replace(/^\//, '').replace(/\(.*$/, '');
  // v5: name/version[_peers], where a scoped name has one more slash
  const v5 = /^((?:@[^/]+\/)?[^/@]+)\/(\d[^/]*)$/.exec(k);
  if (v5) return { name: v5[1]!, version: v5[2]!.replace(/_.*$/, '') };
  const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
  return at > 0 ? { name: k.slice(0, at), version: k.slice(at + 1).replace(/_.*$/, '') } : null;
}

function versionOf(v: DepMap[string]): string {
  return (typeof v === 'string' ? v : v.version).replace(/\(.*$/, '').replace(/_.*$/, '');
}

/**
 * YAML to plain data in linear time. yaml's duplicate-key check compares each new key with every earlier
 * key of its map (quadratic: 12 s for 10k packages), so it is off and duplicates are found here with one
 * Set per map; a lockfile with a duplicated key is refused, as yaml would have refused it.
 */
export function readYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
  const problem = doc.errors[0];
  if (problem)
    throw new LockfileError(`${file}: not valid YAML (${problem.message.split('\n')[0]}); is it truncated?`, {
      cause: problem,
    });
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) {
          const at = key.range ? lineCounter.linePos(key.range[0]) : undefined;
          throw new LockfileError(
            `${file}: the key "${String(key.value)}" appears twice in one map${at ? ` (line ${at.line})` : ''}: not a lockfile pnpm wrote`,
          );
        }
        seen.add(key.value);
      }
    },
  });
  try {
    return doc.toJS();
  } catch (e) {
    throw new LockfileError(`${file}: YAML that cannot be read as data (${(e as Error).message})`, { cause: e });
  }
}

/** pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x; the importers list what each project declares. */
export function parsePnpmLock(text: string, file: string): ParsedLockfile {
  const lock = shaped(PnpmLock, readYaml(text, file), file, 'pnpm-lock.yaml');
  const importers = lock.importers ?? { '.': lock };
  const direct = new Set<string>();
  for (const imp of Object.values(importers)) {
    for (const deps of [imp.dependencies, imp.devDependencies, imp.optionalDependencies]) {
      for (const [name, v] of Object.entries(deps ?? {})) direct.add(`${name}@${versionOf(v)}`);
    }
  }
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const [key, meta] of Object.entries(lock.packages ?? {})) {
    const split = meta?.name && meta.version ? { name: meta.name, version: meta.version } : splitPnpmKey(key);
    if (!split || !/^\d+\.\d+\.\d+/.test(split.version)) {
      skipped.push(key);
      continue;
    }
    packages.push({
      ecosystem: 'npm',
      name: split.name,
      version: split.version,
      direct: direct.has(`${split.name}@${split.version}`),
      dev: meta?.dev === true,
      file,
    });
  }
  return { file, format: 'pnpm', ecosystem: 'npm', packages, skipped };
}
