// Removes compiled files whose TypeScript source is gone. tsc -b never deletes the output of a source that was moved
// or removed, and Playwright discovers the smoke specs by folder: a compiled spec left behind would run its checks
// again. Plain JavaScript, so it runs right after the build with nothing else compiled.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const removed = [];
if (existsSync(dist)) {
  for (const f of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
    const m = /^(.*)\.(js|d\.ts)(\.map)?$/.exec(f);
    if (m && !existsSync(join(root, `${m[1]}.ts`))) {
      rmSync(join(dist, f));
      removed.push(f);
    }
  }
}
if (removed.length)
  console.log(`prune-dist: removed ${removed.length} compiled file(s) whose source is gone: ${removed.join(', ')}`);
