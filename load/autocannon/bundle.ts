import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromSources, moduleFile } from '../../core/files.ts';

const require = createRequire(import.meta.url);

let shared: Promise<URL> | undefined;

/**
 * The worker as a plain-JavaScript module. Compiled (dist/), it is the worker.js beside this module. From the
 * TypeScript sources (a checkout's tests), it is the worker and the gonogo modules it imports bundled by esbuild
 * (a development dependency) into one module: a worker thread does not
 * share the main thread's tsx loader; registering tsx again in every worker costs each one its own
 * loader thread and compiler state (about 17 MB a worker, measured with two), memory charged to
 * the harness for the whole run. Packages stay external, pinned to the files this installation resolves,
 * so the module works from a temporary directory.
 *
 * One bundle per process, built once: esbuild's service is shared by every caller in the process, so a run that
 * stopped it after its own build could kill a build another run (side by side in the same process) still waited
 * for. The bundle's folder goes when the process exits.
 */
export function bundleWorker(): Promise<URL> {
  const entry = moduleFile(import.meta.url, './worker.ts');
  if (!fromSources(import.meta.url)) return Promise.resolve(pathToFileURL(entry));
  if (!shared) {
    shared = buildOnce(entry);
    shared.catch(() => {
      shared = undefined;
    }); // a failed build is tried again by the next run
  }
  return shared;
}

async function buildOnce(entry: string): Promise<URL> {
  const { build, stop } = await import('esbuild');
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'pin-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            isBuiltin(args.path)
              ? { path: args.path, external: true }
              : { path: pathToFileURL(require.resolve(args.path)).href, external: true },
          );
        },
      },
    ],
  }).finally(() => stop()); // esbuild's service process would otherwise stay for the whole run; no other build shares it
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-autocannon-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'worker.mjs');
  writeFileSync(file, out.outputFiles[0]!.contents);
  return pathToFileURL(file);
}
