import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The store's schema, one versioned step at a time; applied in order on open (Kysely's Migrator, which records them in
 * gonogo_migration). A released step never changes: a new column or table is a new step.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-runs': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('branch', 'text', (c) => c.notNull())
        .addColumn('commit_sha', 'text')
        .addColumn('label', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('complete', 'integer', (c) => c.notNull())
        .addColumn('engine', 'text')
        .addColumn('vus', 'integer', (c) => c.notNull())
        .addColumn('duration', 'text', (c) => c.notNull())
        .addColumn('p50', 'double precision')
        .addColumn('p95', 'double precision')
        .addColumn('p99', 'double precision')
        .addColumn('rps', 'double precision')
        .addColumn('error_rate', 'double precision')
        .addColumn('smoke_ms', 'double precision')
        .addColumn('security_ms', 'double precision')
        .addColumn('load_ms', 'double precision')
        .addColumn('failing_checks', 'integer', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('report_bytes', 'integer', (c) => c.notNull())
        .execute();
      // What the dashboard and `history trend` ask for: one branch's runs in time order.
      await db.schema.createIndex('runs_branch_started').on('runs').columns(['project', 'branch', 'started_at']).execute();
      await db.schema.createIndex('runs_started').on('runs').column('started_at').execute();
      await db.schema.createIndex('runs_label').on('runs').column('label').execute();
      await db.schema.createTable('run_kpis')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('kpi_id', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('threshold', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_kpis_pk', ['run_id', 'kpi_id'])
        .execute();
      await db.schema.createIndex('run_kpis_kpi').on('run_kpis').columns(['kpi_id', 'status']).execute();
      await db.schema.createTable('run_checks')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('check_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_checks_pk', ['run_id', 'check_id'])
        .execute();
      await db.schema.createIndex('run_checks_check').on('run_checks').columns(['check_id', 'status']).execute();
    },
  },
  '0002-tokens': {
    async up(db: Kysely<unknown>) {
      // Upload tokens, one per project, kept as the SHA-256 of a random 32-byte token (history/tokens.ts says why not scrypt).
      await db.schema.createTable('tokens')
        .addColumn('project', 'text', (c) => c.primaryKey())
        .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

export const LATEST_MIGRATION = Object.keys(MIGRATIONS).at(-1)!;
