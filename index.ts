/** The gonogo package: `import { defineConfig } from 'gonogo'` in gonogo.config.ts. */
export { defineConfig, type ConfigInput, type Config } from './config/schema.ts';
export type { Report, CheckResult, KpiResult, LoadResult, SkipInfo, SkipKind } from './core/report-schema.ts';
/** The smoke vocabulary's defaults, to extend a list rather than replace it: `debugSignatures: [...DEFAULT_DEBUG_SIGNATURES, mine]`. */
export {
  DEFAULT_DEBUG_SIGNATURES,
  DEFAULT_DEBUG_FIELDS,
  DEFAULT_DOCS_SIGNATURES,
  DEFAULT_MASS_ASSIGNMENT_FIELDS,
  DEFAULT_DEMO_ACCOUNTS,
  DEFAULT_DEMO_PASSWORDS,
} from './smoke/vocab.ts';
