import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeChecklist } from '../../reports/checklist/judge.ts';
import { ChecklistResult, Report } from '../../reports/schema.ts';

const DIR = fileURLToPath(new URL('../fixtures/checklists', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();
// The checks and KPIs of a real `gonogo run --reference --quick` (every check passed); request excerpts trimmed.
const REPORT = Report.parse(JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/reports/reference-quick-run.json', import.meta.url)), 'utf8')));

/**
 * Claims of each real checklist that the reference run's evidence decides (holds or fails), as reached by the
 * matching rules; a change to the rules or the parser that loses one must be deliberate.
 */
const AT_LEAST: Record<string, number> = { '000': 27, '001': 10, '002': 34, '003': 26, '004': 33 };

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
      expect(cov.withEvidence).toBe(result.claims.filter((c) => c.evidenceVerdict === 'holds' || c.evidenceVerdict === 'fails').length);
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
    const errored: Report = { ...REPORT, checks: REPORT.checks.map((c) => (c.area === 'headers' ? { ...c, status: 'error' as const } : c)) };
    const after = judgeChecklist(f, text, errored);
    expect(after.coverage!.withEvidence).toBeLessThan(before.withEvidence);
    expect(after.claims.find((c) => c.text === 'HSTS with preload')).toMatchObject({ status: 'unverified', evidenceVerdict: 'inconclusive' });
  });
});
