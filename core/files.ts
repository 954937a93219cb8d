/**
 * Where gonogo's own files are, the same whether it runs from its TypeScript sources (a checkout, the tests)
 * or from the compiled package (dist/ inside node_modules/gonogo).
 *
 * Two kinds of file: data that ships as it is (schemas, default KPIs, static pages, k6 scripts, example
 * configs) lives under the package root in both layouts, and is found from there; a module that is started
 * as a process or a worker of its own is compiled with the rest, so it is found beside its caller with the
 * caller's extension (.ts from the sources, .js from dist/).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`gonogo's package.json was not found above ${from}`);
  }
}

/** The directory of gonogo's package.json: the checkout, or node_modules/gonogo (dist/ has no package.json). */
export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A file shipped as it is, by its path from the package root (`config/defaults/kpis.yaml`). */
export function packageFile(path: string): string {
  return join(PACKAGE_ROOT, path);
}

/** The documented default KPIs, which `gonogo init` copies and a run without a KPI file of its own uses. */
export const DEFAULT_KPI_FILE = packageFile('config/defaults/kpis.yaml');

/** True when the calling module is a TypeScript source (run by vitest or tsx), false when it is compiled JavaScript. */
export function fromSources(callerUrl: string): boolean {
  return /\.[cm]?ts$/.test(new URL(callerUrl).pathname);
}

/**
 * A compiled sibling of the calling module: `moduleFile(import.meta.url, './child.ts')` is child.ts beside a
 * source, child.js beside a compiled module.
 */
export function moduleFile(callerUrl: string, relativeTs: string): string {
  const file = fileURLToPath(new URL(relativeTs, callerUrl));
  return fromSources(callerUrl) ? file : file.replace(/\.([cm]?)ts$/, '.$1js');
}

/**
 * The node arguments that run a sibling module as a process of its own: the compiled module as it is, a source
 * through tsx (a development dependency: only a checkout runs from the sources).
 */
export function moduleProcess(callerUrl: string, relativeTs: string): { file: string; execArgv: string[] } {
  return { file: moduleFile(callerUrl, relativeTs), execArgv: fromSources(callerUrl) ? ['--import', 'tsx'] : [] };
}
