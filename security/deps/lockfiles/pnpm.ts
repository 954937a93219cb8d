import { parse } from 'yaml';
import { LockfileError, type LockedPackage, type ParsedLockfile } from '../types.ts';

type DepMap = Record<string, string | { specifier?: string; version: string }>;
interface Importer { dependencies?: DepMap; devDependencies?: DepMap; optionalDependencies?: DepMap }
interface PnpmLock extends Importer { lockfileVersion?: string | number; importers?: Record<string, Importer>; packages?: Record<string, { dev?: boolean; resolution?: unknown; name?: string; version?: string }> }

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

/** pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x; the importers list what each project declares. */
export function parsePnpmLock(text: string, file: string): ParsedLockfile {
  let lock: PnpmLock;
  try {
    lock = parse(text) as PnpmLock;
  } catch (e) {
    throw new LockfileError(`${file}: not valid YAML`, { cause: e });
  }
  if (!lock || typeof lock !== 'object' || lock.lockfileVersion === undefined) throw new LockfileError(`${file}: no lockfileVersion, not a pnpm lockfile`);
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
    if (!split || !/^\d+\.\d+\.\d+/.test(split.version)) { skipped.push(key); continue; }
    packages.push({ ecosystem: 'npm', name: split.name, version: split.version, direct: direct.has(`${split.name}@${split.version}`), dev: meta?.dev === true, file });
  }
  return { file, format: 'pnpm', ecosystem: 'npm', packages, skipped };
}
