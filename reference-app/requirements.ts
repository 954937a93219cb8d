/**
 * The reference platform's server stack (the web framework and its plugins, the SQLite driver, the mailer, the
 * metrics client) is an optional part of the gonogo package: a team testing its own platform never loads it, and
 * an installation where the native SQLite driver could not be built, or one made with `--omit=optional`, still has
 * a working gate. The package's optionalDependencies are that list; this says which of them are missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { packageFile } from '../core/files.ts';

export function referenceDependencies(): string[] {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  return Object.keys(pkg.optionalDependencies ?? {});
}

/** The optional packages that no node_modules folder Node would search from gonogo's package root holds. */
export function missingReferenceDependencies(names = referenceDependencies()): string[] {
  const require = createRequire(packageFile('package.json'));
  return names.filter((name) => !(require.resolve.paths(name) ?? []).some((dir) => existsSync(join(dir, name, 'package.json'))));
}

/** Throws a usage error naming what to install when the reference platform cannot start in this installation. */
export function assertReferenceDependencies(): void {
  const missing = missingReferenceDependencies();
  if (!missing.length) return;
  throw new UsageError(`the reference platform (--reference, gonogo reference) needs ${missing.join(', ')}, optional dependencies of gonogo that this installation does not have (installed with --omit=optional, or a native build failed); install them with \`npm install ${missing.join(' ')}\` beside gonogo, or test your own platform with a config file`);
}
