/** The gonogo package: `import { defineConfig } from 'gonogo'` in gonogo.config.ts. */
export { defineConfig, type ConfigInput, type Config } from './config/schema.ts';
export type { Report, CheckResult, KpiResult, LoadResult } from './reports/schema.ts';
