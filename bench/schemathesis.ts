/**
 * Side by side with Schemathesis (`npm run bench:schemathesis`): for each dialect and each API-surface flaw of the
 * reference platform, Schemathesis' `st run` against the dialect's OpenAPI document (signed in as every seeded
 * account) and gonogo's smoke suite (through the dialect's example config), each on a fresh platform with that flaw.
 * Prints a markdown table: what each tool found, the requests the platform answered and the seconds each spent.
 * Needs Schemathesis (`pip install schemathesis`); SCHEMATHESIS_BIN names its `st` when it is not on PATH.
 * One run at a time, one Schemathesis worker: the machine is shared. Timed figures live here, never in tests.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { DIALECT_NAMES } from '../reference-app/dialects.ts';
import { exampleConfigFile } from '../reference-app/example-env.ts';
import { FLAWS } from '../reference-app/flaws.ts';
import { exampleConfig, signedInHeaders, startPlatform } from './side-by-side/platform.ts';
import { runGonogo, runSchemathesis, type ToolRun } from './side-by-side/tools.ts';

const CLEAN = 'clean';
const DEFAULT_FLAWS = [
  CLEAN,
  'orders-list-leaks',
  'client-reaches-admin',
  'anonymous-admin',
  'orders-readable-by-anyone',
  'debug-errors',
  'idor-release',
  'mass-assignment',
  'search-sql-injectable',
  'filter-nosql-operator',
  'malformed-body-500',
  'template-injection',
  'path-traversal',
];
const list = (v: string | undefined, d: string[]) => (v ? v.split(',').map((s) => s.trim()) : d);
const DIALECTS = list(process.env.BENCH_ST_DIALECTS, [...DIALECT_NAMES]);
const WANTED = list(process.env.BENCH_ST_FLAWS, DEFAULT_FLAWS);
// One tool only (`schemathesis` or `gonogo`) reruns its side with other settings.
const TOOLS = list(process.env.BENCH_ST_TOOLS, ['schemathesis', 'gonogo']);
const ST = {
  bin: process.env.SCHEMATHESIS_BIN ?? 'st',
  maxExamples: Number(process.env.BENCH_ST_MAX_EXAMPLES ?? 10),
  seed: Number(process.env.BENCH_ST_SEED ?? 1),
  timeCapS: Number(process.env.BENCH_ST_TIME_CAP_S ?? 300),
  requestCap: Number(process.env.BENCH_ST_REQUEST_CAP ?? 10000),
  ...(process.env.BENCH_ST_RATE_LIMIT ? { rateLimit: process.env.BENCH_ST_RATE_LIMIT } : {}),
};
// Schemathesis does not pace itself: a short window keeps the platform's 100-a-window limit from answering it 429.
const ST_WINDOW_S = Number(process.env.BENCH_ST_LIMIT_WINDOW_S ?? 3);
// gonogo paces itself under the documented limits and probes them: the window the test suite runs it with.
const GONOGO_WINDOW_S = Number(process.env.BENCH_GONOGO_LIMIT_WINDOW_S ?? 20);
const GONOGO_TIME_CAP_S = Number(process.env.BENCH_GONOGO_TIME_CAP_S ?? 600);

const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);

interface Row {
  dialect: string;
  flaw: string;
  skipped?: string;
  st?: ToolRun;
  gonogo?: ToolRun;
  mustFail?: string[];
}

async function schemathesisRow(dialect: string, flaws: string[]): Promise<ToolRun> {
  const p = await startPlatform(dialect, flaws, ST_WINDOW_S);
  try {
    const config = await exampleConfig(dialect, p);
    const identities = await signedInHeaders(config, p);
    const logout = config.smoke.logout?.path;
    return await runSchemathesis(p, identities, { ...ST, excludePaths: logout ? [logout] : [] });
  } finally {
    await p.stop();
  }
}

async function gonogoRow(dialect: string, flaws: string[]): Promise<ToolRun> {
  const p = await startPlatform(dialect, flaws, GONOGO_WINDOW_S);
  try {
    return await runGonogo(p, exampleConfigFile(dialect), GONOGO_TIME_CAP_S);
  } finally {
    await p.stop();
  }
}

const outDir = process.env.BENCH_ST_OUT ?? mkdtempSync(join(tmpdir(), 'gonogo-bench-st-out-'));
mkdirSync(outDir, { recursive: true });
const raw = join(outDir, 'side-by-side.json');
const rows: Row[] = [];
// Written after every row: a long run stopped half-way keeps what it measured.
const save = () =>
  writeFileSync(raw, JSON.stringify({ settings: { ST, ST_WINDOW_S, GONOGO_WINDOW_S }, rows }, null, 2));
for (const dialect of DIALECTS) {
  for (const flaw of WANTED) {
    const known = FLAWS.find((f) => f.name === flaw);
    if (flaw !== CLEAN && !known) {
      rows.push({ dialect, flaw, skipped: 'not a flaw of this build of the reference platform' });
      continue;
    }
    if (known?.dialects && !known.dialects.includes(dialect as never)) {
      rows.push({ dialect, flaw, skipped: `the ${dialect} dialect has no such protection` });
      continue;
    }
    const flaws = flaw === CLEAN ? [] : [flaw];
    log(`${dialect} ${flaw}`);
    const st = TOOLS.includes('schemathesis')
      ? await schemathesisRow(dialect, flaws).catch((e: Error) => failedRun(e))
      : notRun();
    const gonogo = TOOLS.includes('gonogo')
      ? await gonogoRow(dialect, flaws).catch((e: Error) => failedRun(e))
      : notRun();
    rows.push({ dialect, flaw, st, gonogo, ...(known ? { mustFail: known.mustFail } : {}) });
    save();
  }
}

function notRun(): ToolRun {
  return { failed: [], requests: 0, throttled: 0, serverErrors: 0, seconds: 0, note: 'not run (BENCH_ST_TOOLS)' };
}

function failedRun(e: Error): ToolRun {
  return { failed: [], requests: 0, throttled: 0, serverErrors: 0, seconds: 0, note: `did not run: ${e.message}` };
}

save();
const version = (await execa(ST.bin, ['--version'], { reject: false })).stdout.trim();
console.log(`# Side by side with Schemathesis (${version}; node ${process.version})\n`);
console.log(
  `Schemathesis: --max-examples ${ST.maxExamples} --seed ${ST.seed} --workers 1${ST.rateLimit ? ` --rate-limit ${ST.rateLimit}` : ''}, every seeded account in a WFC auth file (the two clients as peers), the logout route excluded; platform limit window ${ST_WINDOW_S} s. gonogo: --suite smoke, limit window ${GONOGO_WINDOW_S} s. Requests: what the platform answered (its http_requests_total). Raw results: ${raw}\n`,
);
for (const dialect of DIALECTS) {
  const mine = rows.filter((r) => r.dialect === dialect);
  const clean = new Set(mine.find((r) => r.flaw === CLEAN)?.st?.failed ?? []);
  console.log(`## ${dialect}\n`);
  console.log(
    '| flaw | Schemathesis: failures not in the clean run | requests (429, 5xx) | s | gonogo: failing checks | must fail | requests (429, 5xx) | s |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of mine) {
    if (r.skipped) {
      console.log(`| ${r.flaw} | skipped: ${r.skipped} | | | | | | |`);
      continue;
    }
    const st = r.st!;
    const g = r.gonogo!;
    const stFound =
      r.flaw === CLEAN
        ? `${st.failed.length} (baseline: ${st.failed.join(', ') || 'none'})`
        : st.failed.filter((f) => !clean.has(f)).join(', ') || 'none';
    const gFound = [g.failed.join(', ') || 'none', g.errored?.length ? `errors: ${g.errored.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    const cell = (t: ToolRun) => `${t.requests} (${t.throttled}, ${t.serverErrors})`;
    const note = (t: ToolRun) => (t.note ? ` [${t.note}]` : '');
    console.log(
      `| ${r.flaw} | ${stFound}${note(st)} | ${cell(st)} | ${st.seconds.toFixed(0)} | ${gFound}${note(g)} | ${r.mustFail?.join(', ') ?? ''} | ${cell(g)} | ${g.seconds.toFixed(0)} |`,
    );
  }
  console.log('');
}
