import { sql, type Kysely } from 'kysely';
import { targetKey } from '../core/url.ts';
import { skipKind } from '../reports/skip.ts';
import type { CheckResult } from '../core/report-schema.ts';
import type { Migration } from 'kysely/migration';

/**
 * The store's schema, one versioned step at a time; applied in order on open (Kysely's Migrator, which records them in
 * gonogo_migration). A released step never changes: a new column or table is a new step.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('runs')
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
      await db.schema
        .createIndex('runs_branch_started')
        .on('runs')
        .columns(['project', 'branch', 'started_at'])
        .execute();
      await db.schema.createIndex('runs_started').on('runs').column('started_at').execute();
      await db.schema.createIndex('runs_label').on('runs').column('label').execute();
      await db.schema
        .createTable('run_kpis')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('kpi_id', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('threshold', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_kpis_pk', ['run_id', 'kpi_id'])
        .execute();
      await db.schema.createIndex('run_kpis_kpi').on('run_kpis').columns(['kpi_id', 'status']).execute();
      await db.schema
        .createTable('run_checks')
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
      await db.schema
        .createTable('tokens')
        .addColumn('project', 'text', (c) => c.primaryKey())
        .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0003-trend-columns': {
    async up(db: Kysely<unknown>) {
      // What `history trend` needs besides the load figures, so it reads columns instead of whole reports.
      await db.schema.alterTable('runs').addColumn('target_key', 'text').execute();
      await db.schema.alterTable('runs').addColumn('reference', 'integer').execute();
      await db.schema.alterTable('run_checks').addColumn('skip_kind', 'text').execute();
      // Runs stored before this step get the columns from their own reports, a page at a time.
      let after = '';
      for (;;) {
        const page = (
          await sql<{
            id: string;
            report: string;
          }>`select id, report from runs where id > ${after} order by id limit 200`.execute(db)
        ).rows;
        if (!page.length) break;
        for (const row of page) {
          const r = JSON.parse(row.report) as {
            run: { target: { baseUrl: string }; provenance: { reference?: unknown } };
            checks: CheckResult[];
          };
          await sql`update runs set target_key = ${targetKey(r.run.target.baseUrl)}, reference = ${r.run.provenance.reference ? 1 : 0} where id = ${row.id}`.execute(
            db,
          );
          for (const c of r.checks.filter((x) => x.status === 'skip')) {
            await sql`update run_checks set skip_kind = ${skipKind(c)} where run_id = ${row.id} and check_id = ${c.id}`.execute(
              db,
            );
          }
        }
        after = page.at(-1)!.id;
      }
    },
  },
};

export const LATEST_MIGRATION = Object.keys(MIGRATIONS).at(-1)!;
