import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigSchema, type Config } from './schema.ts';
import { ConfigError, formatZodIssues } from './errors.ts';
import { suiteNames, type SuiteName } from '../reports/schema.ts';
import { checkAccountPool } from '../load/accounts/pool.ts';
import { configLoadTimeoutS, guardedImport } from './guarded-import.ts';
import { moduleFile } from '../core/files.ts';

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
  if (Array.isArray(value)) return value.flatMap((v, i) => collectEnvRefs(v, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`]));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (/Env$/.test(k) && typeof v === 'string') return [{ path: [...path, k].join('.'), name: v }];
    return collectEnvRefs(v, [...path, k]);
  });
}

/** Reads the secrets the selected suites' sections name; a suite that does not run needs none of its secrets. */
export function resolveSecrets(config: Config, file: string, env: NodeJS.ProcessEnv, suites: readonly SuiteName[] = suiteNames): Map<string, string> {
  const secrets = new Map<string, string>();
  const missing: string[] = [];
  const refs = [...collectEnvRefs(config.target, ['target']), ...suites.flatMap((s) => collectEnvRefs(config[s], [s]))];
  for (const ref of refs) {
    const v = env[ref.name];
    if (v === undefined || v === '') missing.push(`${ref.path}: environment variable ${ref.name} is not set (received: nothing); export it or add it to your CI secrets`);
    else if (/^(sk|rk)_live_/.test(v)) missing.push(`${ref.path}: ${ref.name} holds a live Stripe key (sk_live_/rk_live_); gonogo only ever uses test-mode keys and signs test events`);
    else secrets.set(ref.name, v);
  }
  if (missing.length) throw new ConfigError(file, missing);
  return secrets;
}

/** Validates a config object (already loaded or built in code) the same way a file is validated. */
export function parseConfig(input: unknown, file: string): Config {
  const result = ConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(file, formatZodIssues(result.error, input));
  return result.data;
}

export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env, suites: readonly SuiteName[] = suiteNames): Promise<LoadedConfig> {
  const file = resolve(path);
  try {
    await access(file);
  } catch {
    throw new ConfigError(file, ['no config file here; create one with `gonogo init`, pass --config FILE, or use --reference to test the bundled reference platform']);
  }
  // Only a config file needs a TypeScript loader; `--reference` runs never load it.
  const { createJiti } = await import('jiti');
  // `gonogo` resolves to this package even when the config sits outside any node_modules that holds it.
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, alias: { gonogo: PACKAGE_ENTRY } });
  const mod = await guardedImport(file, () => jiti.import(file, { default: true }), configLoadTimeoutS(env));
  const config = parseConfig(mod, file);
  const wordlist = config.smoke.weakSecretsFile;
  if (wordlist) {
    const at = resolve(dirname(file), wordlist);
    await access(at).catch(() => { throw new ConfigError(file, [`smoke.weakSecretsFile: no readable file at ${at} (paths are relative to the config file)`]); });
  }
  const secrets = resolveSecrets(config, file, env, suites);
  if (suites.includes('load')) checkAccountPool(config.load.accounts, env, file);
  return { config, file, dir: dirname(file), secrets };
}
