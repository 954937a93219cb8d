import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/**
 * The package as a user gets it: `npm pack`, installed from the tarball into an empty folder (from npm's cache,
 * which `npm ci` filled: `--prefer-offline`), then `init` and a quick run against the bundled reference platform,
 * all through the installed bin. The only dependency with an install script is the SQLite driver, which builds
 * from source for minutes when no prebuilt binary can be fetched: when the tarball resolves the same version as
 * this repository's lockfile, its native build from `npm ci` is copied in (a build of the same source for the same
 * Node); otherwise npm builds it.
 */
describe('the npm pack tarball', () => {
  it(
    'installs into an empty folder, and `gonogo init` and `gonogo run --reference --quick` from there are GO',
    async () => {
      const work = mkdtempSync(join(tmpdir(), 'gonogo-pack-'));
      made.push(work);
      const app = join(work, 'app');
      await execa('npm', ['pack', '--pack-destination', work], { cwd: ROOT });
      const tarball = readdirSync(work).find((f) => /^gonogo-.*\.tgz$/.test(f));
      expect(tarball).toBeDefined();

      await execa('mkdir', [app]);
      writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'gonogo-pack-check', private: true })}\n`);
      await execa(
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, tarball!)],
        { cwd: app, timeout: 25 * 60_000 },
      );
      const driver = (root: string) => join(root, 'node_modules/better-sqlite3');
      const versionOf = (dir: string) =>
        (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
      if (
        versionOf(driver(app)) === versionOf(driver(ROOT)) &&
        existsSync(join(driver(ROOT), 'build/Release/better_sqlite3.node'))
      ) {
        cpSync(join(driver(ROOT), 'build'), join(driver(app), 'build'), { recursive: true });
      } else {
        await execa('npm', ['rebuild', 'better-sqlite3'], { cwd: app, timeout: 25 * 60_000 });
      }
      // Only the compiled package is there: no sources, no tests.
      const installed = join(app, 'node_modules/gonogo');
      expect(existsSync(join(installed, 'dist/bin/gonogo.js'))).toBe(true);
      expect(existsSync(join(installed, 'test'))).toBe(false);
      expect(existsSync(join(installed, 'cli'))).toBe(false);

      const version = await execa(join(app, 'node_modules/.bin/gonogo'), ['--version'], { cwd: app });
      expect(version.stdout).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);

      // The package's exports: a team's config imports defineConfig from 'gonogo', with its types.
      const imported = await execa(
        'node',
        ['--input-type=module', '-e', "import { defineConfig } from 'gonogo'; console.log(typeof defineConfig);"],
        { cwd: app },
      );
      expect(imported.stdout).toBe('function');

      const init = await execa('npx', ['--no-install', 'gonogo', 'init'], { cwd: app, reject: false });
      expect(init.exitCode, init.stderr).toBe(0);
      for (const f of ['gonogo.config.ts', 'kpis.yaml', '.env.example']) expect(existsSync(join(app, f)), f).toBe(true);

      const run = await execa(
        'npx',
        ['--no-install', 'gonogo', 'run', '--reference', '--quick', '--out', join(work, 'out')],
        { cwd: app, reject: false, all: true, timeout: 20 * 60_000 },
      );
      expect(run.exitCode, run.all?.slice(-3000)).toBe(0);
      const report = JSON.parse(readFileSync(join(work, 'out/report.json'), 'utf8')) as {
        verdict: { decision: string };
        checks: Array<{ id: string; suite: string; status: string }>;
      };
      expect(report.verdict.decision).toBe('GO');
      // The Playwright specs ran from node_modules/gonogo/dist: smoke checks passed, none ended in error.
      const smoke = report.checks.filter((c) => c.suite === 'smoke');
      expect(smoke.filter((c) => c.status === 'pass').length).toBeGreaterThan(10);
      expect(smoke.filter((c) => c.status === 'error')).toEqual([]);
    },
    45 * 60_000,
  );
});
