import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityConfig } from '../../security/config.ts';
import { runSecurity } from '../../security/index.ts';
import { applyCheckWaivers, evaluateKpis } from '../../reports/kpi-eval.ts';
import { decide } from '../../reports/verdict.ts';
import type { CheckResult } from '../../core/report-schema.ts';
import { defaultKpis, securityContext } from './support.ts';

const TODAY = '2026-11-22';
const waiver = (w: { check: string } | { kpi: string; notMeasured?: boolean }) => ({
  ...w,
  reason: 'static API gateway, no third-party code',
  owner: 'sec@example.com',
  expires: '2026-12-31',
});

/** The verdict of a security-only run with these checks and the default KPIs. */
async function verdictOf(checks: CheckResult[], waivers: ReturnType<typeof waiver>[]) {
  const kpis = await defaultKpis();
  const waived = applyCheckWaivers(checks, waivers, TODAY);
  const securityKpis = kpis.kpis.filter((k) => k.suite === 'security' && k.id.startsWith('deps.'));
  const results = evaluateKpis({
    kpis: securityKpis,
    measurements: [],
    checks: waived,
    ranSuites: ['security'],
    waivers,
    today: TODAY,
  });
  return {
    results,
    verdict: decide({
      checks: waived,
      kpis: results,
      selected: ['security'],
      suiteErrors: [],
      interrupted: false,
      regressions: [],
      waivers,
      today: TODAY,
    }),
  };
}

describe('security.deps.none: a platform without a lockfile', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('needs a reason and cannot be combined with listed lockfiles', () => {
    expect(SecurityConfig.safeParse({ deps: { none: ' ' } }).success).toBe(false);
    const both = SecurityConfig.safeParse({ deps: { none: 'no deps', lockfiles: ['package-lock.json'] } });
    expect(both.error!.issues.map((i) => i.path.join('.'))).toEqual(['deps.none']);
  });

  it('fails deps.advisories with the reason (visible, never a silent pass) and leaves the deps KPIs unmeasured', async () => {
    const out = await runSecurity(
      await securityContext(url, { deps: { none: 'static API gateway, no third-party code' } }),
    );
    const deps = out.checks.filter((c) => c.id.startsWith('deps.'));
    expect(deps.map((c) => [c.id, c.status])).toEqual([['deps.advisories', 'fail']]);
    expect(deps[0]!.evidence.message).toContain('security.deps.none: "static API gateway, no third-party code"');
    expect(out.measurements.filter((m) => m.metric.startsWith('deps_'))).toEqual([]);

    const unwaived = await verdictOf(deps, []);
    expect(unwaived.verdict.decision).toBe('NO-GO');
    expect(unwaived.results.map((k) => [k.id, k.status])).toEqual([
      ['deps.critical', 'not-measured'],
      ['deps.high', 'not-measured'],
    ]);
  });

  it('is cleared by waivers in kpis.yaml, which the report names, until they expire', async () => {
    const out = await runSecurity(
      await securityContext(url, { deps: { none: 'static API gateway, no third-party code' } }),
    );
    const deps = out.checks.filter((c) => c.id.startsWith('deps.'));
    // A plain KPI waiver accepts a failing value only; an unmeasured KPI needs notMeasured: true.
    const plain = [
      waiver({ check: 'deps.advisories' }),
      waiver({ kpi: 'deps.critical' }),
      waiver({ kpi: 'deps.high' }),
    ];
    expect((await verdictOf(deps, plain)).verdict.decision).toBe('NO-GO');
    const all = [
      waiver({ check: 'deps.advisories' }),
      waiver({ kpi: 'deps.critical', notMeasured: true }),
      waiver({ kpi: 'deps.high', notMeasured: true }),
    ];
    const waived = await verdictOf(deps, all);
    expect(waived.verdict.decision).toBe('GO');
    expect(waived.verdict.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^waived: deps\.advisories/),
        'waived: KPI deps.critical (not measured (no measurement of deps_vulns_critical); waived until 2026-12-31 by sec@example.com: static API gateway, no third-party code)',
      ]),
    );
    expect(waived.results.map((k) => k.status)).toEqual(['waived', 'waived']);

    const expired = all.map((w) => ({ ...w, expires: '2026-11-01' }));
    expect((await verdictOf(deps, expired)).verdict.decision).toBe('NO-GO');
    // Waiving the check alone leaves the unmeasured KPIs standing.
    expect((await verdictOf(deps, [all[0]!])).verdict.decision).toBe('NO-GO');
  });
});

describe('kpis.yaml notMeasured waivers', () => {
  it('belong to KPI waivers only', async () => {
    const { parseKpiText } = await import('../../config/kpis.ts');
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8')).replace(
      /^waivers:.*$/m,
      '',
    );
    const bad = `${text}\nwaivers:\n  - { check: deps.advisories, notMeasured: true, reason: r, owner: o, expires: 2026-12-31 }\n`;
    expect(() => parseKpiText(bad, 'kpis.yaml')).toThrow(/notMeasured belongs to a KPI waiver/);
    const good = `${text}\nwaivers:\n  - { kpi: deps.high, notMeasured: true, reason: r, owner: o, expires: 2026-12-31 }\n`;
    expect(parseKpiText(good, 'kpis.yaml').waivers[0]).toMatchObject({ kpi: 'deps.high', notMeasured: true });
  });
});
