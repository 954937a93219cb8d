import type { RegisterCommands } from '../core/command.ts';
import { FLAWS, parseFlaws } from './flaws.ts';
import { DIALECT_NAMES, DIALECTS, dialectByName } from './dialects.ts';

export { parseFlaws } from './flaws.ts';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Resolves on the first SIGINT, SIGTERM or SIGHUP (a closed terminal), removing its listeners. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      for (const sig of STOP_SIGNALS) process.off(sig, on);
      resolve(s);
    };
    for (const sig of STOP_SIGNALS) process.on(sig, on);
  });
}

/** `gonogo reference [--flaws a,b] [--list-flaws] [--json]`. */
export const registerReferenceCommands: RegisterCommands = (program, cli) => {
  program
    .command('reference')
    .description('Start the bundled reference platform (and the mail sink) by hand, or list its switchable flaws')
    .option('--flaws <list>', 'comma-separated flaws to switch on (see --list-flaws)')
    .option(
      '--dialect <name>',
      `serve the marketplace the way another stack builds it: ${DIALECT_NAMES.join(', ')} (see --list-dialects)`,
    )
    .option('--list-dialects', 'list the dialects and their example configs')
    .option('--list-flaws', 'list the flaws and the checks each must make fail')
    .option(
      '--openapi',
      "print the dialect's OpenAPI document (the one its team keeps; the platform serves it only with docs-exposed) and exit",
    )
    .option('--base-url <url>', 'with --openapi: the server URL the document names', 'https://127.0.0.1:8443')
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        flaws?: string;
        dialect?: string;
        listFlaws?: boolean;
        listDialects?: boolean;
        json?: boolean;
        openapi?: boolean;
        baseUrl: string;
      }) => {
        const flaws = o.flaws ? parseFlaws(o.flaws) : [];
        const dialect = dialectByName(o.dialect);
        if (o.openapi) {
          const { openApiDocument } = await import('./openapi.ts');
          cli.out(JSON.stringify(openApiDocument(o.baseUrl.replace(/\/+$/, ''), dialect), null, 2));
          return;
        }
        if (o.listDialects) {
          const rows = DIALECT_NAMES.map((n) => ({
            name: n,
            description: DIALECTS[n].description,
            example: `examples/${n}/gonogo.config.ts`,
          }));
          cli.out(
            o.json
              ? JSON.stringify(rows, null, 2)
              : rows
                  .map((r) => `${r.name.padEnd(12)} ${r.description}\n${' '.repeat(13)}config: ${r.example}`)
                  .join('\n'),
          );
          return;
        }
        if (o.listFlaws) {
          if (o.json) {
            cli.out(
              JSON.stringify(
                FLAWS.map((f) => ({
                  name: f.name,
                  description: f.description,
                  mustFail: f.mustFail,
                  ...(f.mustFailKpis ? { mustFailKpis: f.mustFailKpis } : {}),
                  ...(f.mustError ? { mustError: f.mustError } : {}),
                  ...(f.dialects ? { dialects: f.dialects } : {}),
                })),
                null,
                2,
              ),
            );
          } else {
            const width = Math.max(...FLAWS.map((f) => f.name.length));
            for (const f of FLAWS)
              cli.out(
                `${f.name.padEnd(width)}  ${f.description}${f.dialects ? ` (--dialect ${f.dialects.join(', ')} only)` : ''}\n${' '.repeat(width)}  must fail: ${[...f.mustFail, ...(f.mustFailKpis ?? []).map((k) => `KPI ${k}`)].join(', ') || '(none)'}${f.mustError ? `; must error: ${f.mustError.join(', ')}` : ''}`,
              );
          }
          return;
        }

        // Loaded on use: the server stack is heavy and every other gonogo command would pay for it at start.
        const { startPlatform } = await import('./launch.ts');
        const platform = await startPlatform(flaws, process.env, dialect.name);
        const { info } = platform;
        try {
          if (o.json) {
            const { stop: _stop, ...rest } = info;
            cli.out(JSON.stringify({ ...rest, mailApiUrl: platform.mailApiUrl }, null, 2));
          } else {
            cli.out(
              [
                `Reference platform (${dialect.name} dialect) running${flaws.length ? ` with flaws: ${flaws.join(', ')}` : ' (no flaws)'}`,
                `  HTTPS      ${info.baseUrl}   (login page: ${info.baseUrl}/login)`,
                `  HTTP       ${info.httpUrl}   (redirects to HTTPS)`,
                `  CA file    ${info.caFile}`,
                info.mailDir
                  ? `  mail       written to ${info.mailDir} (Django file backend)`
                  : `  SMTP sink  ${info.smtp.host}:${info.smtp.port}   mailbox API (Mailpit-compatible): ${platform.mailApiUrl}`,
                `  lockfile   ${info.lockfile}`,
                `  OpenAPI    ${info.openapiFile}   (gonogo init --from-openapi ${info.openapiFile} --target ${info.baseUrl})`,
                '  accounts (this run only):',
                ...info.accounts.map((a) => `    ${a.role.padEnd(12)} ${a.email.padEnd(30)} ${a.password}`),
                'Press Ctrl+C to stop.',
              ].join('\n'),
            );
          }
          await untilSignal();
        } finally {
          await platform.stop();
        }
      },
    );
};
