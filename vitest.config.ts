import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Servers, browsers and load engines share two cores: keep file parallelism modest.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    env: {
      // The reference platform a test starts through the CLI (`run --reference`, its child process) counts its limits
      // over 20 s instead of a minute, and its example config documents the same rate (reference-app/index.ts): the
      // smoke suite's limit probes then wait seconds for the announced Retry-After. The demo keeps a minute.
      GONOGO_REFERENCE_LIMIT_WINDOW_S: '20',
    },
  },
});
