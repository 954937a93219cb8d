import { access, copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RegisterCommands } from '../core/command.ts';
import { UsageError } from '../config/errors.ts';
import { DEFAULT_KPI_FILE, packageFile } from '../core/files.ts';

const TEMPLATE = packageFile('config/defaults/gonogo.config.template.ts');
const ENV_EXAMPLE = packageFile('config/defaults/env.example');

async function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}

/** Scaffolds the three files a team edits; never overwrites one that exists unless --force. */
export async function scaffold(dir: string, force: boolean): Promise<string[]> {
  const files: Array<[string, string]> = [
    [TEMPLATE, 'gonogo.config.ts'],
    [DEFAULT_KPI_FILE, 'kpis.yaml'],
    [ENV_EXAMPLE, '.env.example'],
  ];
  const clashes = [];
  for (const [, name] of files) if (await exists(join(dir, name))) clashes.push(name);
  if (clashes.length && !force) {
    throw new UsageError(`gonogo init would overwrite ${clashes.join(', ')} in ${dir}; move them away or pass --force`);
  }
  await mkdir(dir, { recursive: true });
  for (const [from, name] of files) await copyFile(from, join(dir, name));
  return files.map(([, n]) => n);
}

export const registerInitCommand: RegisterCommands = (program, cli) => {
  program
    .command('init')
    .description('Scaffold a commented gonogo.config.ts, kpis.yaml (the documented default KPIs) and .env.example')
    .option('--dir <dir>', 'where to write them', '.')
    .option('--force', 'overwrite existing files')
    .action(async (o: { dir: string; force?: boolean }) => {
      const written = await scaffold(resolve(o.dir), Boolean(o.force));
      cli.out(`Wrote ${written.join(', ')} in ${resolve(o.dir)}.\nNext: map your routes in gonogo.config.ts, export the secrets named in .env.example, then run \`npx gonogo run\`.`);
    });
};
