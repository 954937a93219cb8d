import { defineConfig } from 'vitest/config';
import { SHARED_PROCESS } from './vitest.config.ts';

/**
 * `npm run test:quick`, the inner loop: the files that only compute (SHARED_PROCESS in vitest.config.ts, one worker
 * process) and the fast files that start nothing heavier than the built CLI once: no reference platform, browser,
 * load engine or mail server. About a minute on two cores; `npm test` stays the whole suite, which CI runs.
 */
const FAST_SYSTEM = [
  'test/smoke/lib/*.test.ts',
  'test/smoke/demo.test.ts',
  'test/core/*.test.ts',
  'test/config/docs-keys.test.ts',
  'test/reports/checks-doc.test.ts',
  'test/reports/renamed-ids.test.ts',
  'test/cli/doc-links.test.ts',
  'test/cli/doctor-fields.test.ts',
  'test/reports/checklist/coverage.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/setup/build.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      { extends: true, test: { name: 'unit', include: SHARED_PROCESS, isolate: false } },
      {
        extends: true,
        test: { name: 'fast', include: FAST_SYSTEM, exclude: ['**/node_modules/**', ...SHARED_PROCESS] },
      },
    ],
  },
});
