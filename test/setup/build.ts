import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tests that start the gonogo command run the built dist/bin/gonogo.js, as a user's installation does. `npm test`
 * builds first; this brings dist/ up to date for a test file run on its own (`npx vitest run test/...`): tsc's build
 * mode compares the sources with its build info and compiles nothing when they are unchanged.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // tsc -b never deletes the output of a removed source (npm run build does the same).
  execFileSync(process.execPath, [join(root, 'scripts/prune-dist.mjs')], { cwd: root, stdio: 'inherit' });
}
