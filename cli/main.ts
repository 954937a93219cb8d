import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Command, CommanderError } from 'commander';
import { ConfigError, InputError, ReportWriteError, UsageError } from '../core/errors.ts';
import type { Cli } from '../core/command.ts';
import { registerRunCommand } from './run-command.ts';
import { registerInitCommand } from './init.ts';
import { registerDoctorCommand } from './doctor/command.ts';
import { registerSecurityCommands } from '../security/commands.ts';
import { registerLoadCommands } from './load-command.ts';
import { registerReferenceCommands } from '../reference-app/commands.ts';
import { registerReportCommands } from '../reports/commands.ts';
import { registerHistoryCommands } from '../history/commands.ts';
import { VERSION } from './version.ts';

/**
 * A schema library's validation error, known by its name and issue list rather than by its class: importing the
 * class would load the whole schema library at every start, `--version` included.
 */
function isZodError(e: unknown): e is Error & { issues: Array<{ path: PropertyKey[]; message: string }> } {
  return e instanceof Error && e.name === 'ZodError' && Array.isArray((e as { issues?: unknown }).issues);
}

export { guardStdio } from './stdio.ts';

/** Turns any failure into one paragraph on stderr and an exit code; never a stack trace for user errors. */
export function describeError(e: unknown): { message: string; code: 0 | 1 | 2 } {
  if (e instanceof ConfigError) return { message: e.format(), code: 2 };
  if (e instanceof UsageError) return { message: `Usage error: ${e.message} (see gonogo --help)`, code: 2 };
  if (e instanceof InputError) return { message: `Input error: ${e.message}`, code: 2 };
  if (e instanceof ReportWriteError) return { message: `Report not written: ${e.message}`, code: 2 };
  if (isZodError(e))
    return {
      message: `Invalid input: ${e.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`,
      code: 2,
    };
  const err = e as Error;
  const cause = err?.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
  const message = `Harness error: ${err?.message ?? String(e)}${cause}. This is a gonogo problem, not a verdict on the target; set GONOGO_DEBUG=1 to see the stack.`;
  if (process.env.GONOGO_DEBUG) console.error(err?.stack);
  return { message, code: 2 };
}

/**
 * The scratch folder (os.tmpdir(): TMPDIR, TMP or TEMP, else /tmp) must be a writable directory: the load
 * engines, the smoke suite and the reference platform write there, and a bad value would otherwise surface
 * half-way through as an ENOENT labelled a gonogo problem.
 */
export async function checkTmpdir(env: NodeJS.ProcessEnv): Promise<void> {
  const dir = tmpdir();
  const from = (['TMPDIR', 'TMP', 'TEMP'] as const).find((v) => env[v]);
  let why: string | null = null;
  try {
    if (!(await stat(dir)).isDirectory()) why = 'not a directory';
    // A real probe: access(W_OK) says yes on file systems that refuse every write (sysfs, some overlays, root).
    else await rm(await mkdtemp(join(dir, 'gonogo-probe-')), { recursive: true, force: true });
  } catch (e) {
    why ??=
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'a folder that does not exist'
        : `not writable (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  if (why === 'not a directory') why = 'a file, not a directory';
  if (why)
    throw new InputError(
      `${from ? `the environment variable ${from} names ${JSON.stringify(dir)}` : `the temporary folder ${dir}`}, which is ${why}; gonogo writes its scratch files there: point ${from ?? 'TMPDIR'} at a writable directory${from ? ' or unset it' : ''}`,
    );
}

export function buildProgram(cli: Cli): Command {
  const program = new Command('gonogo')
    .description(
      'Launch-readiness gate: smoke tests, load scenarios and security audits judged against your documented KPIs, in one go/no-go report.\nExit codes: 0 GO, 1 NO-GO, 2 usage, config or harness error.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => cli.out(s), writeErr: (s) => cli.err(s) })
    .exitOverride();
  for (const register of [
    registerInitCommand,
    registerRunCommand,
    registerDoctorCommand,
    registerReferenceCommands,
    registerReportCommands,
    registerSecurityCommands,
    registerLoadCommands,
    registerHistoryCommands,
  ]) {
    register(program, cli);
  }
  for (const c of program.commands)
    c.exitOverride().configureOutput({ writeOut: (s) => cli.out(s), writeErr: (s) => cli.err(s) });
  program.hook('preAction', () => checkTmpdir(process.env));
  return program;
}

/** The only place that decides the process exit code; bin/gonogo.js sets process.exitCode from it. */
export async function main(argv: string[], io?: Partial<Cli>): Promise<number> {
  let code: 0 | 1 | 2 = 0;
  const cli: Cli = {
    out: io?.out ?? ((s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`)),
    err: io?.err ?? ((s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`)),
    isTTY: io?.isTTY ?? Boolean(process.stdout.isTTY),
    exit: (c) => {
      code = c;
    },
  };
  const program = buildProgram(cli);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; everything else is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    const { message, code: c } = describeError(e);
    cli.err(message);
    return c;
  }
}
