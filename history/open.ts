import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Dialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { InputError } from '../core/errors.ts';
import { redactUserinfo } from '../core/url.ts';
import { MIGRATIONS } from './migrations.ts';
import type { HistoryDb } from './tables.ts';

export type StoreKind = 'sqlite' | 'postgres';

/** Where the store is: a PostgreSQL URL (from the environment) or a SQLite file. */
export type StoreLocation = { kind: 'postgres'; url: string; from: string } | { kind: 'sqlite'; file: string };

export interface OpenedDb {
  db: Kysely<HistoryDb>;
  kind: StoreKind;
  where: string;
}

const MIGRATION_TABLE = 'gonogo_migration';
const SQLITE_MAGIC = 'SQLite format 3\0';

/** A SQLite file that is not one (a report, a text file, a damaged header) is refused, never opened: opening could rewrite it. */
function checkSqliteFile(file: string): void {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile())
      throw new InputError(
        `the history store ${file} is not a regular file; point history.file at a file (or a path that does not exist yet)`,
      );
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (size === 0) return;
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_MAGIC) {
    throw new InputError(
      `the history store ${file} is not an SQLite database (its first bytes are not the SQLite header); gonogo leaves it untouched. Move it away, or set history.file to another path`,
    );
  }
}

async function dialectFor(loc: StoreLocation): Promise<Dialect> {
  if (loc.kind === 'postgres') {
    const { default: pg } = await import('pg');
    // Percentiles and rates are double precision; pg returns bigint (count) as text, so counts are cast where read.
    const pool = new pg.Pool({ connectionString: loc.url, max: 10, connectionTimeoutMillis: 10_000 });
    // An idle connection the server drops (a restart) must not end `gonogo serve`: the next query reconnects or fails with a message.
    pool.on('error', () => undefined);
    return new PostgresDialect({ pool });
  }
  checkSqliteFile(loc.file);
  mkdirSync(dirname(resolve(loc.file)), { recursive: true, mode: 0o700 });
  // Owner-only like the report files: the store holds every report. SQLite gives its -wal and -shm files the same mode.
  try {
    writeFileSync(loc.file, '', { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const { default: Database } = await import('better-sqlite3');
  const database = new Database(loc.file);
  try {
    // Read before anything writes: even switching the journal mode rewrites a file's header.
    const tables = (
      database
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
        .all() as Array<{ name: string }>
    ).map((t) => t.name);
    refuseForeign(tables, `SQLite ${loc.file}`, 'file (history.file)');
    // WAL lets the dashboard read while a run records; the busy timeout lets two gonogo processes take turns.
    database.pragma('busy_timeout = 5000');
    database.pragma('journal_mode = WAL');
    // In WAL mode NORMAL cannot corrupt the store; a power cut may lose the last runs recorded, a crash does not.
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (e) {
    database.close();
    if (e instanceof InputError) throw e;
    throw new InputError(
      `the history store ${loc.file} is not a readable SQLite database (${(e as Error).message}); gonogo leaves it untouched. Move it away, or set history.file to another path`,
      { cause: e },
    );
  }
  return new SqliteDialect({ database });
}

/** A database with tables but no gonogo migration record belongs to another application. */
function refuseForeign(tables: string[], where: string, own: string): void {
  if (tables.length && !tables.includes(MIGRATION_TABLE)) {
    throw new InputError(
      `the history store ${where} already holds tables of another application (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}); gonogo will not write into it. Give gonogo its own ${own}`,
    );
  }
}

async function postgresTables(db: Kysely<HistoryDb>): Promise<string[]> {
  const r = await sql<{
    name: string;
  }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Opens the store and brings its schema to the latest version; a database that holds another application's tables is refused. */
export async function openDb(loc: StoreLocation, opts: { upTo?: string } = {}): Promise<OpenedDb> {
  const where =
    loc.kind === 'postgres' ? `PostgreSQL ${redactUserinfo(loc.url)} (from ${loc.from})` : `SQLite ${loc.file}`;
  const db = new Kysely<HistoryDb>({ dialect: await dialectFor(loc) });
  try {
    if (loc.kind === 'postgres') {
      let tables: string[];
      try {
        tables = await postgresTables(db);
      } catch (e) {
        throw new InputError(
          `cannot reach the history database ${where}: ${redactUserinfo((e as Error).message)}. Check the URL in ${loc.from} and that the server is up`,
          { cause: e },
        );
      }
      refuseForeign(tables, where, 'database or schema');
    }
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => MIGRATIONS },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    });
    const { error } = opts.upTo ? await migrator.migrateTo(opts.upTo) : await migrator.migrateToLatest();
    if (error) {
      const msg = (error as Error).message ?? String(error);
      if (/corrupted migrations/i.test(msg))
        throw new InputError(
          `the history store ${where} was written by a newer gonogo (its schema has steps this version does not know: ${msg}); use that gonogo release or a newer one`,
          { cause: error },
        );
      throw new InputError(
        `the history store ${where} could not be brought to the current schema: ${redactUserinfo(msg)}`,
        { cause: error },
      );
    }
    return { db, kind: loc.kind, where };
  } catch (e) {
    await db.destroy();
    throw e;
  }
}
