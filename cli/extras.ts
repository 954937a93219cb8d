import type { KpiFile } from '../config/kpis.ts';
import type { Config } from '../config/schema.ts';
import type { Report } from '../core/report-schema.ts';
import { readReport } from '../reports/io.ts';
import { compareReports } from '../reports/compare/compare.ts';
import { judgeClaims, loadChecklist, type LoadedChecklist } from '../reports/checklist/judge.ts';
import { BUILTIN_RULES, mergeRules } from '../config/checklist-rules.ts';
import type { RunOptions } from './plan.ts';

export interface Extras {
  /** Regressions beyond tolerance against --baseline, in words. */
  regressions: string[];
  fields: Partial<Pick<Report, 'checklist' | 'baseline'>>;
}

export type ApplyExtras = (draft: Report, kpis: KpiFile, config: Config) => Promise<Extras>;

/**
 * Reads the --baseline report and reads and parses the --checklist files before anything runs, so a bad
 * file (unreadable, undecodable, without a claim) is an input error at once instead of after a five-minute load test.
 */
export async function prepareExtras(opts: RunOptions): Promise<ApplyExtras> {
  const baseline = opts.baseline ? await readReport(opts.baseline) : undefined;
  const checklists: LoadedChecklist[] = [];
  for (const file of opts.checklists) checklists.push(await loadChecklist(file));
  return async (draft, kpis, config) => {
    const out: Extras = { regressions: [], fields: {} };
    if (baseline) {
      const tolerances = Object.fromEntries(kpis.kpis.filter((k) => k.tolerance).map((k) => [k.id, k.tolerance!]));
      const comparison = compareReports(baseline, draft, tolerances);
      out.regressions = comparison.regressions;
      out.fields.baseline = {
        file: opts.baseline,
        runId: baseline.run.id,
        label: baseline.run.label,
        comparable: comparison.comparable,
        warnings: comparison.warnings,
        regressions: comparison.regressions,
        kpiRegressions: comparison.kpis
          .filter((k) => k.regression)
          .map((k) => ({
            id: k.id,
            baseline: k.old,
            measured: k.new,
            tolerance: k.tolerance,
            ...(k.note ? { note: k.note } : {}),
          })),
        drift: comparison.drift,
        newlyFailing: comparison.checks.newlyFailing.map((c) => c.id),
        fixed: comparison.checks.fixed.map((c) => c.id),
      };
    }
    if (checklists.length) {
      const rules = mergeRules(
        BUILTIN_RULES,
        config.checklist.rules,
        'checklist.rules',
        opts.reference ? undefined : opts.config,
      );
      out.fields.checklist = checklists.map((c) => judgeClaims(c, draft, rules));
    }
    return out;
  };
}
