import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ENTRY = new URL('./worker.ts', import.meta.url);
const require = createRequire(import.meta.url);

/**
 * The worker and the gonogo modules it imports as one plain-JavaScript module. A worker thread does not
 * share the main thread's tsx loader; registering tsx again in every worker costs each one its own
 * loader thread and compiler state (about 17 MB a worker, measured with two), memory charged to
 * the harness for the whole run. Packages stay external, pinned to the files this installation resolves,
 * so the module works from a temporary directory.
 */
export async function bundleWorker(): Promise<{ url: URL; dispose(): Promise<void> }> {
  const { build, stop } = await import('esbuild');
  const out = await build({
    entryPoints: [fileURLToPath(ENTRY)],
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
