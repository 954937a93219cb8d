import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Servers, browsers and load engines share two cores: keep file parallelism modest.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
