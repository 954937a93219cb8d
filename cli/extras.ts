import type { KpiFile } from '../config/kpis.ts';
import type { Report } from '../reports/schema.ts';
import type { RunOptions } from './plan.ts';

export interface Extras {
  /** Regressions beyond tolerance against --baseline, in words. */
  regressions: string[];
  fields: Partial<Pick<Report, 'checklist' | 'baseline'>>;
}

/** What --checklist and --baseline add to a run's report. */
export async function extras(_opts: RunOptions, _draft: Report, _kpis: KpiFile): Promise<Extras> {
  return { regressions: [], fields: {} };
}
