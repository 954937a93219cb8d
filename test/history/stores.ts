import { parseReportText } from '../../reports/io.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreLocation } from '../../history/open.ts';
import type { Report } from '../../core/report-schema.ts';
import { POSTGRES_BIN, startPostgres, type Postgres } from '../helpers/postgres.ts';

/**
 * The two stores every history test runs against: a SQLite file and a real PostgreSQL server. Without Debian's
 * postgresql the PostgreSQL half is skipped, saying so, except in CI (.ci/run installs it), where it must run.
 */
export const HAS_POSTGRES = Boolean(POSTGRES_BIN) || process.env.CI === 'true';
export const POSTGRES_SKIPPED = HAS_POSTGRES ? '' : " (PostgreSQL skipped: install Debian's postgresql package)";
export type Kind = 'sqlite' | 'postgres';
export const STORE_KINDS: Kind[] = HAS_POSTGRES ? ['sqlite', 'postgres'] : ['sqlite'];

export interface Stores {
  fresh(kind: Kind): Promise<StoreLocation>;
  stop(): Promise<void>;
  pgUrl(): string;
}

/** Fresh, empty stores on demand: a new file, or a new database on one PostgreSQL cluster started for the test file. */
export async function stores(): Promise<Stores> {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-history-'));
  let server: Postgres | null = null;
  let n = 0;
  return {
    async fresh(kind) {
      n += 1;
      if (kind === 'sqlite') return { kind, file: join(dir, `h${n}`, 'history.sqlite') };
      server ??= await startPostgres();
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.query(`create database h${n}`);
      await c.end();
      return { kind, url: server.url.replace(/\/postgres$/, `/h${n}`), from: 'GONOGO_HISTORY_URL' };
    },
    pgUrl: () => server!.url,
    async stop() {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// As gonogo reads it: the fixture predates a check rename, which the reader applies (core/catalogue.ts RENAMED_CHECKS).
const FIXTURE = parseReportText(
  readFileSync(new URL('../fixtures/reports/reference-quick-run.json', import.meta.url), 'utf8'),
  'reference-quick-run.json',
);

/**
 * A real report (a quick run of the bundled platform) made into run `i` of a series: its own id and start time (a day
 * apart), a given p95 (its KPI judged against the 200 ms threshold) and chosen check statuses.
 */
export function seriesReport(
  i: number,
  o: { p95?: number; label?: string; checks?: Record<string, Report['checks'][number]['status']>; day0?: number } = {},
): Report {
  const r = structuredClone(FIXTURE);
  const start = Date.UTC(2026, 10, 1 + (o.day0 ?? 0) + i, 3, 0, 0);
  r.run.id = `20261101T030000Z-${String(i).padStart(6, '0')}${o.day0 ? `-${o.day0}` : ''}`;
  r.run.label = o.label ?? `v1.${i}.0`;
  r.run.startedAt = new Date(start).toISOString();
  r.run.finishedAt = new Date(start + 180_000).toISOString();
  const p95 = o.p95 ?? 70 + (i % 7);
  r.load!.latencyMs.p95 = p95;
  const k = r.kpis.find((x) => x.id === 'http.p95')!;
  k.measured = p95;
  k.status = p95 < 200 ? 'pass' : 'fail';
  for (const [id, status] of Object.entries(o.checks ?? {})) {
    const c = r.checks.find((x) => x.id === id)!;
    c.status = status;
  }
  const failing =
    r.kpis.some((x) => x.status === 'fail') ||
    r.checks.some((c) => c.level === 'blocker' && (c.status === 'fail' || c.status === 'error'));
  r.verdict = failing
    ? { decision: 'NO-GO', complete: true, reasons: ['synthetic regression'] }
    : { decision: 'GO', complete: true, reasons: [] };
  return r;
}
