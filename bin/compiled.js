// Loads one TypeScript entry of this package as plain JavaScript, compiled once by esbuild and cached.
//
// The package ships TypeScript sources and needs no build step after `npm ci`. Compiling on every load
// (tsx) costs each process a loader thread and compiler state, about 40 MB of resident memory and
// 0.3 s of start-up, charged to the harness for a whole run. So the entry and the package modules it
// imports are bundled (packages stay external) into node_modules/.cache/gonogo/<hash>/, where <hash>
// covers every input file's path, size and modification time: a changed source is rebuilt on the next
// start, an unchanged one is loaded straight from the cache. Concurrent starts build into their own
// temporary directory and rename it into place, so they never see a half-written build.
//
// esbuild and tsx are build tools, not module loaders with a cache keyed on inputs; this small layer is
// the part neither does. When the cache cannot be written (a read-only installation), tsx compiles on
// load as before.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'gonogo');
const STALE_MS = 7 * 24 * 3600 * 1000;
const SELF = relative(ROOT, fileURLToPath(import.meta.url)); // how builds are made is an input too

/** The input files' identity: path, size and modification time of each, hashed. */
function fingerprint(inputs) {
  const h = createHash('sha256');
  for (const file of [...inputs].sort()) {
    const s = statSync(join(ROOT, file));
    h.update(`${file}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

function manifestFile(entry) {
  return join(CACHE, `${entry.replace(/[^\w.-]+/g, '_')}.json`);
}

/** The cached build of `entry` when every input is unchanged, else null. */
function cached(entry) {
  try {
    const m = JSON.parse(readFileSync(manifestFile(entry), 'utf8'));
    if (fingerprint(m.inputs) !== m.hash) return null;
    const file = join(CACHE, m.hash, m.output);
    statSync(file);
    return file;
  } catch {
    return null;
  }
}

async function build(entry) {
  const esbuild = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  const tmp = join(CACHE, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
      plugins: [{
        name: 'source-relative-urls',
        setup(b) {
          // Modules find their data files (schemas, k6 scripts, static pages) relative to their source.
          b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => ({
            contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
            loader: 'ts',
          }));
        },
      }],
    });
  } finally {
    await esbuild.stop(); // the service process would otherwise outlive the build
  }
  const inputs = [...Object.keys(result.metafile.inputs), SELF]; // relative to ROOT, the working directory
  const hash = fingerprint(inputs);
  // Dynamic imports are entry points of their own in the metafile: take the one built from `entry`.
  const entryOut = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === entry)?.[0];
  const output = relative(tmp, join(ROOT, entryOut));
  const dir = join(CACHE, hash);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another start built the same inputs first
  }
  const manifest = `${manifestFile(entry)}.${process.pid}`;
  writeFileSync(manifest, JSON.stringify({ hash, output, inputs }));
  renameSync(manifest, manifestFile(entry));
  prune(hash);
  return join(dir, output);
}

/** Builds not used for a week are removed; recent ones may still be loading in another process. */
function prune(keep) {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    try {
      if (name !== keep && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch { /* removed by another start */ }
  }
}

/** Imports `entry` (a path from the package root, e.g. 'cli/main.ts'). */
export async function importEntry(entry) {
  let file = cached(entry);
  if (!file) {
    try {
      file = await build(entry);
    } catch {
      const { register } = await import('tsx/esm/api');
      register();
      return import(pathToFileURL(join(ROOT, entry)).href);
    }
  }
  return import(pathToFileURL(file).href);
}
