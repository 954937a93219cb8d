import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromSources, moduleFile } from '../../core/files.ts';

const require = createRequire(import.meta.url);

/**
 * The worker as a plain-JavaScript module. Compiled (dist/), it is the worker.js beside this module. From the
 * TypeScript sources (a checkout's tests), it is the worker and the gonogo modules it imports bundled by esbuild
 * (a development dependency) into one module: a worker thread does not
 * share the main thread's tsx loader; registering tsx again in every worker costs each one its own
 * loader thread and compiler state (about 17 MB a worker, measured with two), memory charged to
 * the harness for the whole run. Packages stay external, pinned to the files this installation resolves,
 * so the module works from a temporary directory.
 */
export async function bundleWorker(): Promise<{ url: URL; dispose(): Promise<void> }> {
  const entry = moduleFile(import.meta.url, './worker.ts');
  if (!fromSources(import.meta.url)) return { url: pathToFileURL(entry), dispose: async () => {} };
  const { build, stop } = await import('esbuild');
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [{
      name: 'pin-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (isBuiltin(args.path) ? { path: args.path, external: true } : { path: pathToFileURL(require.resolve(args.path)).href, external: true }));
      },
    }],
  }).finally(() => stop()); // esbuild's service process would otherwise stay for the whole run
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-autocannon-'));
  const file = join(dir, 'worker.mjs');
  await writeFile(file, out.outputFiles[0]!.contents);
  return { url: pathToFileURL(file), dispose: () => rm(dir, { recursive: true, force: true }) };
}
