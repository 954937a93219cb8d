import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files, longest first (measured): on a clean clone vitest knows no durations and starts larger files
 * first, which put the three-line flaw matrices, the longest of all, at the very end. Started first, the rest of
 * the suite fills the other worker while they run. Files not listed keep vitest's own order after these.
 */
const LONGEST_FIRST = [
  'test/smoke/flaw-matrix.test.ts',
  'test/smoke/flaw-matrix-drf.test.ts',
  'test/reliability/faults.test.ts',
  'test/smoke/flaw-matrix-fastapi.test.ts',
  'test/smoke/flaw-matrix-session.test.ts',
  'test/load/logins-reference.test.ts',
  'test/cli/first-go.test.ts',
  'test/smoke/second-layout.test.ts',
  'test/cli/not-applicable-run.test.ts',
  'test/smoke/drf-shape.test.ts',
  'test/reliability/secrets.test.ts',
  'test/reliability/engines.test.ts',
  'test/reliability/prefix.test.ts',
  'test/load/throttle.test.ts',
  'test/reliability/concurrency.test.ts',
  'test/reliability/scope.test.ts',
  'test/smoke/own-platform.test.ts',
  'test/reliability/interrupt.test.ts',
  'test/reliability/emails.test.ts',
  'test/reliability/exit-codes.test.ts',
  'test/reliability/hostile-flags.test.ts',
  'test/reliability/merge-inputs.test.ts',
  'test/load/reference.test.ts',
  'test/reliability/kpi-file.test.ts',
  'test/reliability/report-set.test.ts',
  'test/cli/doctor.test.ts',
  'test/smoke/browser-artifacts.test.ts',
  'test/smoke/controls.test.ts',
  'test/reports/html/report-layout.test.ts',
  'test/reliability/suite-faults.test.ts',
  'test/history/dashboard.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(relative(f.project.config.root, f.moduleId).split('\\').join('/'));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map((x) => x.f);
  }
}

/**
 * Files that only compute (no server, browser, child process or load engine): they share their worker process, so
 * the modules they import load once per worker instead of once per file, which was most of their time. Each leaves
 * no state behind (the environment variables and listeners a few of them set are put back). A new file runs
 * isolated unless it is listed here.
 */
export const SHARED_PROCESS = [
  'test/reports/checklist/judge.test.ts',
  'test/reports/checklist/load.test.ts',
  'test/reports/checklist/parse.test.ts',
  'test/cli/doctor-fields.test.ts',
  'test/cli/progress.test.ts',
  'test/cli/write.test.ts',
  'test/reports/compare/compare.test.ts',
  'test/config/kpis.test.ts',
  'test/config/threshold.test.ts',
  'test/core/url.test.ts',
  'test/load/accounts.test.ts',
  'test/load/core.test.ts',
  'test/reference-app/commands.test.ts',
  'test/reports/emails.test.ts',
  'test/reports/junit.test.ts',
  'test/reports/load-status.test.ts',
  'test/reports/redact.test.ts',
  'test/reports/render.test.ts',
  'test/reports/verdict.test.ts',
  'test/security/deps-none.test.ts',
  'test/security/headers.test.ts',
  'test/security/lockfiles.test.ts',
  'test/core/signin/accounts.test.ts',
  'test/smoke/adapter.test.ts',
  'test/smoke/config.test.ts',
  'test/smoke/flow.test.ts',
  'test/smoke/lib.test.ts',
  'test/smoke/routes.test.ts',
  'test/smoke/scope-proxy.test.ts',
  'test/smoke/vocab.test.ts',
  'test/smoke/lib/limits.test.ts',
  'test/smoke/lib/lockout.test.ts',
  'test/smoke/lib/ratelimit-model.test.ts',
  'test/smoke/lib/rbac.test.ts',
  'test/smoke/lib/openapi.test.ts',
];

/** The packed tarball's install-and-run test: started by `npm test` after the rest, alone (vitest.pack.config.ts). */
export const PACK_TEST = 'test/cli/pack.test.ts';

export default defineConfig({
  test: {
    globalSetup: ['test/setup/build.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    sequence: { sequencer: LongestFirst },
    // Servers, browsers and load engines share two cores: keep file parallelism modest.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    env: {
      // The reference platform a test starts through the CLI (`run --reference`, its child process) counts its limits
      // over 10 s instead of a minute, and its example config documents the same rate (reference-app/index.ts): the
      // smoke suite's limit probes then wait seconds for the announced Retry-After. The demo keeps a minute.
      GONOGO_REFERENCE_LIMIT_WINDOW_S: '10',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: SHARED_PROCESS, isolate: false } },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...SHARED_PROCESS, PACK_TEST],
        },
      },
    ],
  },
});
