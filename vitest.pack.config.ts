import { defineConfig } from 'vitest/config';
import { PACK_TEST } from './vitest.config.ts';

/**
 * The tarball test on its own, after the rest of the suite (`npm test`): its quick run against the reference platform
 * is judged against the load KPIs (p95, availability), which another test file sharing the two cores would spoil.
 */
export default defineConfig({
  test: {
    include: [PACK_TEST],
    testTimeout: 45 * 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    // As in vitest.config.ts: the reference platform counts its limits over 20 s, not a minute (the demo's).
    env: { GONOGO_REFERENCE_LIMIT_WINDOW_S: '20' },
  },
});
