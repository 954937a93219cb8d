import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN_TS = join(ROOT, 'bin/run-ts.js');
const CACHE = join(ROOT, 'node_modules/.cache/gonogo');

/** An entry outside the package that imports a helper beside it and one gonogo module. */
const made: string[] = [];
function program(): { dir: string; entry: string; helper: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-compiled-'));
  made.push(dir);
  const helper = join(dir, 'helper.mts');
  const entry = join(dir, 'entry.mts');
  writeFileSync(helper, 'export const word: string = "first";\n');
  writeFileSync(entry, [
    `import { word } from './helper.mts';`,
    `import { durationToS } from ${JSON.stringify(join(ROOT, 'load/plan.ts'))};`,
    `console.log(JSON.stringify({ word, seconds: durationToS('1m30s'), url: import.meta.url, argv: process.argv.slice(2) }));`,
  ].join('\n'));
  return { dir, entry, helper };
}

const run = async (entry: string, ...args: string[]) => JSON.parse((await execa('node', [RUN_TS, entry, ...args])).stdout) as
  { word: string; seconds: number; url: string; argv: string[] };

const manifestFile = (entry: string) => join(CACHE, `${relative(ROOT, entry).replace(/[^\w.-]+/g, '_')}.json`);
const manifest = (entry: string) => JSON.parse(readFileSync(manifestFile(entry), 'utf8')) as { hash: string; inputs: string[] };

afterAll(() => {
  for (const dir of made) {
    const entry = join(dir, 'entry.mts');
    try {
      rmSync(join(CACHE, manifest(entry).hash), { recursive: true, force: true });
      rmSync(manifestFile(entry), { force: true });
    } catch { /* that entry never built */ }
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('compiled entries (bin/compiled.js)', () => {
  it('runs an entry compiled once, keeps its source-relative import.meta.url and its arguments', async () => {
    const p = program();
    const r = await run(p.entry, '--flag', 'x');
    expect(r).toEqual({ word: 'first', seconds: 90, url: `file://${p.entry}`, argv: ['--flag', 'x'] });
    const m = manifest(p.entry);
    expect(m.inputs).toEqual(expect.arrayContaining([relative(ROOT, p.entry), relative(ROOT, p.helper), 'load/plan.ts']));
    expect((await run(p.entry)).word).toBe('first');
    expect(manifest(p.entry).hash).toBe(m.hash); // unchanged inputs: the cached build
  });

  it('rebuilds when an imported file changes', async () => {
    const p = program();
    expect((await run(p.entry)).word).toBe('first');
    const before = manifest(p.entry).hash;
    writeFileSync(p.helper, 'export const word: string = "second";\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(p.helper, later, later);
    expect((await run(p.entry)).word).toBe('second');
    expect(manifest(p.entry).hash).not.toBe(before);
  });

  it('concurrent first starts all run, whichever build lands', async () => {
    const p = program();
    const results = await Promise.all([1, 2, 3, 4].map(() => run(p.entry)));
    expect(results.map((r) => r.word)).toEqual(['first', 'first', 'first', 'first']);
  });

  it('a TypeScript error in the entry is reported with its file and line, exit non-zero', async () => {
    const p = program();
    writeFileSync(p.helper, 'export const word: string = ;\n');
    const r = await execa('node', [RUN_TS, p.entry], { reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/helper\.m?ts:1:\d+/);
  });
});
