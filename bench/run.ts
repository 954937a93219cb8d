/**
 * gonogo load-engine benchmark (`npm run bench`): side by side on the same one-process Node target,
 * gonogo's autocannon engine vs raw autocannon (req/s, generator CPU per request), and on a fixed
 * 50 ms route with 50 connections: throughput vs 50/mean-latency and p95 vs wrk (and k6 when installed).
 * Timed figures live here, never in tests.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { execa } from 'execa';
import { AutocannonEngine, defaultWorkers } from '../load/autocannon/engine.ts';
import { K6Engine } from '../load/k6/engine.ts';
import { findK6 } from '../load/k6/binary.ts';
import { buildPlan } from '../load/plan.ts';
import { LoadConfig } from '../load/config.ts';
import { startReferenceTarget } from '../cli/reference-target.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), { stdio: 'ignore' });
  const port = await new Promise<number>((r) => child.once('message', (m: { port: number }) => r(m.port)));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

async function raw(url: string): Promise<{ rps: number; requests: number; cpuUsPerReq: number; meanMs: number }> {
  const cpu = process.cpuUsage();
  const r = await autocannon({ url, connections: CONNS, duration: SECONDS });
  const requests = r.requests.total;
  return { rps: requests / SECONDS, requests, cpuUsPerReq: (cpuMs(cpu) * 1000) / requests, meanMs: r.latency.mean };
}

async function gonogo(
  url: string,
  path: string,
  engine: 'autocannon' | 'k6',
  workers = 0,
  o: { vus?: number; caFile?: string; sourceAddress?: string } = {},
) {
  const load = LoadConfig.parse({
    thinkTimeS: 0,
    health: { path: null },
    workers,
    sourceAddress: o.sourceAddress,
    journeys: [{ name: 'get', steps: [{ name: 'get', path }] }],
  });
  const plan = buildPlan({
    baseUrl: url,
    load,
    vus: o.vus ?? CONNS,
    duration: `${SECONDS}s`,
    kpis: [],
    caFile: o.caFile,
    outDir: mkdtempSync(join(tmpdir(), 'gonogo-bench-')),
  });
  const cpu = process.cpuUsage();
  const run = await (engine === 'k6' ? new K6Engine() : new AutocannonEngine()).run(plan);
  const r = run.result;
  return {
    rps: r.requests / r.durationS,
    requests: r.requests,
    cpuUsPerReq: (cpuMs(cpu) * 1000) / r.requests,
    latency: r.latencyMs,
    errors: r.errors,
  };
}

async function wrk(url: string): Promise<{ rps: number; meanMs: number; p95Ms: number } | null> {
  const r = await execa(
    'wrk',
    ['-t2', `-c${CONNS}`, `-d${SECONDS}s`, '-s', fileURLToPath(new URL('./wrk-p95.lua', import.meta.url)), url],
    { reject: false, timeout: (SECONDS + 30) * 1000 },
  );
  const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (r.exitCode !== 0 || !line) return null;
  const j = JSON.parse(line) as { requests: number; durationUs: number; meanUs: number; p95Us: number };
  return { rps: j.requests / (j.durationUs / 1e6), meanMs: j.meanUs / 1000, p95Ms: j.p95Us / 1000 };
}

const fmt = (n: number, d = 1): string => n.toFixed(d);
const server = await startServer();
try {
  console.log(`# gonogo load-engine benchmark (${SECONDS}s per run, ${CONNS} connections, node ${process.version})\n`);
  console.log(`## Throughput on a one-process Node server (GET /), ${ROUNDS} rounds\n`);
  // Single runs on a shared 2-core machine move by ±10%; rounds run the generators in turn, and the table gives medians.
  type Row = { rps: number; cpuUsPerReq: number | null };
  const rounds: Record<'wrk' | 'raw' | 'g1' | 'g2', Row[]> = { wrk: [], raw: [], g1: [], g2: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const w = await wrk(`${server.url}/`);
    if (w) rounds.wrk.push({ rps: w.rps, cpuUsPerReq: null });
    rounds.raw.push(await raw(`${server.url}/`));
    rounds.g1.push(await gonogo(server.url, '/', 'autocannon', 1));
    rounds.g2.push(await gonogo(server.url, '/', 'autocannon', 2));
  }
  const chosen = defaultWorkers(server.url);
  const dflt = (n: number): string => (n === chosen ? ' (the default for this loopback target)' : '');
  const rawMedian = median(rounds.raw.map((x) => x.rps));
  console.log(
    "| generator | median req/s | vs raw autocannon (median) | each round vs raw autocannon's same round | generator CPU per request (median) |",
  );
  console.log('|---|---|---|---|---|');
  const line = (name: string, rows: Row[]): void => {
    if (rows.length === 0) return;
    const m = median(rows.map((x) => x.rps));
    const each = rows.map((x, i) => `${fmt((x.rps / rounds.raw[i]!.rps) * 100)}%`).join(', ');
    const cpu =
      rows[0]!.cpuUsPerReq === null ? '(separate process)' : `${fmt(median(rows.map((x) => x.cpuUsPerReq!)))} µs`;
    console.log(`| ${name} | ${fmt(m, 0)} | ${fmt((m / rawMedian) * 100)}% | ${each} | ${cpu} |`);
  };
  line('wrk -t2', rounds.wrk);
  line('raw autocannon (1 thread)', rounds.raw);
  line(`gonogo autocannon engine, 1 worker${dflt(1)}`, rounds.g1);
  line(`gonogo autocannon engine, 2 workers${dflt(2)}`, rounds.g2);

  console.log('\n## Fixed 50 ms route, 50 connections (GET /slow)\n');
  const ws = await wrk(`${server.url}/slow`);
  const gs = await gonogo(server.url, '/slow', 'autocannon');
  const k6 = (await findK6()) ? await gonogo(server.url, '/slow', 'k6') : null;
  console.log(
    '| generator | req/s | 50/mean latency | throughput vs 50/mean | mean ms | p95 ms | p95 vs wrk | p95 vs 50 ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const row = (name: string, rps: number, mean: number, p95: number): void => {
    const ideal = CONNS / (mean / 1000);
    console.log(
      `| ${name} | ${fmt(rps)} | ${fmt(ideal)} | ${fmt(((rps - ideal) / ideal) * 100, 2)}% | ${fmt(mean, 2)} | ${fmt(p95, 2)} | ${ws ? `${p95 - ws.p95Ms >= 0 ? '+' : ''}${fmt(p95 - ws.p95Ms, 2)} ms` : 'n/a'} | ${fmt(((p95 - 50) / 50) * 100, 1)}% |`,
    );
  };
  if (ws) row('wrk -t2', ws.rps, ws.meanMs, ws.p95Ms);
  row('gonogo autocannon', gs.rps, gs.latency.mean, gs.latency.p95);
  if (k6) row('gonogo k6', k6.rps, k6.latency.mean, k6.latency.p95);
  if (k6) console.log(`\nk6 vs autocannon p95: ${fmt(((k6.latency.p95 - gs.latency.p95) / gs.latency.p95) * 100, 2)}%`);
} finally {
  server.stop();
}

// Equivalence on the reference platform's fixed 50 ms route (GET /api/slow, HTTPS), the platform in its own
// process as `gonogo run --reference` starts it, the load from the address it exempts from rate limits.
const ref = await startReferenceTarget([], process.env);
try {
  const k6 = await findK6();
  console.log(`\n## Reference platform, fixed 50 ms route (GET /api/slow over HTTPS), both engines\n`);
  console.log("| round | VUs | engine | requests | errors | mean ms | p95 ms | p95 vs 50 ms | engines' p95 apart |");
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (let round = 1; round <= ROUNDS; round++) {
    for (const vus of [10, CONNS]) {
      const o = { vus, caFile: ref.info.caFile, sourceAddress: ref.info.unlimitedAddresses[0] };
      const ac = await gonogo(ref.info.baseUrl, '/api/slow', 'autocannon', 0, o);
      const kk = k6 ? await gonogo(ref.info.baseUrl, '/api/slow', 'k6', 0, o) : null;
      const apart = kk
        ? `${fmt((Math.abs(kk.latency.p95 - ac.latency.p95) / Math.min(kk.latency.p95, ac.latency.p95)) * 100, 2)}%`
        : 'n/a (no k6)';
      for (const [name, r] of [
        ['autocannon', ac],
        ['k6', kk],
      ] as const) {
        if (!r) continue;
        console.log(
          `| ${round} | ${vus} | ${name} | ${r.requests} | ${r.errors} | ${fmt(r.latency.mean, 2)} | ${fmt(r.latency.p95, 2)} | ${fmt(((r.latency.p95 - 50) / 50) * 100, 1)}% | ${apart} |`,
        );
      }
    }
  }
} finally {
  await ref.stop();
}
