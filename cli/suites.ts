import type { SuiteName } from '../reports/schema.ts';
import type { SuiteRunner } from '../core/suite.ts';
import { runSmoke } from '../smoke/index.ts';
import { runSecurity } from '../security/index.ts';
import { runLoad } from '../load/index.ts';

export const SUITES: Record<SuiteName, SuiteRunner> = {
  smoke: runSmoke,
  security: runSecurity,
  load: runLoad,
};
