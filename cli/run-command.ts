import { Option } from 'commander';
import type { RegisterCommands } from '../core/command.ts';
import { DIALECT_NAMES } from '../reference-app/dialects.ts';
import { LOAD_LIMITS } from '../load/limits.ts';
import type { RawRunOptions } from './run-options.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export const registerRunCommand: RegisterCommands = (program, cli) => {
  program
    .command('run')
    .description(
      'Run the suites against the target, write the report and exit with the verdict (0 GO, 1 NO-GO, 2 usage/config/harness error).',
    )
    .option('--config <file>', 'config file mapping the flows onto your platform', './gonogo.config.ts')
    .option('--reference', 'start the bundled reference platform on free loopback ports and test it (needs no config)')
    .option(
      '--flaws <list>',
      'with --reference: comma-separated protections to switch off (see gonogo reference --list-flaws)',
    )
    .option(
      '--dialect <name>',
      `with --reference: serve the platform the way another stack builds it (${DIALECT_NAMES.join(', ')}), tested through examples/<name>/gonogo.config.ts`,
    )
    .option(
      '--suite <list>',
      'suites to run: smoke,security,load; unselected suites make the report incomplete',
      'smoke,security,load',
    )
    .addOption(new Option('--engine <name>', 'load engine: k6, autocannon, or auto (k6 when on PATH)').default('auto'))
    .option('--quick', "the same suites with the KPI file's short load profile (default 50 VUs for 30s)")
    .option('--vus <n>', `override the number of virtual users (1 to ${LOAD_LIMITS.maxVus})`)
    .option('--duration <d>', 'override the load duration (k6 syntax: 30s, 5m, 1m30s; above 0, at most 24h)')
    .option(
      '--shards <n>',
      `split the k6 load over N processes (execution segments, at most ${LOAD_LIMITS.maxShards}) and merge them exactly`,
    )
    .option('--label <text>', 'release label stored in the report (a version or git sha)')
    .option('--baseline <file>', 'an earlier report.json; regressions beyond the KPI tolerances fail the verdict')
    .option(
      '--checklist <file.md>',
      "judge a team's readiness checklist against the evidence (repeatable)",
      collect,
      [],
    )
    .option('--out <dir>', 'output directory (default results/<run-id>)')
    .option(
      '--record',
      'also record the report in the history store (history.file, or the PostgreSQL URL in GONOGO_HISTORY_URL); see gonogo history',
    )
    .option(
      '--from-merged <file>',
      'judge the merged output of a distributed run (gonogo merge) as the load suite instead of running the load here; give the --vus and --duration it ran with',
    )
    .action(async (raw: RawRunOptions) => {
      // Loaded on use: the run's modules are most of gonogo, and every other command would pay for them at start.
      const [{ toRunOptions }, { runGonogo }] = await Promise.all([import('./run-options.ts'), import('./run.ts')]);
      const opts = toRunOptions(raw);
      const outcome = await runGonogo(opts, cli);
      cli.exit(outcome.exitCode);
    });
};
