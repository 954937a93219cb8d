import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parseReportText } from '../reports/io.ts';
import { Report, type CheckStatus, type SkipKind } from '../core/report-schema.ts';
import { buildTrendOf, profileOf, type Trend, type TrendRun } from '../reports/trend/trend.ts';
import { isoOf, rowsOf, type RunIdentity } from './columns.ts';
import { openDb, type StoreKind, type StoreLocation } from './open.ts';
import type { HistoryDb, RunsTable } from './tables.ts';

/** Which runs a query covers; `last` keeps the newest N of them, `since` those started at or after it. */
export interface RunFilter {
  project?: string;
  branch?: string;
  last?: number;
  since?: string;
}

/** A run as listed: the indexed columns, without the report. */
export type RunRow = Omit<RunsTable, 'report'>;

export interface CheckPoint {
  runId: string;
  label: string | null;
  commit: string | null;
  startedAt: string;
  status: string;
}

const LISTED = [
  'id',
  'project',
  'branch',
  'commit_sha',
  'label',
  'started_at',
  'finished_at',
  'recorded_at',
  'verdict',
  'complete',
  'engine',
  'vus',
  'duration',
  'p50',
  'p95',
  'p99',
  'rps',
  'error_rate',
  'smoke_ms',
  'security_ms',
  'load_ms',
  'failing_checks',
  'report_bytes',
  'target_key',
  'reference',
] as const;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The run store: one schema over SQLite or PostgreSQL; reports are validated going in and coming out. */
export class HistoryStore {
  private constructor(
    readonly db: Kysely<HistoryDb>,
    readonly kind: StoreKind,
    readonly where: string,
  ) {}

  static async open(loc: StoreLocation, opts: { upTo?: string } = {}): Promise<HistoryStore> {
    const { db, kind, where } = await openDb(loc, opts);
    return new HistoryStore(db, kind, where);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Stores one run in one transaction (a crash leaves all of it or none); a run id already stored is left as it was. */
  async record(report: Report, who: RunIdentity, now = new Date()): Promise<{ stored: boolean }> {
    // Validated like every report gonogo writes; kept compact (the files are indented for people, the store is not).
    const text = JSON.stringify(Report.parse(report));
    const { run, kpis, checks } = rowsOf(report, who, text, now);
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('runs')
        .values(run)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return { stored: false };
      // In slices: SQLite and PostgreSQL both cap the parameters of one statement.
      for (let i = 0; i < kpis.length; i += 500)
        await trx
          .insertInto('run_kpis')
          .values(kpis.slice(i, i + 500))
          .execute();
      for (let i = 0; i < checks.length; i += 500)
        await trx
          .insertInto('run_checks')
          .values(checks.slice(i, i + 500))
          .execute();
      return { stored: true };
    });
  }

  /** Runs matching the filter, oldest first (the newest `last` of them when set). */
  async list(f: RunFilter = {}): Promise<RunRow[]> {
    let q = this.db.selectFrom('runs').select([...LISTED]);
    if (f.project !== undefined) q = q.where('project', '=', f.project);
    if (f.branch !== undefined) q = q.where('branch', '=', f.branch);
    if (f.since !== undefined) q = q.where('started_at', '>=', isoOf(f.since));
    q = q.orderBy('started_at', 'desc').orderBy('id', 'desc');
    if (f.last !== undefined) q = q.limit(f.last);
    return (await q.execute()).map(numeric).reverse();
  }

  /** The reports of the runs matching the filter, oldest first, each validated against the report schema. */
  async reports(f: RunFilter = {}): Promise<Report[]> {
    const ids = (await this.list(f)).map((r) => r.id);
    const out: Report[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('runs')
        .select(['id', 'report'])
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r.report]));
      for (const id of ids.slice(i, i + 500))
        out.push(parseReportText(byId.get(id)!, `run ${id} in the history store`));
    }
    return out;
  }

  /**
   * The trend of the runs matching the filter, from the indexed columns alone (no report is read): what buildTrend
   * gives for their reports, in a fraction of the time.
   */
  async trend(f: RunFilter = {}): Promise<Trend> {
    const runs = await this.list(f);
    const checks = new Map<string, TrendRun['checks']>(runs.map((r) => [r.id, []]));
    for (let i = 0; i < runs.length; i += 500) {
      const rows = await this.db
        .selectFrom('run_checks')
        .select(['run_id', 'check_id', 'status', 'skip_kind'])
        .where(
          'run_id',
          'in',
          runs.slice(i, i + 500).map((r) => r.id),
        )
        .execute();
      for (const c of rows)
        checks
          .get(c.run_id)!
          .push({ id: c.check_id, status: c.status as CheckStatus, skip: (c.skip_kind as SkipKind | null) ?? null });
    }
    return buildTrendOf(
      runs.map((r) => ({
        release: {
          name: r.label ?? r.id,
          runId: r.id,
          startedAt: r.started_at,
          decision: r.verdict,
          complete: r.complete === 1,
          p95: r.p95,
          p99: r.p99,
          errorRate: r.error_rate,
          rps: r.rps,
        },
        checks: checks.get(r.id)!,
        profile: profileOf(r.engine, r.vus, r.duration),
        target: { reference: r.reference === 1, key: r.target_key ?? '' },
      })),
    );
  }

  /** One run by its id, or by its label (the newest run with that label). */
  async find(
    idOrLabel: string,
    f: Pick<RunFilter, 'project' | 'branch'> = {},
  ): Promise<{ row: RunRow; report: Report } | null> {
    let q = this.db
      .selectFrom('runs')
      .select([...LISTED, 'report'])
      .where((eb) => eb.or([eb('id', '=', idOrLabel), eb('label', '=', idOrLabel)]));
    if (f.project !== undefined) q = q.where('project', '=', f.project);
    if (f.branch !== undefined) q = q.where('branch', '=', f.branch);
    const rows = await q.orderBy('started_at', 'desc').execute();
    const hit = rows.find((r) => r.id === idOrLabel) ?? rows[0];
    if (!hit) return null;
    const { report, ...row } = hit;
    return { row: numeric(row), report: parseReportText(report, `run ${hit.id} in the history store`) };
  }

  /** Each project and branch with its newest run. */
  async branches(): Promise<RunRow[]> {
    const latest = this.db
      .selectFrom('runs')
      .select(['project', 'branch'])
      .select((eb) => eb.fn.max('started_at').as('started_at'))
      .groupBy(['project', 'branch']);
    const rows = await this.db
      .selectFrom('runs')
      .innerJoin(latest.as('l'), (j) =>
        j
          .onRef('l.project', '=', 'runs.project')
          .onRef('l.branch', '=', 'runs.branch')
          .onRef('l.started_at', '=', 'runs.started_at'),
      )
      .select(LISTED.map((c) => `runs.${c}` as const))
      .orderBy('runs.project')
      .orderBy('runs.branch')
      .execute();
    return rows.map(numeric);
  }

  /** One check's status in each run of the filter, oldest first (runs where it did not run are left out). */
  async checkHistory(checkId: string, f: RunFilter = {}): Promise<CheckPoint[]> {
    const runs = await this.list(f);
    if (!runs.length) return [];
    const byRun = new Map<string, string>();
    for (let i = 0; i < runs.length; i += 500) {
      const rows = await this.db
        .selectFrom('run_checks')
        .select(['run_id', 'status'])
        .where('check_id', '=', checkId)
        .where(
          'run_id',
          'in',
          runs.slice(i, i + 500).map((r) => r.id),
        )
        .execute();
      for (const r of rows) byRun.set(r.run_id, r.status);
    }
    return runs
      .filter((r) => byRun.has(r.id))
      .map((r) => ({
        runId: r.id,
        label: r.label,
        commit: r.commit_sha,
        startedAt: r.started_at,
        status: byRun.get(r.id)!,
      }));
  }

  /** Every check's status per run of the filter: run id -> check id -> status. */
  async checkStatuses(runIds: string[]): Promise<Map<string, Map<string, string>>> {
    const out = new Map<string, Map<string, string>>(runIds.map((id) => [id, new Map()]));
    for (let i = 0; i < runIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('run_checks')
        .select(['run_id', 'check_id', 'status'])
        .where('run_id', 'in', runIds.slice(i, i + 500))
        .execute();
      for (const r of rows) out.get(r.run_id)!.set(r.check_id, r.status);
    }
    return out;
  }

  /** Every KPI's value and status per run: run id -> KPI rows. */
  async kpiValues(
    runIds: string[],
  ): Promise<Map<string, Array<{ kpi_id: string; value: number | null; status: string; threshold: string }>>> {
    const out = new Map<string, Array<{ kpi_id: string; value: number | null; status: string; threshold: string }>>(
      runIds.map((id) => [id, []]),
    );
    for (let i = 0; i < runIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('run_kpis')
        .select(['run_id', 'kpi_id', 'value', 'status', 'threshold'])
        .where('run_id', 'in', runIds.slice(i, i + 500))
        .execute();
      for (const r of rows)
        out.get(r.run_id)!.push({
          kpi_id: r.kpi_id,
          value: r.value === null ? null : Number(r.value),
          status: r.status,
          threshold: r.threshold,
        });
    }
    return out;
  }

  /** Keeps a project's upload token as its SHA-256 (a new token replaces the old one). */
  async setToken(project: string, token: string, now = new Date()): Promise<void> {
    const row = { project, token_sha256: sha256(token), created_at: now.toISOString() };
    await this.db
      .insertInto('tokens')
      .values(row)
      .onConflict((oc) =>
        oc.column('project').doUpdateSet({ token_sha256: row.token_sha256, created_at: row.created_at }),
      )
      .execute();
  }

  /** The project a token uploads to, or null for an unknown token. */
  async projectOfToken(token: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('tokens')
      .select('project')
      .where('token_sha256', '=', sha256(token))
      .executeTakeFirst();
    return row?.project ?? null;
  }

  async counts(): Promise<{ runs: number }> {
    const r = await this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return { runs: Number(r.n) };
  }
}

/** PostgreSQL's integer and double columns come back as numbers already; a driver that gave text would be caught here. */
function numeric<T extends Partial<RunRow>>(row: T): T {
  for (const k of [
    'complete',
    'vus',
    'failing_checks',
    'report_bytes',
    'reference',
    'p50',
    'p95',
    'p99',
    'rps',
    'error_rate',
    'smoke_ms',
    'security_ms',
    'load_ms',
  ] as const) {
    const v = row[k];
    if (typeof v === 'string') (row as Record<string, unknown>)[k] = Number(v);
  }
  return row;
}
