import { z } from 'zod';
import { ENV_NAME_PATTERN } from '../core/env-name.ts';

/** The largest report a history server accepts by default: a real report is tens of kilobytes, a long load run's a few MiB. */
export const DEFAULT_MAX_REPORT_BYTES = 16 * 1024 * 1024;
/** The cap on history.server.maxReportBytes: the same ceiling gonogo puts on any report.json it reads (reports/io.ts). */
export const MAX_REPORT_BYTES_CAP = 256 * 1024 * 1024;

const ServerConfig = z
  .object({
    /** A pushed report larger than this is refused (413) before it is parsed. */
    maxReportBytes: z.number().int().positive().max(MAX_REPORT_BYTES_CAP).default(DEFAULT_MAX_REPORT_BYTES),
    /** Who may read the dashboard without a token: `loopback` (only while the server listens on loopback), `always`, `never`. */
    publicRead: z.enum(['loopback', 'always', 'never']).default('loopback'),
  })
  .strict();

/** The run store: where it lives, whether `gonogo run` records into it, and the server's limits. */
export const HistoryConfig = z
  .object({
    /** Every `gonogo run` records its report in the store, as if `--record` were given. */
    record: z.boolean().default(false),
    /** The embedded SQLite database, relative to the config file (the working folder when no config is read). */
    file: z.string().min(1).default('.gonogo/history.sqlite'),
    /** The environment variable holding a PostgreSQL URL; when it is set, the store is that database instead of `file`. */
    urlEnv: z
      .string()
      .regex(
        ENV_NAME_PATTERN,
        'an environment variable name (the URL carries a password: it is read from the environment, never written in the file)',
      )
      .default('GONOGO_HISTORY_URL'),
    /** The project runs are recorded under (default: the CI's repository path, else the folder's name). */
    project: z.string().min(1).max(200).optional(),
    server: ServerConfig.default(ServerConfig.parse({})),
  })
  .strict();
export type HistoryConfig = z.infer<typeof HistoryConfig>;

export const HISTORY_DEFAULTS: HistoryConfig = HistoryConfig.parse({});
