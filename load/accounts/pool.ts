import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import type { LoadAccounts } from '../config.ts';
import type { PoolAccount } from '../../scenarios/journey-core.ts';

const JsonPool = z.array(z.object({ email: z.string().min(3), password: z.string().min(1) })).min(1);

/**
 * The accounts of a `listEnv` variable: JSON `[{"email","password"}]`, or CSV lines `email,password`
 * (an optional header line). Errors name the variable and the line, never the value: it holds passwords.
 */
export function parsePoolText(text: string, where: string): PoolAccount[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      throw new Error(`${where} is not valid JSON (expected [{"email": ..., "password": ...}])`);
    }
    const parsed = JsonPool.safeParse(data);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new Error(
        `${where}: ${i.path.length ? `entry ${i.path.join('.')}` : 'the list'}: ${i.message} (expected [{"email": ..., "password": ...}])`,
      );
    }
    return parsed.data.map((a) => ({ email: a.email, password: a.password }));
  }
  const out: PoolAccount[] = [];
  const lines = trimmed.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || (i === 0 && /^email\s*,\s*password$/i.test(line))) return;
    // Split at the first comma only: an email holds none, a password may.
    const comma = line.indexOf(',');
    const email = comma < 0 ? '' : line.slice(0, comma).trim();
    const password = comma < 0 ? '' : line.slice(comma + 1);
    if (!email.includes('@') || !password) throw new Error(`${where}: line ${i + 1} is not "email,password"`);
    out.push({ email, password });
  });
  if (out.length === 0)
    throw new Error(`${where} holds no account (JSON [{"email","password"}] or CSV lines email,password)`);
  return out;
}

/** The listed pool (`list` or `listEnv`) from the environment; null for `register`, which happens at run time. */
export function listedPool(a: LoadAccounts, env: Record<string, string | undefined>): PoolAccount[] | null {
  if (a.list) {
    return a.list.map((x, i) => {
      const password = env[x.passwordEnv];
      if (!password)
        throw new Error(`load.accounts.list[${i}].passwordEnv: environment variable ${x.passwordEnv} is not set`);
      return { email: x.email, password };
    });
  }
  if (a.listEnv) {
    const text = env[a.listEnv];
    if (!text) throw new Error(`load.accounts.listEnv: environment variable ${a.listEnv} is not set`);
    return parsePoolText(text, `load.accounts.listEnv (${a.listEnv})`);
  }
  return null;
}

/** Reads the listed pool when the config is loaded, so a malformed list is a config error (exit 2), not a failed run. */
export function checkAccountPool(
  a: LoadAccounts | undefined,
  env: Record<string, string | undefined>,
  file: string,
): void {
  if (!a) return;
  try {
    listedPool(a, env);
  } catch (e) {
    throw new ConfigError(file, [(e as Error).message]);
  }
}
