import type { SuiteName } from '../core/report-schema.ts';
import type { SuiteRunner } from '../config/suite.ts';

// Each suite's modules (Playwright's driver, the load engines, the TLS scanner) are loaded when the suite starts:
// a run of one suite does not pay for the others.
export const SUITES: Record<SuiteName, SuiteRunner> = {
  smoke: async (ctx) => (await import('../smoke/index.ts')).runSmoke(ctx),
  security: async (ctx) => (await import('../security/index.ts')).runSecurity(ctx),
  load: async (ctx) => (await import('../load/index.ts')).runLoad(ctx),
};
