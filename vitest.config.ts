import { defineConfig } from 'vitest/config';

/** The packed tarball's install-and-run test: started by `npm test` after the rest, alone (vitest.pack.config.ts). */
export const PACK_TEST = 'test/cli/pack.test.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', PACK_TEST],
    globalSetup: ['test/setup/build.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Servers, browsers and load engines share two cores: keep file parallelism modest.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
