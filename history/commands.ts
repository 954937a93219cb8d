import type { Command } from 'commander';
import type { RegisterCommands } from '../core/command.ts';

// Each command's modules (the store's drivers among them) are loaded when it runs: `--version` and the others do not pay for them.

const withStore = (c: Command): Command =>
  c
    .option(
      '--config <file>',
      'a gonogo.config.ts whose history section to use (no secret is read); default: the history defaults',
    )
    .option(
      '--db <file>',
      'the SQLite store (default history.file, .gonogo/history.sqlite); ignored for PostgreSQL, which GONOGO_HISTORY_URL names',
    );
const withFilter = (c: Command): Command =>
  c
    .option('--project <name>', 'only this project')
    .option('--branch <name>', 'only this branch')
    .option('--last <n>', 'only the newest N runs')
    .option('--since <date>', 'only runs started at or after this date (2026-11-01 or an ISO time)');
const withIdentity = (c: Command): Command =>
  c
    .option(
      '--project <name>',
      'project to record under (default history.project, GITHUB_REPOSITORY or CI_PROJECT_PATH, else the folder name)',
    )
    .option(
      '--branch <name>',
      'branch (default the CI variables GITHUB_HEAD_REF/GITHUB_REF_NAME or CI_COMMIT_BRANCH/CI_COMMIT_REF_NAME, else git)',
    )
    .option('--commit <sha>', 'commit (default GITHUB_SHA or CI_COMMIT_SHA, else git)');

/** `gonogo history ...` and `gonogo serve`. */
export const registerHistoryCommands: RegisterCommands = (program, cli) => {
  const act = async () => import('./actions.ts');
  const history = program
    .command('history')
    .description(
      'The run store: record, list and compare runs across releases (SQLite in .gonogo/ by default, PostgreSQL when GONOGO_HISTORY_URL is set).',
    );

  withIdentity(
    withStore(
      history
        .command('import')
        .description(
          'Backfill the store from report.json files; a run already stored is skipped, so importing twice is harmless.',
        )
        .argument('<reports...>', 'report.json files'),
    ),
  ).action(async (files: string[], o) => (await act()).importAction(files, o, cli));

  withFilter(
    withStore(
      history.command('list').description('The stored runs, oldest first: verdict, p95, failing checks, commit.'),
    ),
  )
    .option('--json', 'the rows as JSON')
    .action(async (o) => (await act()).listAction(o, cli));

  withStore(
    history.command('show').description("One run's report, by run id or label.").argument('<run>', 'run id or label'),
  )
    .option('--project <name>', 'with a label: only this project')
    .option('--branch <name>', 'with a label: only this branch')
    .option('--format <format>', 'output: md, json, html', 'md')
    .action(async (run: string, o) => (await act()).showAction(run, o, cli));

  withFilter(
    withStore(
      history.command('trend').description('The same trend as `gonogo trend`, over the stored runs of the filter.'),
    ),
  )
    .option('--html <file>', 'also write the trend page (self-contained HTML with charts)')
    .action(async (o) => (await act()).trendAction(o, cli));

  withFilter(
    withStore(
      history
        .command('compare')
        .description(
          'The same comparison as `gonogo compare`, between two stored runs (default: the last two of the filter). Exit 1 on a regression.',
        )
        .argument('[old]', 'run id or label of the earlier run')
        .argument('[new]', 'run id or label of the later run'),
    ),
  )
    .option('--format <format>', 'output: md, html, json', 'md')
    .option('--kpis <file>', 'KPI file whose `tolerance` fields apply (default: built-in tolerances)')
    .action(async (oldRun: string | undefined, newRun: string | undefined, o) =>
      (await act()).compareAction(oldRun, newRun, o, cli),
    );

  withIdentity(
    history
      .command('push')
      .description(
        'Upload report.json files to a history server (gonogo serve) with the project token in GONOGO_HISTORY_TOKEN.',
      )
      .argument('<reports...>', 'report.json files')
      .requiredOption('--server <url>', 'the server, e.g. https://gonogo.example.com'),
  )
    .option('--timeout <s>', 'seconds to wait for each upload', '60')
    .action(async (files: string[], o) => (await act()).pushAction(files, o, cli));

  withStore(
    history
      .command('token')
      .description(
        "Create (or replace) a project's upload token for `history push`; it is printed once and stored only as its SHA-256.",
      )
      .requiredOption('--project <name>', 'the project the token uploads to'),
  ).action(async (o) => (await act()).tokenAction(o, cli));

  withStore(
    program
      .command('serve')
      .description(
        'The history dashboard and the upload endpoint of `history push`, over the same store; on loopback unless --host says otherwise.',
      ),
  )
    .option('--port <n>', 'port (0 picks a free one)', '8087')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (o) => (await act()).serveAction(o, cli));
};
