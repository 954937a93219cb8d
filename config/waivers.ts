import { ConfigError } from './errors.ts';
import type { KpiFile } from './kpis.ts';
import { areaOf, catalogueEntry } from '../reports/catalogue.ts';
import { Area, CheckId, areas } from '../reports/schema.ts';

/**
 * Every check waiver names a check that can exist: a built-in id from the catalogue or, when the
 * config adds team specs (smoke.specsDir), an `area.name` id of a known area, since team spec ids
 * are only known once Playwright has run them. A waiver for nothing would be silently ignored.
 */
export function checkWaiverTargets(kpis: KpiFile, opts: { teamSpecs: boolean }): void {
  const issues: string[] = [];
  kpis.waivers.forEach((w, i) => {
    if (w.check === undefined || catalogueEntry(w.check)) return;
    const where = `waivers[${i}] (check ${w.check})`;
    if (w.check.includes('*')) {
      issues.push(`${where}: a waiver names one check id exactly, not a pattern; list each check it covers`);
    } else if (!opts.teamSpecs) {
      issues.push(`${where}: no check has this id (the built-in ids are listed in reports/catalogue.ts; team specs from smoke.specsDir can add ids of their own)`);
    } else if (!CheckId.safeParse(w.check).success || !Area.safeParse(areaOf(w.check)).success) {
      issues.push(`${where}: neither a built-in check nor a possible team spec id; team spec ids are area.name with a known area (${areas.join(', ')})`);
    }
  });
  if (issues.length) throw new ConfigError(kpis.path, issues);
}
