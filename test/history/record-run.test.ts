import { join } from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../history/store.ts';
import { closedPortProject, gonogoChild } from '../reliability/child.ts';

/** A real `gonogo run` (the security suite against a closed loopback port: quick, and NO-GO) recording into the project's store. */
describe('gonogo run records into the history store', () => {
  it('with history.record in the config, and with --record; branch and commit from the CI variables', async () => {
    const p = closedPortProject({
      config: `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 }, history: { record: true, project: 'closed-port' } };\n`,
    });
    const ci = { GITHUB_REF_NAME: 'nightly', GITHUB_SHA: 'f00dfeed', GITHUB_REPOSITORY: 'acme/shop' };
    // Run from another folder: history.file is relative to the config file, like every path in a config.
    const cwd = join(p.dir, 'elsewhere');
    mkdirSync(cwd);
    const first = await gonogoChild(['run', '--config', p.config, '--suite', 'security', '--out', join(p.dir, 'r1')], {
      cwd,
      env: ci,
      timeoutMs: 120_000,
    });
    expect(first.code, first.err).toBe(1);
    expect(first.out).toMatch(
      /History: run \S+ recorded in SQLite .*\.gonogo\/history\.sqlite \(project closed-port, branch nightly, commit f00dfeed\)/,
    );

    const plain = join(p.dir, 'plain.config.ts');
    writeFileSync(plain, `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 } };\n`);
    const second = await gonogoChild(
      ['run', '--config', plain, '--suite', 'security', '--record', '--label', 'v2', '--out', join(p.dir, 'r2')],
      { cwd, env: ci, timeoutMs: 120_000 },
    );
    expect(second.code, second.err).toBe(1);
    expect(second.out).toMatch(/\(project acme\/shop, branch nightly/);

    expect(existsSync(join(cwd, '.gonogo'))).toBe(false);
    const store = await HistoryStore.open({ kind: 'sqlite', file: join(p.dir, '.gonogo/history.sqlite') });
    try {
      const rows = await store.list();
      expect(rows.map((r) => [r.project, r.branch, r.commit_sha, r.verdict, r.complete])).toEqual([
        ['closed-port', 'nightly', 'f00dfeed', 'NO-GO', 0],
        ['acme/shop', 'nightly', 'f00dfeed', 'NO-GO', 0],
      ]);
      expect((await store.find('v2'))!.report.run.suites).toEqual(['security']);
    } finally {
      await store.close();
    }
  }, 240_000);
});
