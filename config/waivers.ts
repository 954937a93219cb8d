import { ConfigError } from '../core/errors.ts';
import type { KpiFile } from './kpis.ts';
import { areaOf, catalogueEntry } from '../core/catalogue.ts';
import { Area, CheckId, areas } from '../core/report-schema.ts';

/**
 * Every check waiver names a check that can exist: a built-in id from the catalogue or, when the
 * config adds team specs (smoke.specsDir), an `area.name` id of a known area, since team spec ids
 * are only known once Playwright has run them. A waiver for nothing would be silently ignored.
 */
export function checkWaiverTargets(kpis: KpiFile, opts: { teamSpecs: boolean }): void {
  const issues: string[] = [];
  kpis.waivers.forEach((w, i) => {
    const problem = w.check === undefined ? null : checkIdProblem(w.check, 'a waiver', opts);
    if (problem) issues.push(`waivers[${i}] (check ${w.check}): ${problem}`);
  });
  if (issues.length) throw new ConfigError(kpis.path, issues);
}

/** Why `id` names no check that can exist (what: "a waiver", "a declaration"), or null when it can. */
export function checkIdProblem(id: string, what: string, opts: { teamSpecs: boolean }): string | null {
  if (catalogueEntry(id)) return null;
  if (id.includes('*')) return `${what} names one check id exactly, not a pattern; list each check it covers`;
  if (!opts.teamSpecs)
    return 'no check has this id (the built-in ids are listed in core/catalogue.ts; team specs from smoke.specsDir can add ids of their own)';
  if (!CheckId.safeParse(id).success || !Area.safeParse(areaOf(id)).success) {
    return `neither a built-in check nor a possible team spec id; team spec ids are area.name with a known area (${areas.join(', ')})`;
  }
  return null;
}
