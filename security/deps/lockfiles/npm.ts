import { z } from 'zod';
import { LockfileError, type LockedPackage, type ParsedLockfile } from '../types.ts';
import { parseJson, shaped, StringMap } from './shape.ts';

interface V1Dep { version?: string | undefined; dev?: boolean | undefined; dependencies?: Record<string, V1Dep> | undefined }
const V1Dep: z.ZodType<V1Dep> = z.lazy(() => z.object({ version: z.string().optional(), dev: z.boolean().optional(), dependencies: z.record(z.string(), V1Dep).optional() }));
const V2Pkg = z.object({
  name: z.string().optional(), version: z.string().optional(), dev: z.boolean().optional(), link: z.boolean().optional(),
  dependencies: StringMap.optional(), devDependencies: StringMap.optional(), optionalDependencies: StringMap.optional(), peerDependencies: StringMap.optional(),
});
const PackageLock = z.object({ lockfileVersion: z.number().int().min(1).optional(), dependencies: z.record(z.string(), V1Dep).optional(), packages: z.record(z.string(), V2Pkg).optional() });

const isRegistryVersion = (v: string | undefined): v is string => !!v && /^\d+\.\d+\.\d+/.test(v);

/** package-lock.json / npm-shrinkwrap.json, lockfile versions 1, 2 and 3. `manifest` is the sibling package.json (v1 only needs it to tell direct deps). */
export function parsePackageLock(text: string, file: string, manifest?: { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }): ParsedLockfile {
  const lock = shaped(PackageLock, parseJson(text, file), file, 'package-lock.json');
  const version = lock.lockfileVersion ?? 1;
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  if (lock.packages && version >= 2) {
    const root = lock.packages[''] ?? {};
    const direct = new Set(Object.keys({ ...root.dependencies, ...root.devDependencies, ...root.optionalDependencies, ...root.peerDependencies }));
    for (const [path, pkg] of Object.entries(lock.packages)) {
      if (path === '' || pkg.link) continue;
      const idx = path.lastIndexOf('node_modules/');
      if (idx < 0) continue; // a workspace folder, not an installed package
      const name = pkg.name ?? path.slice(idx + 'node_modules/'.length);
      if (!isRegistryVersion(pkg.version)) { skipped.push(`${name}@${pkg.version ?? '?'}`); continue; }
      // Only a top-level install (node_modules/<name>) can be the project's own declaration.
      const topLevel = idx === 0;
      packages.push({ ecosystem: 'npm', name, version: pkg.version, direct: topLevel && direct.has(name), dev: pkg.dev === true, file });
    }
    return { file, format: version >= 3 ? 'package-lock-v3' : 'package-lock-v2', ecosystem: 'npm', packages, skipped };
  }
  if (!lock.dependencies) throw new LockfileError(`${file} has neither "packages" nor "dependencies": not an npm lockfile`);
  const declared = manifest ? new Set(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.optionalDependencies })) : null;
  const walk = (deps: Record<string, V1Dep>, depth: number): void => {
    for (const [name, dep] of Object.entries(deps)) {
      if (isRegistryVersion(dep.version)) {
        packages.push({ ecosystem: 'npm', name, version: dep.version, direct: declared ? depth === 0 && declared.has(name) : null, dev: dep.dev === true, file });
      } else {
        skipped.push(`${name}@${dep.version ?? '?'}`);
      }
      if (dep.dependencies) walk(dep.dependencies, depth + 1);
    }
  };
  walk(lock.dependencies, 0);
  return { file, format: 'package-lock-v1', ecosystem: 'npm', packages, skipped };
}
