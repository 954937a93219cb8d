import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../history/store.ts';
import { LATEST_MIGRATION, MIGRATIONS } from '../../history/migrations.ts';
import { rowsOf } from '../../history/columns.ts';
import { serializeReport } from '../../reports/io.ts';
import { buildTrend } from '../../reports/trend/trend.ts';
import type { Report } from '../../core/report-schema.ts';
import { HAS_POSTGRES, POSTGRES_SKIPPED, seriesReport, stores, STORE_KINDS, type Stores } from './stores.ts';

let s: Stores;
beforeAll(async () => {
  s = await stores();
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

const who = { project: 'shop', branch: 'main', commit: 'abc123' };

describe.each(STORE_KINDS)(`the history store on %s${POSTGRES_SKIPPED}`, (kind) => {
  it('keeps the whole report, validated, with its indexed columns; a run id already stored is left as it was', async () => {
    const store = await HistoryStore.open(await s.fresh(kind));
    try {
      const r = seriesReport(1, { p95: 250, checks: { 'escrow.webhook-stale': 'fail' } });
      expect(await store.record(r, who)).toEqual({ stored: true });
      expect(await store.record({ ...r, run: { ...r.run, label: 'changed' } }, who)).toEqual({ stored: false });
      const found = await store.find(r.run.id);
      expect(found!.report).toEqual(r);
      expect(found!.row).toMatchObject({
        id: r.run.id,
        project: 'shop',
        branch: 'main',
        commit_sha: 'abc123',
        label: 'v1.1.0',
        verdict: 'NO-GO',
        complete: 1,
        p50: r.load!.latencyMs.p50,
        p95: 250,
        p99: r.load!.latencyMs.p99,
        rps: r.load!.rps,
        error_rate: r.load!.errorRate,
        failing_checks: 1,
        load_ms: Math.max(
          30_000,
          r.checks.filter((c) => c.suite === 'load').reduce((t, c) => t + c.durationMs, 0),
        ),
        started_at: '2026-11-02T03:00:00.000Z',
      });
      expect(found!.row.smoke_ms).toBeGreaterThan(0);
      if (kind === 'sqlite')
        expect(statSync((store as unknown as { where: string }).where.replace(/^SQLite /, '')).mode & 0o777).toBe(
          0o600,
        );
      expect(found!.row.security_ms).toBeGreaterThan(0);
      expect((await store.find('v1.1.0'))!.row.id).toBe(r.run.id);
      const kpis = (await store.kpiValues([r.run.id])).get(r.run.id)!;
      expect(kpis.find((k) => k.kpi_id === 'http.p95')).toEqual({
        kpi_id: 'http.p95',
        value: 250,
        status: 'fail',
        threshold: 'http_req_duration: p(95)<200',
      });
      expect(kpis).toHaveLength(r.kpis.length);
      const checks = (await store.checkStatuses([r.run.id])).get(r.run.id)!;
      expect(checks.size).toBe(r.checks.length);
      expect(checks.get('escrow.webhook-stale')).toBe('fail');
    } finally {
      await store.close();
    }
  });

  it("lists by project and branch, the newest N, since a date; a check's history names the run it started failing on", async () => {
    const store = await HistoryStore.open(await s.fresh(kind));
    try {
      for (let i = 0; i < 6; i++)
        await store.record(seriesReport(i, { checks: i >= 4 ? { 'escrow.webhook-stale': 'fail' } : {} }), {
          ...who,
          commit: `c${i}`,
        });
      await store.record(seriesReport(0, { day0: 1 }), { ...who, branch: 'release' });
      await store.record(seriesReport(0, { day0: 2 }), { ...who, project: 'other' });
      expect((await store.list({ project: 'shop', branch: 'main' })).map((r) => r.label)).toEqual([
        'v1.0.0',
        'v1.1.0',
        'v1.2.0',
        'v1.3.0',
        'v1.4.0',
        'v1.5.0',
      ]);
      expect((await store.list({ project: 'shop', branch: 'main', last: 2 })).map((r) => r.label)).toEqual([
        'v1.4.0',
        'v1.5.0',
      ]);
      expect((await store.list({ branch: 'main', since: '2026-11-05' })).map((r) => r.label)).toEqual([
        'v1.4.0',
        'v1.5.0',
      ]);
      expect((await store.reports({ project: 'shop', branch: 'main', last: 3 })).map((r) => r.run.label)).toEqual([
        'v1.3.0',
        'v1.4.0',
        'v1.5.0',
      ]);
      const h = await store.checkHistory('escrow.webhook-stale', { project: 'shop', branch: 'main' });
      expect(h.map((p) => p.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'fail', 'fail']);
      expect(h[4]).toMatchObject({ commit: 'c4', label: 'v1.4.0' });
      const b = await store.branches();
      expect(b.map((r) => `${r.project}/${r.branch} ${r.label}`)).toEqual([
        'other/main v1.0.0',
        'shop/main v1.5.0',
        'shop/release v1.0.0',
      ]);
    } finally {
      await store.close();
    }
  });

  it('20 concurrent records store 20 runs; the store survives closing and opening again', async () => {
    const loc = await s.fresh(kind);
    const a = await HistoryStore.open(loc);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => a.record(seriesReport(i), who)));
    expect(results.filter((r) => r.stored)).toHaveLength(20);
    await a.close();
    const again = await HistoryStore.open(loc);
    expect(await again.counts()).toEqual({ runs: 20 });
    await again.close();
  });

  it('a record that fails half-way leaves no half run (one transaction)', async () => {
    const store = await HistoryStore.open(await s.fresh(kind));
    try {
      const r = seriesReport(1);
      // A duplicate KPI id in the second slice is deduplicated; a check id longer than anything breaks nothing either: a bad level does.
      const broken = { ...r, checks: [...r.checks, { ...r.checks[0]!, id: 'zz.late', level: null as never }] };
      await expect(store.record(broken, who)).rejects.toThrow();
      expect(await store.counts()).toEqual({ runs: 0 });
      expect((await store.kpiValues([r.run.id])).get(r.run.id)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('migrates forward from the previous schema version: its runs stay, and the new columns are filled from their reports', async () => {
    const loc = await s.fresh(kind);
    const versions = Object.keys(MIGRATIONS);
    const old = await HistoryStore.open(loc, { upTo: versions.at(-2)! });
    const r = skipping(seriesReport(1));
    // A run as the previous version stored it: the columns it knew, nothing of the last step's.
    const { run, kpis, checks } = rowsOf(r, who, serializeReport(r), new Date());
    const { target_key: _t, reference: _r, ...oldRun } = run;
    await old.db
      .insertInto('runs')
      .values(oldRun as never)
      .execute();
    await old.db.insertInto('run_kpis').values(kpis).execute();
    await old.db
      .insertInto('run_checks')
      .values(checks.map(({ skip_kind: _s, ...c }) => c) as never)
      .execute();
    await old.close();
    const store = await HistoryStore.open(loc);
    try {
      expect(await store.counts()).toEqual({ runs: 1 });
      expect((await store.find(r.run.id))!.row).toMatchObject({ target_key: run.target_key, reference: 1 });
      expect(await store.trend()).toEqual(buildTrend([r]));
      expect(LATEST_MIGRATION).toBe(versions.at(-1));
    } finally {
      await store.close();
    }
  });

  it('builds the trend from its columns exactly as buildTrend does from the reports: skips by kind, targets and load profiles that differ', async () => {
    const store = await HistoryStore.open(await s.fresh(kind));
    try {
      const reports = [
        seriesReport(0),
        skipping(seriesReport(1)),
        seriesReport(2, { checks: { 'auth.rbac': 'error' } }),
      ];
      reports[2]!.run.provenance = { ...reports[2]!.run.provenance, reference: undefined };
      reports[2]!.run.target.baseUrl = 'https://staging.example.com';
      reports[1]!.run.loadProfile = { vus: 10, duration: '1m' };
      for (const r of reports) await store.record(r, who);
      const trend = await store.trend({ project: 'shop' });
      expect(trend).toEqual(buildTrend(reports));
      expect(trend.warnings).toHaveLength(2);
      expect(trend.matrix.find((m) => m.id === 'browser.cookies')!.skips).toEqual([null, 'not-applicable', null]);
    } finally {
      await store.close();
    }
  });
});

/** The report with one check skipped as not applicable. */
function skipping(r: Report): Report {
  const c = r.checks.find((x) => x.id === 'browser.cookies')!;
  c.status = 'skip';
  c.skip = { kind: 'not-applicable', reason: 'API only', source: 'declared' };
  return r;
}

describe('a database that is not a gonogo store is refused, never written', () => {
  it('SQLite: a corrupt file and a foreign database are refused and left byte for byte', async () => {
    const text = (await s.fresh('sqlite')) as { kind: 'sqlite'; file: string };
    mkdirSync(dirname(text.file), { recursive: true });
    writeFileSync(text.file, '{"schemaVersion":1}\n');
    await expect(HistoryStore.open(text)).rejects.toThrow(
      /is not an SQLite database .*leaves it untouched.*history\.file/,
    );
    expect(readFileSync(text.file, 'utf8')).toBe('{"schemaVersion":1}\n');

    const damaged = (await s.fresh('sqlite')) as { kind: 'sqlite'; file: string };
    mkdirSync(dirname(damaged.file), { recursive: true });
    writeFileSync(damaged.file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080, 7)]));
    const before = readFileSync(damaged.file);
    await expect(HistoryStore.open(damaged)).rejects.toThrow(/history\.file/);
    expect(readFileSync(damaged.file).equals(before)).toBe(true);

    const foreign = (await s.fresh('sqlite')) as { kind: 'sqlite'; file: string };
    mkdirSync(dirname(foreign.file), { recursive: true });
    const db = new Database(foreign.file);
    db.exec('create table users (id integer primary key, email text)');
    db.close();
    const bytes = readFileSync(foreign.file);
    await expect(HistoryStore.open(foreign)).rejects.toThrow(/holds tables of another application \(users\)/);
    expect(readFileSync(foreign.file).equals(bytes)).toBe(true);
  });

  it.skipIf(!HAS_POSTGRES)(
    "PostgreSQL: a database with another application's tables is refused and left as it was",
    async () => {
      const loc = (await s.fresh('postgres')) as { url: string };
      const c = new pg.Client({ connectionString: loc.url });
      await c.connect();
      await c.query('create table orders (id serial primary key)');
      await expect(HistoryStore.open(loc as never)).rejects.toThrow(/holds tables of another application \(orders\)/);
      const tables = await c.query("select table_name from information_schema.tables where table_schema = 'public'");
      expect(tables.rows.map((r) => r.table_name)).toEqual(['orders']);
      await c.end();
    },
  );

  it('an unreachable PostgreSQL server is a clear error that does not print the password', async () => {
    const e = await HistoryStore.open({
      kind: 'postgres',
      url: 'postgres://u:hunter2@127.0.0.1:1/x',
      from: 'GONOGO_HISTORY_URL',
    }).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/cannot reach the history database PostgreSQL .*GONOGO_HISTORY_URL/);
    expect((e as Error).message).not.toContain('hunter2');
  });
});
