import { ConfigError } from '../core/errors.ts';
import type { Config } from './schema.ts';
import { checkIdProblem } from './waivers.ts';

/**
 * Every notApplicable key names a check that can exist, as every waiver does: a declaration for a misspelled id
 * would leave the real check's skip unexplained, or worse, be read later as covering a check it never named.
 */
export function checkNotApplicable(config: Config, file: string): void {
  const teamSpecs = Boolean(config.smoke.specsDir);
  const issues = Object.keys(config.notApplicable).flatMap((id) => {
    const problem = checkIdProblem(id, 'a declaration', { teamSpecs });
    return problem ? [`notApplicable["${id}"]: ${problem}`] : [];
  });
  if (issues.length) throw new ConfigError(file, issues);
}
