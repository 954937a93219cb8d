import type { RegisterCommands } from '../../core/command.ts';
import { UsageError } from '../../core/errors.ts';
import { DIALECT_NAMES } from '../../reference-app/dialects.ts';

interface RawDoctorOptions {
  config: string;
  reference?: boolean;
  dialect?: string;
  json?: boolean;
}

export const registerDoctorCommand: RegisterCommands = (program, cli) => {
  program
    .command('doctor')
    .description(
      'Walk each mapped step of the config once against the target (register and the verification mail, logins, me, refresh, the escrow flow, each limited route, the health routes, the OpenAPI document, logout) and name the config key of each step that does not answer as mapped. Exit 0 when every step answers as mapped, 1 otherwise, 2 for a config error.',
    )
    .option('--config <file>', 'config file mapping the flows onto your platform', './gonogo.config.ts')
    .option(
      '--reference',
      'start the bundled reference platform and walk its example config (examples/<dialect>/gonogo.config.ts)',
    )
    .option('--dialect <name>', `with --reference: the dialect to serve (${DIALECT_NAMES.join(', ')})`)
    .option('--json', 'print the steps and counts as JSON instead of the table')
    .action(async (raw: RawDoctorOptions) => {
      if (raw.dialect !== undefined && !raw.reference)
        throw new UsageError('--dialect only applies together with --reference');
      // Loaded on use, as `run` loads its modules: every other command would pay for the smoke mapping at start.
      const [{ runDoctor }, { renderDoctor, doctorExitCode }, { dialectByName }] = await Promise.all([
        import('./run.ts'),
        import('./render.ts'),
        import('../../reference-app/dialects.ts'),
      ]);
      const dialect = raw.dialect !== undefined ? dialectByName(raw.dialect).name : undefined;
      const { result, target } = await runDoctor(
        { config: raw.config, reference: Boolean(raw.reference), ...(dialect ? { dialect } : {}) },
        (m) => cli.err(m),
      );
      const code = doctorExitCode(result);
      cli.out(
        raw.json
          ? JSON.stringify({ exitCode: code, ...result }, null, 2)
          : renderDoctor(result, `gonogo doctor: ${target}`),
      );
      cli.exit(code);
    });
};
