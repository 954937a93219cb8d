import { Option } from 'commander';
import type { RegisterCommands } from '../core/command.ts';
import { parseDuration, parseEngine, parsePositiveInt, parseSuites, type RunOptions } from './plan.ts';
import { UsageError } from '../config/errors.ts';
import { parseFlaws } from '../reference-app/flaws.ts';
import { DIALECT_NAMES, dialectByName } from '../reference-app/dialects.ts';
import { runGonogo } from './run.ts';
import { LOAD_LIMITS } from '../load/limits.ts';

interface RawRunOptions {
  config: string;
  reference?: boolean;
  flaws?: string;
  dialect?: string;
  suite: string;
  engine: string;
  quick?: boolean;
  vus?: string;
  duration?: string;
  shards?: string;
  label?: string;
  baseline?: string;
  checklist: string[];
  out?: string;
  fromMerged?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Prefixes a usage error with the flag it came from, so the message says where to look. */
function withFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

/** Turns the raw flags into RunOptions, rejecting every bad value with a usage error before anything starts. */
export function toRunOptions(raw: RawRunOptions): RunOptions {
  const flaws = raw.flaws ? withFlag('--flaws', () => parseFlaws(raw.flaws!)) : [];
  if (flaws.length && !raw.reference) throw new UsageError('--flaws only applies together with --reference');
  if (raw.dialect !== undefined && !raw.reference) throw new UsageError('--dialect only applies together with --reference');
  const dialect = raw.dialect !== undefined ? withFlag('--dialect', () => dialectByName(raw.dialect).name) : undefined;
  if (raw.fromMerged !== undefined) {
    if (!parseSuites(raw.suite).includes('load')) throw new UsageError('--from-merged gives the load suite its results: keep load in --suite (e.g. --suite load)');
    if (raw.shards !== undefined) throw new UsageError('--from-merged judges shards that already ran; --shards does not apply');
  }
  return {
    config: raw.config,
    reference: Boolean(raw.reference),
    flaws,
    ...(dialect ? { dialect } : {}),
    suites: parseSuites(raw.suite),
    engine: parseEngine(raw.engine),
    quick: Boolean(raw.quick),
    ...(raw.vus !== undefined ? { vus: parsePositiveInt(raw.vus, '--vus') } : {}),
    ...(raw.duration !== undefined ? { duration: parseDuration(raw.duration) } : {}),
    ...(raw.shards !== undefined ? { shards: parsePositiveInt(raw.shards, '--shards', LOAD_LIMITS.maxShards) } : {}),
    ...(raw.label !== undefined ? { label: raw.label } : {}),
    ...(raw.baseline !== undefined ? { baseline: raw.baseline } : {}),
    checklists: raw.checklist,
    ...(raw.out !== undefined ? { out: raw.out } : {}),
    ...(raw.fromMerged !== undefined ? { fromMerged: raw.fromMerged } : {}),
  };
}

export const registerRunCommand: RegisterCommands = (program, cli) => {
  program
    .command('run')
    .description('Run the suites against the target, write the report and exit with the verdict (0 GO, 1 NO-GO, 2 usage/config/harness error).')
    .option('--config <file>', 'config file mapping the flows onto your platform', './gonogo.config.ts')
    .option('--reference', 'start the bundled reference platform on free loopback ports and test it (needs no config)')
    .option('--flaws <list>', 'with --reference: comma-separated protections to switch off (see gonogo reference --list-flaws)')
    .option('--dialect <name>', `with --reference: serve the platform the way another stack builds it (${DIALECT_NAMES.join(', ')}), tested through examples/<name>/gonogo.config.ts`)
    .option('--suite <list>', 'suites to run: smoke,security,load; unselected suites make the report incomplete', 'smoke,security,load')
    .addOption(new Option('--engine <name>', 'load engine: k6, autocannon, or auto (k6 when on PATH)').default('auto'))
    .option('--quick', "the same suites with the KPI file's short load profile (default 50 VUs for 30s)")
    .option('--vus <n>', `override the number of virtual users (1 to ${LOAD_LIMITS.maxVus})`)
    .option('--duration <d>', 'override the load duration (k6 syntax: 30s, 5m, 1m30s; above 0, at most 24h)')
    .option('--shards <n>', `split the k6 load over N processes (execution segments, at most ${LOAD_LIMITS.maxShards}) and merge them exactly`)
    .option('--label <text>', 'release label stored in the report (a version or git sha)')
    .option('--baseline <file>', 'an earlier report.json; regressions beyond the KPI tolerances fail the verdict')
    .option('--checklist <file.md>', "judge a team's readiness checklist against the evidence (repeatable)", collect, [])
    .option('--out <dir>', 'output directory (default results/<run-id>)')
    .option('--from-merged <file>', 'judge the merged output of a distributed run (gonogo merge) as the load suite instead of running the load here; give the --vus and --duration it ran with')
    .action(async (raw: RawRunOptions) => {
      const opts = toRunOptions(raw);
      const outcome = await runGonogo(opts, cli);
      cli.exit(outcome.exitCode);
    });
};
