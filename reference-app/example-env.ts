import { pathToFileURL } from 'node:url';
import { dialectByName } from './dialects.ts';
import type { ReferenceInfo } from '../core/reference.ts';
import type { Config } from '../config/schema.ts';
import type { SuiteName } from '../core/report-schema.ts';
import { packageFile } from '../core/files.ts';

/** The example config of each dialect, written with the public config only. */
export function exampleConfigFile(dialect: string): string {
  return packageFile(`examples/${dialectByName(dialect).name}/gonogo.config.ts`);
}

/**
 * The environment an example config reads to find a running reference platform: where it listens, its mailbox,
 * its accounts (GONOGO_<ROLE>_EMAIL / _PASSWORD / _ID under the dialect's role names) and its secrets.
 */
export function exampleEnv(
  info: ReferenceInfo,
  o: { mailApiUrl?: string; kpiFile?: string } = {},
): Record<string, string> {
  const d = dialectByName(info.dialect);
  const env: Record<string, string> = {
    GONOGO_BASE_URL: info.baseUrl,
    GONOGO_HTTP_URL: new URL('/', info.httpUrl).href,
    GONOGO_CA_FILE: info.caFile,
    GONOGO_OPENAPI: pathToFileURL(info.openapiFile).href,
    GONOGO_LOCKFILE: info.lockfile,
    GONOGO_OSV_DIR: info.osvDb,
    GONOGO_WEBHOOK_SECRET: info.webhookSecret,
    GONOGO_JWT_SECRET: info.jwtSecret,
    // The window of the platform's limits (60 s unless a test shortened it): the configs document the same rate.
    GONOGO_RATELIMIT_WINDOW_S: String(info.limitWindowS),
    // A testing-only login limit (GONOGO_REFERENCE_LOGIN_LIMIT): the configs document it as the platform's own.
    ...(info.loginRateLimit
      ? {
          GONOGO_LOGIN_LIMIT: String(info.loginRateLimit.max),
          GONOGO_LOGIN_WINDOW_S: String(info.loginRateLimit.windowMs / 1000),
        }
      : {}),
    ...(o.mailApiUrl ? { GONOGO_MAILBOX_URL: o.mailApiUrl } : {}),
    ...(info.mailDir ? { GONOGO_MAIL_DIR: info.mailDir } : {}),
    ...(info.unlimitedAddresses[0] ? { GONOGO_LOAD_SOURCE: info.unlimitedAddresses[0] } : {}),
    ...(o.kpiFile ? { GONOGO_KPI_FILE: o.kpiFile } : {}),
  };
  for (const role of ['client', 'manufacturer', 'admin'] as const) {
    const a = info.accounts.find((x) => x.role === role);
    if (!a) continue;
    const name = d.roles[role].toUpperCase().replace(/[^A-Z0-9]/g, '_');
    Object.assign(env, {
      [`GONOGO_${name}_EMAIL`]: a.email,
      [`GONOGO_${name}_PASSWORD`]: a.password,
      [`GONOGO_${name}_ID`]: String(a.id),
    });
  }
  return env;
}

/** The example config of the platform's dialect, loaded as `gonogo run` loads a team's: the environment set first. */
export async function loadExampleConfig(
  info: ReferenceInfo,
  o: { mailApiUrl?: string; suites?: readonly SuiteName[] } = {},
): Promise<Config> {
  Object.assign(process.env, exampleEnv(info, o));
  const { loadConfigFile } = await import('../config/load.ts');
  return (await loadConfigFile(exampleConfigFile(info.dialect), process.env, o.suites)).config;
}
