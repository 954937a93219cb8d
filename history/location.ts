import { resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { HistoryConfig } from '../config/history.ts';
import type { StoreLocation } from './open.ts';

/**
 * The store a command uses: a PostgreSQL URL in history.urlEnv wins; else `--db` (relative to the working folder),
 * else history.file, relative to the config file's folder like every path in a config (`baseDir`).
 */
export function storeLocation(
  history: HistoryConfig,
  env: NodeJS.ProcessEnv,
  db?: string,
  baseDir = process.cwd(),
): StoreLocation {
  const url = env[history.urlEnv];
  if (url?.trim()) {
    if (db !== undefined)
      throw new UsageError(
        `--db names a SQLite file, but ${history.urlEnv} is set and names a PostgreSQL store: unset one of them`,
      );
    if (!/^postgres(ql)?:\/\//i.test(url.trim()))
      throw new UsageError(
        `${history.urlEnv} must be a PostgreSQL URL (postgres://user:password@host:5432/database); it holds something else (history.urlEnv names this variable)`,
      );
    return { kind: 'postgres', url: url.trim(), from: history.urlEnv };
  }
  return { kind: 'sqlite', file: db !== undefined ? resolve(db) : resolve(baseDir, history.file) };
}
