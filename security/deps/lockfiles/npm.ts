import { z } from 'zod';
import { LockfileError, type LockedPackage, type ParsedLockfile } from '../types.ts';
import { parseJson, shaped, StringMap } from './shape.ts';

// One level at a time: a recursive schema would recurse as deep as the file nests (1,000 levels overflowed the stack).
interface V1Dep {
  version?: string | undefined;
  dev?: boolean | undefined;
  dependencies?: Record<string, unknown> | undefined;
}
const V1Dep = z.object({
  version: z.string().optional(),
  dev: z.boolean().optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
});
const V2Pkg = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  dev: z.boolean().optional(),
  link: z.boolean().optional(),
  dependencies: StringMap.optional(),
  devDependencies: StringMap.optional(),
  optionalDependencies: StringMap.optional(),
  peerDependencies: StringMap.optional(),
});
const PackageLock = z.object({
  lockfileVersion: z
    .number()
    .int()
    .min(1)
    .max(
      3,
      'gonogo reads package-lock versions 1, 2 and 3; a newer npm wrote this one, so regenerate it with npm 7-10 or audit an SBOM of it (npm sbom)',
    )
    .optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
  packages: z.record(z.string(), V2Pkg).optional(),
});

const isRegistryVersion = (v: string | undefined): v is string => !!v && /^\d+\.\d+\.\d+/.test(v);

/** package-lock.json / npm-shrinkwrap.json, lockfile versions 1, 2 and 3. `manifest` is the sibling package.json (v1 only needs it to tell direct deps). */
export function parsePackageLock(
  text: string,
  file: string,
  manifest?: {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  },
): ParsedLockfile {
  const lock = shaped(PackageLock, parseJson(text, file), file, 'package-lock.json');
  const version = lock.lockfileVersion ?? 1;
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  if (lock.packages && version >= 2) {
    const root = lock.packages[''] ?? {};
    const direct = new Set(
      Object.keys({
        ...root.dependencies,
        ...root.devDependencies,
        ...root.optionalDependencies,
        ...root.peerDependencies,
      }),
    );
    for (const [path, pkg] of Object.entries(lock.packages)) {
      if (path === '' || pkg.link) continue;
      const idx = path.lastIndexOf('node_modules/');
      if (idx < 0) continue; // a workspace folder, not an installed package
      const name = pkg.name ?? path.slice(idx + 'node_modules/'.length);
      if (!isRegistryVersion(pkg.version)) {
        skipped.push(`${name}@${pkg.version ?? '?'}`);
        continue;
      }
      // Only a top-level install (node_modules/<name>) can be the project's own declaration.
      const topLevel = idx === 0;
      packages.push({
        ecosystem: 'npm',
        name,
        version: pkg.version,
        direct: topLevel && direct.has(name),
        dev: pkg.dev === true,
        file,
      });
    }
    return { file, format: version >= 3 ? 'package-lock-v3' : 'package-lock-v2', ecosystem: 'npm', packages, skipped };
  }
  if (!lock.dependencies)
    throw new LockfileError(`${file} has neither "packages" nor "dependencies": not an npm lockfile`);
  const declared = manifest
    ? new Set(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.optionalDependencies }))
    : null;
  // Breadth first with an explicit queue: no recursion, whatever the nesting.
  const queue: Array<{ deps: Record<string, unknown>; depth: number; at: string }> = [
    { deps: lock.dependencies, depth: 0, at: 'dependencies' },
  ];
  for (let i = 0; i < queue.length; i++) {
    const { deps, depth, at } = queue[i]!;
    for (const [name, raw] of Object.entries(deps)) {
      const dep: V1Dep = shaped(V1Dep, raw, file, `package-lock.json (${at}.${name})`);
      if (isRegistryVersion(dep.version)) {
        packages.push({
          ecosystem: 'npm',
          name,
          version: dep.version,
          direct: declared ? depth === 0 && declared.has(name) : null,
          dev: dep.dev === true,
          file,
        });
      } else {
        skipped.push(`${name}@${dep.version ?? '?'}`);
      }
      if (dep.dependencies) queue.push({ deps: dep.dependencies, depth: depth + 1, at: `${at}.${name}.dependencies` });
    }
  }
  return { file, format: 'package-lock-v1', ecosystem: 'npm', packages, skipped };
}
