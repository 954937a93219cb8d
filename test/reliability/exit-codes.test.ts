import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OSV_DEMO_DIR } from '../../reference-app/index.ts';
import type { Report } from '../../core/report-schema.ts';
import { makeReport } from '../reports/compare/fixtures.ts';
import { closedPortProject, gonogoChild } from './child.ts';

const CLEAN = new URL('../../reference-app/fixtures/clean/package-lock.json', import.meta.url).pathname;
const VULNERABLE = new URL('../../reference-app/fixtures/vulnerable/package-lock.json', import.meta.url).pathname;
const out = () => join(mkdtempSync(join(tmpdir(), 'gonogo-exit-')), 'run');
const scratch = mkdtempSync(join(tmpdir(), 'gonogo-exit-files-'));
const file = (name: string, text: string): string => {
  const f = join(scratch, name);
  writeFileSync(f, text);
  return f;
};
const CLEAN_REPORT = file('clean.json', JSON.stringify(makeReport({ label: 'v1' })));
const FLAWED_REPORT = file(
  'flawed.json',
  JSON.stringify(makeReport({ label: 'v2', rateLimit: null, checks: { 'ratelimit.api': 'fail' } })),
);
const KPIS = readFileSync(closedPortProject().kpis, 'utf8');

/** The commands of docs/exit-codes.md, one per code, through the real CLI. */
describe('exit codes (docs/exit-codes.md)', () => {
  it('0 GO: a clean reference platform, security suite', async () => {
    const dir = out();
    const r = await gonogoChild(['run', '--reference', '--suite', 'security', '--out', dir], { timeoutMs: 120_000 });
    expect(r.code, r.out + r.err).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toMatchObject({ decision: 'GO', complete: false });
  }, 150_000);

  it('0: a clean lockfile, --help and --version', async () => {
    expect((await gonogoChild(['audit', 'deps', CLEAN, '--osv-db', OSV_DEMO_DIR])).code).toBe(0);
    expect((await gonogoChild(['--help'])).code).toBe(0);
    const version = await gonogoChild(['--version']);
    expect(version.code).toBe(0);
    expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('0 and 1: compare without and with a regression, checklist without and with a contradicted claim', async () => {
    expect((await gonogoChild(['compare', CLEAN_REPORT, CLEAN_REPORT])).code).toBe(0);
    const regression = await gonogoChild(['compare', CLEAN_REPORT, FLAWED_REPORT]);
    expect(regression.code, regression.err).toBe(1);
    expect(regression.out).toContain('check ratelimit.api newly fails');
    const checklist = file('launch.md', '# Launch\n\n- [x] Rate limiting configured (100 req/min)\n');
    expect((await gonogoChild(['checklist', checklist, '--report', CLEAN_REPORT])).code).toBe(0);
    const contradicted = await gonogoChild(['checklist', checklist, '--report', FLAWED_REPORT]);
    expect(contradicted.code, contradicted.err).toBe(1);
    expect(contradicted.out).toContain('CONTRADICTED');
  });

  it('1: gonogo load whose every request failed (nothing listens)', async () => {
    const r = await gonogoChild([
      'load',
      'http://127.0.0.1:9/',
      '--engine',
      'autocannon',
      '--vus',
      '1',
      '--duration',
      '1s',
    ]);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/NO-GO: every one of the \d+ requests failed \(network errors ×\d+\)/);
  });

  it('1: a run cut off by its target.deadlineS deadline writes a report marked interrupted', async () => {
    // Accepts connections and never answers: the audits would wait out their own timeouts, the deadline comes first.
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const p = closedPortProject({
        config: `export default { target: { baseUrl: 'https://127.0.0.1:${port}', timeoutMs: 8000, deadlineS: 2 }, security: { tls: { handshakeTimeoutMs: 8000 } } };\n`,
      });
      const dir = join(p.dir, 'out');
      const r = await gonogoChild(['run', '--config', p.config, '--suite', 'security', '--out', dir]);
      expect(r.code, r.err).toBe(1);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
      expect(report.run.interrupted).toBe(true);
      expect(report.verdict.decision).toBe('NO-GO');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('1 NO-GO: the reference platform without HSTS', async () => {
    const dir = out();
    const r = await gonogoChild(
      ['run', '--reference', '--suite', 'security', '--flaws', 'missing-hsts', '--out', dir],
      { timeoutMs: 120_000 },
    );
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
    [
      ['load', 'http://127.0.0.1:9', '--duration', '100000h'],
      'Usage error: --duration: "100000h" is longer than the maximum of 24h',
    ],
    [['run', '--out', '/sys/report'], 'Usage error: --out /sys/report: /sys is not writable'],
    [['nosuchcommand'], "unknown command 'nosuchcommand'"],
    [['audit', 'deps', '/nonexistent/package-lock.json', '--osv-db', OSV_DEMO_DIR], 'Input error: '],
  ])('2: gonogo %j', async (args, needle) => {
    const r = await gonogoChild(args);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(needle);
  });

  it('2: the documented refusals of merge, the KPI file and its waivers', async () => {
    const shard = file(
      'shard-1.json',
      readFileSync(new URL('../../reference-app/fixtures/clean/package-lock.json', import.meta.url), 'utf8'),
    );
    const twice = await gonogoChild(['merge', shard, shard, '--out', join(scratch, 'merged.json')]);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain(`Usage error: the shard ${shard} is named twice`);
    const overwrite = await gonogoChild(['merge', shard, '--out', shard]);
    expect(overwrite.code).toBe(2);
    expect(overwrite.err).toContain(`Usage error: --out ${shard} is one of the shards being merged`);
    const waiver = (w: string) =>
      `${KPIS.replace(/^waivers: \[\]$/m, '')}\nwaivers:\n  - { ${w}, reason: r, owner: o@example.com }\n`;
    for (const [kpis, needle] of [
      [
        KPIS.replace('threshold: p(95)<200', 'threshold: "P(95)<200"'),
        'kpis[0] (http.p95).threshold: "P(95)<200" is not a k6 threshold expression',
      ],
      [waiver('check: headers.csp, expires: 2026-12-99'), 'waivers[0].expires'],
      [waiver('check: headers.no-such-check, expires: 2099-12-31'), 'waivers[0] (check headers.no-such-check)'],
      [waiver('kpi: http.p96, expires: 2099-12-31'), 'waivers[0] (kpi http.p96)'],
    ] as const) {
      const p = closedPortProject({ kpis });
      const r = await gonogoChild(['run', '--config', p.config, '--suite', 'security', '--out', join(p.dir, 'out')]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain(`Config error in ${p.kpis}: `);
      expect(r.err).toContain(needle);
    }
  });

  it('2: a config error names the file and the key', async () => {
    const p = closedPortProject({
      config: `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMS: 5000 } };\n`,
    });
    const r = await gonogoChild(['run', '--suite', 'security'], { cwd: p.dir });
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`Config error in ${p.config}: target: unknown key "timeoutMS"`);
  });
});
