/**
 * History store benchmark (`npm run bench:history`): 10,000 runs in the embedded store and on PostgreSQL, the
 * trend of one branch's last 100 runs, the dashboard's first pages in Chromium, and `gonogo history import` of
 * 1,000 report files through the CLI. Timed figures live here, never in tests.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';
import { sql } from 'kysely';
import { chromium } from '@playwright/test';
import { HistoryConfig } from '../config/history.ts';
import type { StoreLocation } from '../history/open.ts';
import { startServer } from '../history/server.ts';
import { HistoryStore } from '../history/store.ts';
import { renderTrendMd } from '../reports/trend/trend.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { seriesReport } from '../test/history/stores.ts';

const RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 10_000);
const IMPORTS = Number(process.env.BENCH_HISTORY_IMPORTS ?? 1000);
const BRANCHES = 10;
const BIN = fileURLToPath(new URL('../dist/bin/gonogo.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-history-'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, d = 1): string => n.toFixed(d);

/** 1,000 report files (a real quick run of the bundled platform, ~37 kB each, with its own id and time), imported by the CLI. */
const files: string[] = [];
for (let i = 0; i < IMPORTS; i++) {
  const f = join(dir, `r${i}.json`);
  writeFileSync(f, JSON.stringify(seriesReport(i, { day0: 100_000 })));
  files.push(f);
}

async function bench(loc: StoreLocation): Promise<Record<string, string>> {
  const env = { ...process.env, ...(loc.kind === 'postgres' ? { GONOGO_HISTORY_URL: loc.url } : {}) };
  const db = loc.kind === 'sqlite' ? ['--db', loc.file] : [];
  const t0 = performance.now();
  const imp = await execa(
    'node',
    [BIN, 'history', 'import', ...files, '--project', 'bench', '--branch', 'imported', ...db],
    { env, reject: false },
  );
  const importS = (performance.now() - t0) / 1000;
  if (imp.exitCode !== 0) throw new Error(imp.stderr);

  const store = await HistoryStore.open(loc);
  const t1 = performance.now();
  for (let i = 0; i < RUNS - IMPORTS; i++) {
    await store.record(seriesReport(Math.floor(i / BRANCHES), { p95: 60 + (i % 50), day0: i % BRANCHES }), {
      project: 'bench',
      branch: `b${i % BRANCHES}`,
      commit: `c${i}`,
    });
  }
  const fillS = (performance.now() - t1) / 1000;
  const total = (await store.counts()).runs;
  // Steady state: PostgreSQL's autovacuum gathers the planner's statistics within a minute of a bulk load; without
  // them the first queries scan run_checks whole instead of using its key.
  if (loc.kind === 'postgres') await sql`analyze`.execute(store.db);

  const trendMs: number[] = [];
  for (let i = 0; i < 11; i++) {
    const t = performance.now();
    const trend = await store.trend({ project: 'bench', branch: 'b3', last: 100 });
    renderTrendMd(trend);
    trendMs.push(performance.now() - t);
    if (trend.releases.length !== Math.min(100, (RUNS - IMPORTS) / BRANCHES))
      throw new Error(`trend read ${trend.releases.length} runs`);
  }
  await store.close();

  const server = await startServer({
    location: loc,
    config: HistoryConfig.parse({}),
    host: '127.0.0.1',
    port: 0,
    log: () => undefined,
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageMs = async (url: string): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await page.goto(url, { waitUntil: 'load' });
      xs.push(performance.now() - t);
    }
    return median(xs);
  };
  const home = await pageMs(server.url);
  const branch = await pageMs(new URL('branch?project=bench&branch=b3', server.url).href);
  await browser.close();
  await server.close();
  const size = loc.kind === 'sqlite' ? `${fmt(statSync(loc.file).size / 1e6, 0)} MB file` : 'n/a';
  return {
    runs: String(total),
    import: `${fmt(importS)} s (${fmt((importS * 1000) / IMPORTS, 1)} ms/report)`,
    fill: `${fmt(fillS)} s (${fmt((fillS * 1000) / (RUNS - IMPORTS), 2)} ms/run)`,
    trend: `${fmt(median(trendMs))} ms (max ${fmt(Math.max(...trendMs.slice(1)))})`,
    home: `${fmt(home, 0)} ms`,
    branch: `${fmt(branch, 0)} ms`,
    size,
  };
}

console.log(`# gonogo history benchmark (node ${process.version}, ${RUNS} runs, ${BRANCHES} branches + 1 imported)\n`);
const rows: Array<[string, Record<string, string>]> = [];
rows.push(['SQLite (embedded)', await bench({ kind: 'sqlite', file: join(dir, 'history.sqlite') })]);
const server = await startPostgres();
try {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  await c.query('create database bench');
  await c.end();
  rows.push([
    'PostgreSQL 15 (loopback)',
    await bench({ kind: 'postgres', url: server.url.replace(/\/postgres$/, '/bench'), from: 'GONOGO_HISTORY_URL' }),
  ]);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `| store | runs stored | \`history import\` of ${IMPORTS} reports (CLI, one process) | recording the other runs | \`history trend\` of one branch's last 100 runs (median of 10: query, build, render) | dashboard \`/\` ready in Chromium (median of 5) | branch page (30 runs, 26 charts) | size |`,
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, r] of rows)
  console.log(`| ${name} | ${r.runs} | ${r.import} | ${r.fill} | ${r.trend} | ${r.home} | ${r.branch} | ${r.size} |`);
