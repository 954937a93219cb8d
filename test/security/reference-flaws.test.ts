import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReference } from '../../reference-app/index.ts';
import { FLAWS } from '../../reference-app/flaws.ts';
import type { ReferenceInfo } from '../../core/reference.ts';
import { startMailSink, type MailSink } from '../../core/mail/sink.ts';
import { runSecurity } from '../../security/index.ts';
import { loadExampleConfig } from '../../reference-app/example-env.ts';
import { evaluateKpis } from '../../reports/kpi-eval.ts';
import { decide } from '../../reports/verdict.ts';
import { catalogueEntry } from '../../core/catalogue.ts';
import type { SuiteOutput } from '../../config/suite.ts';
import { defaultKpis, securityContext } from './support.ts';

const SECURITY_AREAS = ['headers', 'tls', 'deps'];
// Every flaw whose checks the security suite owns, plus the clean app.
const ROWS = FLAWS.filter((f) => f.mustFail.some((id) => SECURITY_AREAS.includes(id.split('.')[0]!)));

let sink: MailSink;
beforeAll(async () => {
  sink = await startMailSink();
});
afterAll(async () => {
  await sink?.stop();
});

async function audit(flaws: string[]): Promise<{
  out: SuiteOutput;
  info: ReferenceInfo;
  verdict: ReturnType<typeof decide>;
  kpis: ReturnType<typeof evaluateKpis>;
}> {
  const info = await startReference({ flaws, smtp: sink.smtp });
  try {
    const ctx = await securityContext(info.baseUrl, (await loadExampleConfig(info, { suites: ['security'] })).security);
    const out = await runSecurity(ctx);
    const k = await defaultKpis();
    const today = new Date().toISOString().slice(0, 10);
    const kpis = evaluateKpis({
      kpis: k.kpis.filter((d) => d.suite === 'security'),
      measurements: out.measurements,
      checks: out.checks,
      ranSuites: ['security'],
      waivers: [],
      today,
    });
    const verdict = decide({
      checks: out.checks,
      kpis,
      selected: ['security'],
      suiteErrors: [],
      interrupted: false,
      regressions: [],
      waivers: [],
      today,
    });
    return { out, info, verdict, kpis };
  } finally {
    await info.stop();
  }
}

describe('security suite against the reference platform', () => {
  it('passes the clean app: every security check passes, every security KPI holds, verdict GO', async () => {
    const { out, verdict, kpis } = await audit([]);
    const notPassing = out.checks
      .filter((c) => c.status !== 'pass')
      .map((c) => `${c.id}: ${c.status} ${c.evidence.actual ?? c.evidence.message}`);
    expect(notPassing).toEqual([]);
    expect(kpis.filter((k) => k.status !== 'pass').map((k) => `${k.id} ${k.status} ${k.note}`)).toEqual([]);
    expect(verdict.decision).toBe('GO');
    expect(out.provenance).toMatchObject({
      advisories: { source: expect.stringContaining('osv-demo'), date: '2023-09-20T19:19:30Z' },
    });
  }, 30_000);

  for (const flaw of ROWS) {
    it(`flaw ${flaw.name}: exactly ${flaw.mustFail.join(', ')} fail and the verdict is NO-GO`, async () => {
      const { out, verdict, kpis } = await audit([flaw.name]);
      const expected = flaw.mustFail.filter((id) => SECURITY_AREAS.includes(id.split('.')[0]!)).sort();
      expect(
        out.checks
          .filter((c) => c.status === 'fail')
          .map((c) => c.id)
          .sort(),
      ).toEqual(expected);
      expect(out.checks.filter((c) => c.status === 'error')).toEqual([]);
      for (const id of flaw.mustFailKpis ?? []) {
        const k = kpis.find((x) => x.id === id);
        if (k) expect(k.status, id).toBe('fail');
      }
      // Warn-level checks (headers.server-leak, headers.referrer-policy) fail visibly but do not decide the verdict alone.
      const decisive = out.checks.some((c) => c.status === 'fail' && c.level === 'blocker');
      expect(verdict.decision).toBe(decisive ? 'NO-GO' : 'GO');
      expect(decisive).toBe(expected.some((id) => catalogueEntry(id)?.level === 'blocker'));
    }, 30_000);
  }
});
