import type { RegisterCommands } from '../cli/command.ts';
import { UsageError } from '../config/errors.ts';
import { readReport } from './io.ts';
import { judgeChecklists } from './checklist/judge.ts';
import { renderChecklistConsole, renderChecklistsMd } from './checklist/render.ts';

const FORMATS = ['console', 'md', 'json'] as const;

function formatOf(value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new UsageError(`--format must be one of ${allowed.join(', ')} (got "${value}")`);
  return value;
}

/** `gonogo checklist`, `gonogo compare`, `gonogo trend`. */
export const registerReportCommands: RegisterCommands = (program, cli) => {
  program.command('checklist')
    .description('Judge readiness checklists (Markdown) claim by claim against the evidence in a report. Exit 1 when a claim is contradicted.')
    .argument('<files...>', 'checklist documents (Markdown; double-encoded emoji are repaired)')
    .requiredOption('--report <file>', 'a report.json written by gonogo run')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'console')
    .action(async (files: string[], opts: { report: string; format: string }) => {
      const format = formatOf(opts.format, FORMATS);
      const report = await readReport(opts.report);
      const results = await judgeChecklists(files, report);
      if (format === 'json') cli.out(JSON.stringify(results, null, 2));
      else if (format === 'md') cli.out(renderChecklistsMd(results));
      else cli.out(results.map((r) => renderChecklistConsole(r)).join('\n\n'));
      cli.exit(results.some((r) => r.claims.some((c) => c.status === 'contradicted')) ? 1 : 0);
    });
};
