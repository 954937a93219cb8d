import { access, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RegisterCommands } from '../core/command.ts';
import { UsageError } from '../core/errors.ts';
import { DEFAULT_KPI_FILE, packageFile } from '../core/files.ts';
import { targetUrlProblem } from '../core/url.ts';

const TEMPLATE = packageFile('config/defaults/gonogo.config.template.ts');
const ENV_EXAMPLE = packageFile('config/defaults/env.example');
const NAMES = ['gonogo.config.ts', 'kpis.yaml', '.env.example'];

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

async function refuseClashes(dir: string, force: boolean): Promise<void> {
  const clashes = [];
  for (const name of NAMES) if (await exists(join(dir, name))) clashes.push(name);
  if (clashes.length && !force) {
    throw new UsageError(`gonogo init would overwrite ${clashes.join(', ')} in ${dir}; move them away or pass --force`);
  }
}

/** Scaffolds the three files a team edits; never overwrites one that exists unless --force. */
export async function scaffold(dir: string, force: boolean): Promise<string[]> {
  const files: Array<[string, string]> = [
    [TEMPLATE, 'gonogo.config.ts'],
    [DEFAULT_KPI_FILE, 'kpis.yaml'],
    [ENV_EXAMPLE, '.env.example'],
  ];
  await refuseClashes(dir, force);
  await mkdir(dir, { recursive: true });
  for (const [from, name] of files) await copyFile(from, join(dir, name));
  return files.map(([, n]) => n);
}

export interface FromOpenApiOptions {
  dir: string;
  force: boolean;
  /** The platform's base URL: written as target.baseUrl, and the one host besides loopback a document URL may name. */
  target?: string;
  /** A PEM CA for fetching the document over https from a private CA. */
  ca?: string;
  vocabulary?: string;
}

/** Drafts the three files from an OpenAPI document; everything is drafted and checked before a file is written. */
export async function scaffoldFromOpenApi(
  source: string,
  o: FromOpenApiOptions,
): Promise<{ written: string[]; todos: string[] }> {
  if (o.target) {
    const problem = targetUrlProblem(o.target);
    if (problem) throw new UsageError(`--target ${o.target}: ${problem}`);
  }
  await refuseClashes(o.dir, o.force);
  // Loaded on use: the drafter and swagger-parser are only this command's.
  const { readDocument } = await import('./draft/document.ts');
  const { loadVocabulary } = await import('./draft/vocabulary.ts');
  const { draftConfig } = await import('./draft/index.ts');
  const vocabulary = await loadVocabulary(o.vocabulary ? resolve(o.vocabulary) : undefined);
  const { doc, src } = await readDocument(source, {
    ...(o.target ? { targetHost: new URL(o.target).host } : {}),
    ...(o.ca ? { caFile: resolve(o.ca) } : {}),
  });
  const outFile = join(o.dir, 'gonogo.config.ts');
  const draft = draftConfig(vocabulary, doc, src, {
    outFile,
    ...(o.target ? { target: o.target.replace(/\/+$/, '') } : {}),
  });
  await mkdir(o.dir, { recursive: true });
  await writeFile(outFile, draft.config);
  await copyFile(DEFAULT_KPI_FILE, join(o.dir, 'kpis.yaml'));
  await writeFile(join(o.dir, '.env.example'), draft.env);
  return { written: NAMES, todos: draft.todos };
}

export const registerInitCommand: RegisterCommands = (program, cli) => {
  program
    .command('init')
    .description(
      "Scaffold a commented gonogo.config.ts, kpis.yaml (the documented default KPIs) and .env.example; with --from-openapi, draft the config from the platform's OpenAPI document",
    )
    .option('--dir <dir>', 'where to write them', '.')
    .option('--force', 'overwrite existing files')
    .option(
      '--from-openapi <file|url>',
      'draft gonogo.config.ts from an OpenAPI 3.x or Swagger 2 document (a file, or a URL on loopback or on --target)',
    )
    .option('--target <url>', "with --from-openapi: the platform's base URL (default: the document's first server)")
    .option('--ca <file>', 'with --from-openapi: a PEM CA to trust when fetching the document over https')
    .option(
      '--vocabulary <file>',
      'with --from-openapi: the words that recognise operations and fields (default: config/defaults/openapi-vocabulary.yaml)',
    )
    .action(
      async (o: {
        dir: string;
        force?: boolean;
        fromOpenapi?: string;
        target?: string;
        ca?: string;
        vocabulary?: string;
      }) => {
        const dir = resolve(o.dir);
        if (!o.fromOpenapi) {
          if (o.target || o.ca || o.vocabulary)
            throw new UsageError('--target, --ca and --vocabulary go with --from-openapi');
          const written = await scaffold(dir, Boolean(o.force));
          cli.out(
            `Wrote ${written.join(', ')} in ${dir}.\nNext: map your routes in gonogo.config.ts, export the secrets named in .env.example, then run \`npx gonogo run\`.`,
          );
          return;
        }
        const { written, todos } = await scaffoldFromOpenApi(o.fromOpenapi, {
          dir,
          force: Boolean(o.force),
          ...(o.target ? { target: o.target } : {}),
          ...(o.ca ? { ca: o.ca } : {}),
          ...(o.vocabulary ? { vocabulary: o.vocabulary } : {}),
        });
        cli.out(
          [
            `Wrote ${written.join(', ')} in ${dir}, drafted from ${o.fromOpenapi}.`,
            todos.length
              ? `${todos.length} TODO(s) in gonogo.config.ts: ${todos.join('; ')}.`
              : 'No TODO left in gonogo.config.ts.',
            'Next: review the TODOs and the picks (each says which operation it took and why), export the secrets named in .env.example, then run `npx gonogo run --suite smoke`.',
          ].join('\n'),
        );
      },
    );
};
