import type { RegisterCommands } from '../core/command.ts';
import { UsageError } from '../core/errors.ts';
import type { CompareFormat } from './compare/render.ts';

// Each command's modules are loaded when it runs: `--help`, `--version` and the other commands do not pay for them.

const FORMATS = ['console', 'md', 'json'] as const;
/** The keys of compareRenderers (reports/compare/render.ts); a test keeps the two lists equal. */
export const COMPARE_FORMATS = ['md', 'html', 'json'] as const satisfies readonly CompareFormat[];

function formatOf(value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new UsageError(`--format must be one of ${allowed.join(', ')} (got "${value}")`);
  return value;
}

/** `gonogo checklist`, `gonogo compare`, `gonogo trend`. */
export const registerReportCommands: RegisterCommands = (program, cli) => {
  program
    .command('checklist')
    .description(
      'Judge readiness checklists (Markdown) claim by claim against the evidence in a report. Exit 1 when a claim is contradicted.',
    )
    .argument('<files...>', 'checklist documents (Markdown; double-encoded emoji are repaired)')
    .requiredOption('--report <file>', 'a report.json written by gonogo run')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'console')
    .option(
      '--config <file>',
      'a gonogo.config.ts whose checklist.rules extend the built-in ones (as in `run --checklist`); no secret is read',
    )
    .action(async (files: string[], opts: { report: string; format: string; config?: string }) => {
      const format = formatOf(opts.format, FORMATS);
      const [
        { readReport },
        { judgeChecklists },
        { renderChecklistConsole, renderChecklistsMd },
        { BUILTIN_RULES, mergeRules },
      ] = await Promise.all([
        import('./io.ts'),
        import('./checklist/judge.ts'),
        import('./checklist/render.ts'),
        import('../config/checklist-rules.ts'),
      ]);
      const rules = opts.config
        ? mergeRules(
            BUILTIN_RULES,
            (await (await import('../config/load.ts')).loadConfigWithoutSecrets(opts.config)).checklist.rules,
            'checklist.rules',
            opts.config,
          )
        : BUILTIN_RULES;
      const report = await readReport(opts.report);
      const results = await judgeChecklists(files, report, rules);
      if (format === 'json') cli.out(JSON.stringify(results, null, 2));
      else if (format === 'md') cli.out(renderChecklistsMd(results));
      else cli.out(results.map((r) => renderChecklistConsole(r)).join('\n\n'));
      cli.exit(results.some((r) => r.claims.some((c) => c.status === 'contradicted')) ? 1 : 0);
    });

  program
    .command('compare')
    .description(
      'Compare two reports: KPIs side by side, checks newly failing/fixed, security drift. Exit 1 when a regression exceeds its tolerance.',
    )
    .argument('<old>', 'the earlier report.json (the baseline)')
    .argument('<new>', 'the later report.json')
    .option('--format <format>', `output: ${COMPARE_FORMATS.join(', ')}`, 'md')
    .option('--kpis <file>', 'KPI file whose `tolerance` fields apply (default: built-in tolerances)')
    .action(async (oldPath: string, newPath: string, opts: { format: string; kpis?: string }) => {
      const format = formatOf(opts.format, COMPARE_FORMATS) as CompareFormat;
      const [{ readReport }, { loadKpiFile }, { compareReports }, { compareRenderers }] = await Promise.all([
        import('./io.ts'),
        import('../config/kpis.ts'),
        import('./compare/compare.ts'),
        import('./compare/render.ts'),
      ]);
      const [oldR, newR] = [await readReport(oldPath), await readReport(newPath)];
      const tolerances = opts.kpis
        ? Object.fromEntries(
            (await loadKpiFile(opts.kpis)).kpis.filter((k) => k.tolerance).map((k) => [k.id, k.tolerance!]),
          )
        : {};
      const comparison = compareReports(oldR, newR, tolerances);
      cli.out(compareRenderers[format](comparison));
      if (!comparison.comparable) cli.err(`Warning: the runs are not comparable: ${comparison.warnings.join('; ')}`);
      cli.exit(comparison.regressions.length ? 1 : 0);
    });

  program
    .command('trend')
    .description('p95/p99, error rate, rps, verdict and check status per release, from several reports.')
    .argument('<reports...>', 'report.json files, in any order (sorted by start time)')
    .option('--html <file>', 'also write the trend page (self-contained HTML with charts)')
    .action(async (paths: string[], opts: { html?: string }) => {
      const [{ readReport, writeAtomic }, { buildTrend, renderTrendHtml, renderTrendMd }] = await Promise.all([
        import('./io.ts'),
        import('./trend/trend.ts'),
      ]);
      const reports = [];
      for (const p of paths) reports.push(await readReport(p));
      const trend = buildTrend(reports);
      cli.out(renderTrendMd(trend));
      if (opts.html) {
        await writeAtomic(opts.html, renderTrendHtml(trend));
        cli.out(`Trend page written to ${opts.html}`);
      }
    });
};
