import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigSchema, type Config } from './schema.ts';
import { ConfigError, formatZodIssues } from '../core/errors.ts';
import { checkNotApplicable } from './not-applicable.ts';
import { suiteNames, type SuiteName } from '../core/report-schema.ts';
import { checkAccountPool } from '../load/accounts/pool.ts';
import { cookieSessionProblem } from '../load/config.ts';
import { configLoadTimeoutS, guardedImport } from './guarded-import.ts';
import { checkInputFile, readCaFile } from '../core/read-input.ts';
import { moduleFile } from '../core/files.ts';
import { missingRoutes } from '../smoke/routes.ts';

const PACKAGE_ENTRY = moduleFile(import.meta.url, '../index.ts');

export interface LoadedConfig {
  config: Config;
  file: string;
  dir: string;
  /** Secret values read from the environment variables the config names. */
  secrets: Map<string, string>;
}

/**
 * Every string under a key ending in `Env` names an environment variable holding a secret
 * (`passwordEnv: 'GONOGO_CLIENT_PASSWORD'`). They are collected with their dot-paths so a missing
 * variable is reported where it was named.
 */
export function collectEnvRefs(value: unknown, path: string[] = []): Array<{ path: string; name: string }> {
  if (Array.isArray(value))
    return value.flatMap((v, i) => collectEnvRefs(v, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`]));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (/Env$/.test(k) && typeof v === 'string') return [{ path: [...path, k].join('.'), name: v }];
    return collectEnvRefs(v, [...path, k]);
  });
}

/** Reads the secrets the selected suites' sections name; a suite that does not run needs none of its secrets. */
export function resolveSecrets(
  config: Config,
  file: string,
  env: NodeJS.ProcessEnv,
  suites: readonly SuiteName[] = suiteNames,
): Map<string, string> {
  const secrets = new Map<string, string>();
  const missing: string[] = [];
  const refs = [...collectEnvRefs(config.target, ['target']), ...suites.flatMap((s) => collectEnvRefs(config[s], [s]))];
  for (const ref of refs) {
    const v = env[ref.name];
    if (v === undefined || v === '')
      missing.push(
        `${ref.path}: environment variable ${ref.name} is not set (received: nothing); export it or add it to your CI secrets`,
      );
    // The value itself is never repeated: only what is wrong with it.
    else if (!v.trim())
      missing.push(
        `${ref.path}: environment variable ${ref.name} holds only whitespace (${v.length} character${v.length === 1 ? '' : 's'}); set the real value`,
      );
    else if (!ref.path.endsWith('listEnv') && /[\r\n]/.test(v))
      missing.push(
        `${ref.path}: environment variable ${ref.name} holds a line break (a value read from a file with its trailing newline?); strip it`,
      );
    else if (/^(sk|rk)_live_/.test(v))
      missing.push(
        `${ref.path}: ${ref.name} holds a live Stripe key (sk_live_/rk_live_); gonogo only ever uses test-mode keys and signs test events`,
      );
    else secrets.set(ref.name, v);
  }
  if (missing.length) throw new ConfigError(file, missing);
  return secrets;
}

/** Validates a config object (already loaded or built in code) the same way a file is validated. */
export function parseConfig(input: unknown, file: string): Config {
  let result;
  try {
    result = ConfigSchema.safeParse(input);
  } catch (e) {
    // A getter or proxy in the exported object can throw while it is read: the file's fault, not gonogo's.
    throw new ConfigError(file, [`reading the exported configuration threw: ${(e as Error)?.message ?? String(e)}`], {
      cause: e,
    });
  }
  if (!result.success) throw new ConfigError(file, formatZodIssues(result.error, input));
  checkNotApplicable(result.data, file);
  return result.data;
}

/** The largest config file gonogo loads (a config is a page of code; a generated one stays far below this). */
const CONFIG_MAX_BYTES = 16 * 1024 * 1024;

/**
 * `target.caFile` and `security.tls.caFile` are made absolute (relative to the config file, like every path
 * in it, for every suite alike) and read once here, so a CA file that is missing, a FIFO, not PEM or too
 * large is a config error before any suite starts, not a TLS failure blamed on the target.
 */
async function resolveCaFiles(config: Config, file: string): Promise<void> {
  const problems: string[] = [];
  const at = async (where: string, p: string): Promise<string> => {
    const abs = resolve(dirname(file), p);
    await readCaFile(abs).catch((e: Error) => {
      problems.push(`${where}: ${e.message}`);
    });
    return abs;
  };
  if (config.target.caFile !== undefined) config.target.caFile = await at('target.caFile', config.target.caFile);
  if (config.security.tls.caFile !== undefined)
    config.security.tls.caFile = await at('security.tls.caFile', config.security.tls.caFile);
  if (problems.length) throw new ConfigError(file, problems);
}

/** Imports and validates a config file without reading any secret it names. */
async function importConfig(path: string, env: NodeJS.ProcessEnv): Promise<{ file: string; config: Config }> {
  const file = resolve(path);
  try {
    await access(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Only a missing file is "no config file here": a symlink loop, a file it may not read or a path through a file say so.
    if (code === 'ELOOP')
      throw new ConfigError(
        file,
        ['the path is a symbolic link that loops back on itself (ELOOP); point --config at the real file'],
        { cause: e },
      );
    if (code === 'EACCES')
      throw new ConfigError(
        file,
        ['the config file cannot be read by this user (EACCES); fix its permissions or run as its owner'],
        { cause: e },
      );
    if (code === 'ENOTDIR')
      throw new ConfigError(file, ['a part of the path is a file, not a folder (ENOTDIR); check --config'], {
        cause: e,
      });
    if (code !== 'ENOENT')
      throw new ConfigError(file, [`the config file cannot be opened (${code ?? (e as Error).message})`], { cause: e });
    throw new ConfigError(file, [
      'no config file here; create one with `gonogo init`, pass --config FILE, or use --reference to test the bundled reference platform',
    ]);
  }
  // The module loader would wait forever on a FIFO or device: it must be a regular file of sane size first.
  await checkInputFile(file, { what: 'config file', maxBytes: CONFIG_MAX_BYTES }).catch((e: Error) => {
    throw new ConfigError(file, [e.message], { cause: e });
  });
  // Only a config file needs a TypeScript loader; `--reference` runs never load it.
  const { createJiti } = await import('jiti');
  // `gonogo` resolves to this package even when the config sits outside any node_modules that holds it.
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, alias: { gonogo: PACKAGE_ENTRY } });
  const mod = await guardedImport(file, () => jiti.import(file, { default: true }), configLoadTimeoutS(env));
  return { file, config: parseConfig(mod, file) };
}

/** A config read for what needs no target (`gonogo checklist --config`: its checklist rules): no secret is read. */
export async function loadConfigWithoutSecrets(path: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  return (await importConfig(path, env)).config;
}

export async function loadConfigFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  suites: readonly SuiteName[] = suiteNames,
): Promise<LoadedConfig> {
  const { file, config } = await importConfig(path, env);
  const wordlist = config.smoke.weakSecretsFile;
  if (wordlist) {
    const at = resolve(dirname(file), wordlist);
    await access(at).catch(() => {
      throw new ConfigError(file, [
        `smoke.weakSecretsFile: no readable file at ${at} (paths are relative to the config file)`,
      ]);
    });
  }
  await resolveCaFiles(config, file);
  const secrets = resolveSecrets(config, file, env, suites);
  if (suites.includes('load')) checkAccountPool(config.load.accounts, env, file);
  const cookieSession = suites.includes('load')
    ? cookieSessionProblem(config.smoke.login, config.load.journeys)
    : undefined;
  if (cookieSession) throw new ConfigError(file, [cookieSession]);
  // After the secrets: a route left out is named once the variables the config names are known to be set.
  const routes = missingRoutes(config.smoke, {
    suites,
    notApplicable: config.notApplicable,
    loadLogsIn: suites.includes('load') && config.load.journeys.some((j) => j.steps.some((s) => s.once || s.bearer)),
    loadRegisters: suites.includes('load') && config.load.accounts?.register !== undefined,
  });
  if (routes.length) throw new ConfigError(file, routes);
  return { config, file, dir: dirname(file), secrets };
}
