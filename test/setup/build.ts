import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * tsc -b never deletes the output of a source that was moved or removed, and Playwright discovers specs by folder:
 * a compiled spec whose source is gone would run its checks twice.
 */
function pruneStaleSpecs(root: string): void {
  const built = join(root, 'dist/smoke/specs');
  if (!existsSync(built)) return;
  for (const f of readdirSync(built, { recursive: true, encoding: 'utf8' })) {
    const m = /^(.*\.spec)\.(js|d\.ts)$/.exec(f);
    if (m && !existsSync(join(root, 'smoke/specs', `${m[1]}.ts`))) rmSync(join(built, f));
  }
}

/**
 * Tests that start the gonogo command run the built dist/bin/gonogo.js, as a user's installation does. `npm test`
 * builds first; this brings dist/ up to date for a test file run on its own (`npx vitest run test/...`): tsc's build
 * mode compares the sources with its build info and compiles nothing when they are unchanged.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  pruneStaleSpecs(root);
}
