import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const SCRIPT = new URL('../../scripts/prune-dist.mjs', import.meta.url);

it('the build removes compiled files whose source is gone (a moved spec would otherwise run twice), and keeps the rest', () => {
  const root = mkdtempSync(join(tmpdir(), 'gonogo-prune-'));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(SCRIPT, join(root, 'scripts/prune-dist.mjs'));
  const files = {
    'smoke/specs/auth-login.spec.ts': 'source',
    'dist/smoke/specs/auth-login.spec.js': 'compiled',
    'dist/smoke/specs/auth-login.spec.d.ts': 'compiled',
    'dist/smoke/specs/auth.spec.js': 'stale',
    'dist/smoke/specs/auth.spec.d.ts': 'stale',
    'dist/smoke/specs/auth.spec.js.map': 'stale',
    'dist/.tsbuildinfo': 'build info',
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  const out = execFileSync(process.execPath, [join(root, 'scripts/prune-dist.mjs')], { encoding: 'utf8' });
  const left = Object.keys(files).filter((f) => existsSync(join(root, f)));
  expect(left).toEqual([
    'smoke/specs/auth-login.spec.ts',
    'dist/smoke/specs/auth-login.spec.js',
    'dist/smoke/specs/auth-login.spec.d.ts',
    'dist/.tsbuildinfo',
  ]);
  expect(out).toContain('removed 3 compiled file(s)');
});
