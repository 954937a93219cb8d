import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OSV_DEMO_DIR } from '../../reference-app/index.ts';
import type { Report } from '../../reports/schema.ts';
import { closedPortProject, gonogoChild } from './child.ts';

const CLEAN = new URL('../../reference-app/fixtures/clean/package-lock.json', import.meta.url).pathname;
const VULNERABLE = new URL('../../reference-app/fixtures/vulnerable/package-lock.json', import.meta.url).pathname;
const out = () => join(mkdtempSync(join(tmpdir(), 'gonogo-exit-')), 'run');

/** The commands of docs/exit-codes.md, one per code, through the real CLI. */
describe('exit codes (docs/exit-codes.md)', () => {
  it('0 GO: a clean reference platform, security suite', async () => {
    const dir = out();
    const r = await gonogoChild(['run', '--reference', '--suite', 'security', '--out', dir], { timeoutMs: 120_000 });
    expect(r.code, r.out + r.err).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toMatchObject({ decision: 'GO', complete: false });
  }, 150_000);

  it('0: a clean lockfile, and --help', async () => {
    expect((await gonogoChild(['audit', 'deps', CLEAN, '--osv-db', OSV_DEMO_DIR])).code).toBe(0);
    expect((await gonogoChild(['--help'])).code).toBe(0);
  });

  it('1 NO-GO: the reference platform without HSTS', async () => {
    const dir = out();
    const r = await gonogoChild(['run', '--reference', '--suite', 'security', '--flaws', 'missing-hsts', '--out', dir], { timeoutMs: 120_000 });
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toContain('blocker headers.hsts failed');
  }, 150_000);

  it('1: a vulnerable lockfile', async () => {
    const r = await gonogoChild(['audit', 'deps', VULNERABLE, '--osv-db', OSV_DEMO_DIR]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL  deps.advisories');
  });

  it.each([
    [['run', '--vus', '1e9'], 'Usage error: --vus: "1e9"'],
    [['load', 'http://127.0.0.1:9', '--duration', '100000h'], 'Usage error: --duration: "100000h" is longer than the maximum of 24h'],
    [['run', '--out', '/sys/report'], 'Usage error: --out /sys/report: /sys is not writable'],
    [['nosuchcommand'], "unknown command 'nosuchcommand'"],
    [['audit', 'deps', '/nonexistent/package-lock.json', '--osv-db', OSV_DEMO_DIR], 'Input error: '],
  ])('2: gonogo %j', async (args, needle) => {
    const r = await gonogoChild(args);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(needle);
  });

  it('2: a config error names the file and the key', async () => {
    const p = closedPortProject({ config: `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMS: 5000 } };\n` });
    const r = await gonogoChild(['run', '--suite', 'security'], { cwd: p.dir });
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`Config error in ${p.config}: target: unknown key "timeoutMS"`);
  });
});
