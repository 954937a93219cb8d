import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeChecklist } from '../../../reports/checklist/judge.ts';
import { ChecklistResult, Report } from '../../../core/report-schema.ts';
import { auditDeps, noLockfileCheck } from '../../../security/deps/audit.ts';
import { osvDirDb } from '../../../security/deps/osv/sources.ts';

const DIR = fileURLToPath(new URL('../../fixtures/checklists', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();
// The checks and KPIs of a real `gonogo run --reference --quick` (every check passed); request excerpts trimmed.
const REPORT = Report.parse(
  JSON.parse(
    readFileSync(fileURLToPath(new URL('../../fixtures/reports/reference-quick-run.json', import.meta.url)), 'utf8'),
  ),
);

/**
 * Claims of each real checklist that the reference run's evidence decides (holds or fails), as reached by the
 * matching rules; a change to the rules or the parser that loses one must be deliberate.
 */
const AT_LEAST: Record<string, number> = { '000': 27, '001': 10, '002': 35, '003': 27, '004': 33 };

describe('evidence coverage of the five real checklists', () => {
  it('reads all five', () => expect(FILES.map((f) => f.slice(0, 3))).toEqual(Object.keys(AT_LEAST)));

  for (const f of FILES) {
    it(`${f}: at least ${AT_LEAST[f.slice(0, 3)]} claims have evidence in the reference run`, () => {
      const result = judgeChecklist(f, readFileSync(join(DIR, f), 'utf8'), REPORT);
      const cov = result.coverage!;
      expect(ChecklistResult.parse(result)).toEqual(result);
      expect(cov.withEvidence).toBeGreaterThanOrEqual(AT_LEAST[f.slice(0, 3)]!);
      // The figures are the claims' own: counted from each claim's evidence verdict and finding.
      expect(cov.claims).toBe(result.claims.length);
      expect(cov.withEvidence).toBe(
        result.claims.filter((c) => c.evidenceVerdict === 'holds' || c.evidenceVerdict === 'fails').length,
      );
      expect(Object.values(cov.byFinding).reduce((a, b) => a + b, 0)).toBe(cov.claims);
      expect(cov.share).toBeCloseTo(cov.withEvidence / cov.claims, 10);
      // A claim with evidence names it; one without never does.
      for (const c of result.claims) expect(c.evidence.length > 0).toBe(c.evidenceVerdict !== 'none');
    });
  }

  it('evidence that errored does not count as coverage: the same claims become inconclusive', () => {
    const f = FILES.find((x) => x.startsWith('004'))!;
    const text = readFileSync(join(DIR, f), 'utf8');
    const before = judgeChecklist(f, text, REPORT).coverage!;
    const errored: Report = {
      ...REPORT,
      checks: REPORT.checks.map((c) => (c.area === 'headers' ? { ...c, status: 'error' as const } : c)),
    };
    const after = judgeChecklist(f, text, errored);
    expect(after.coverage!.withEvidence).toBeLessThan(before.withEvidence);
    expect(after.claims.find((c) => c.text === 'HSTS with preload')).toMatchObject({
      status: 'unverified',
      evidenceVerdict: 'inconclusive',
    });
  });

  it('a platform without a lockfile: its waived "no lockfile" decides no claim; its dpkg status and pip freeze, audited, decide the vulnerability claims', async () => {
    const f = FILES.find((x) => x.startsWith('004'))!;
    const text = readFileSync(join(DIR, f), 'utf8');
    const machine = (p: string): string => fileURLToPath(new URL(`../../security/fixtures/${p}`, import.meta.url));
    const withDeps = (c: Report['checks'][number], kpis: Record<string, Partial<Report['kpis'][number]>>): Report => ({
      ...REPORT,
      checks: REPORT.checks.map((x) =>
        x.id === 'deps.advisories'
          ? { ...x, status: c.status, evidence: c.evidence, ...(c.waiver ? { waiver: c.waiver } : {}) }
          : x,
      ),
      kpis: REPORT.kpis.map((k) => ({ ...k, ...kpis[k.id] })),
    });
    const waiver = {
      reason: 'Debian-installed packages, no lockfile',
      owner: 'sec@example.com',
      expires: '2099-12-31',
    };
    const waived = withDeps(
      { ...noLockfileCheck(waiver.reason), waiver },
      { 'deps.critical': { status: 'waived', measured: null }, 'deps.high': { status: 'waived', measured: null } },
    );
    const r = await auditDeps({
      lockfiles: [machine('machine/dpkg-status'), machine('machine/pip-freeze.out')],
      db: await osvDirDb(machine('osv-machine')),
      ignore: [],
    });
    const audited = withDeps(r.checks[0]!, {
      'deps.critical': { status: 'pass', measured: 0 },
      'deps.high': { status: 'fail', measured: 2 },
    });
    const claim = (rep: Report) =>
      judgeChecklist(f, text, rep).claims.find((c) => c.text === 'No security vulnerabilities (Bandit, Safety)')!;
    expect(claim(waived)).toMatchObject({
      status: 'unverified',
      evidenceVerdict: 'inconclusive',
      note: expect.stringContaining('deps.advisories measured nothing (waived): no lockfile audited'),
    });
    expect(claim(audited)).toMatchObject({
      status: 'contradicted',
      evidenceVerdict: 'fails',
      note: expect.stringMatching(
        /deps.advisories failed: 0 critical, 1 high, 1 medium, 0 low, 1 unrated \(\d+ packages in 2 lockfiles\)/,
      ),
    });
    // The shipped checklist's coverage, before (no lockfile, waived) and after (the platform's installed packages audited).
    expect([
      judgeChecklist(f, text, waived).coverage!.withEvidence,
      judgeChecklist(f, text, audited).coverage!.withEvidence,
    ]).toEqual([30, 33]);
  });

  it("the authorization matrix's evidence decides the role and isolation claims: a failing matrix contradicts them", () => {
    const f = FILES.find((x) => x.startsWith('003'))!;
    const text = readFileSync(join(DIR, f), 'utf8');
    const rbac = REPORT.checks.find((c) => c.id === 'auth.rbac')!;
    const withMatrix = (status: 'pass' | 'fail'): Report => ({
      ...REPORT,
      checks: [
        ...REPORT.checks.filter((c) => c.id !== 'auth.authz-matrix'),
        { ...rbac, id: 'auth.authz-matrix', title: 'the authorization matrix', status },
      ],
    });
    const claims = [
      'Role-Based Access Control: Proper permissions and access restrictions',
      'Multi-tenant architecture supporting all user roles',
    ];
    for (const text_ of claims) {
      const held = judgeChecklist(f, text, withMatrix('pass')).claims.find((c) => c.text === text_)!;
      expect(held).toMatchObject({ status: 'confirmed', evidence: expect.arrayContaining(['auth.authz-matrix']) });
      const failed = judgeChecklist(f, text, withMatrix('fail')).claims.find((c) => c.text === text_)!;
      expect(failed).toMatchObject({ status: 'contradicted', evidenceVerdict: 'fails' });
    }
  });
});
