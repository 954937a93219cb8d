/**
 * Input-file benchmark (`npm run bench:inputs`, also the last part of `npm run bench`): pnpm-lock.yaml parse
 * time by package count (gonogo's reader vs yaml's own duplicate-key check, which is quadratic), and the peak
 * memory of `gonogo checklist` by checklist size up to the documented maximum and past it.
 * Timed figures live here, never in tests.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse } from 'yaml';
import { parsePnpmLock } from '../security/deps/lockfiles/pnpm.ts';
import { CHECKLIST_MAX_BYTES } from '../reports/checklist/judge.ts';
import { serializeReport } from '../reports/io.ts';
import { pnpmLockOf } from '../test/security/fixtures-gen.ts';
import { report } from '../test/helpers/report.ts';

const SIZES = (process.env.BENCH_PNPM_SIZES ?? '5000,10000,50000').split(',').map(Number);
// yaml's own check at these sizes only: at 50k it runs for minutes.
const QUADRATIC_MAX = Number(process.env.BENCH_PNPM_QUADRATIC_MAX ?? 10000);
const fmt = (n: number, d = 0): string => n.toFixed(d);

function timed(fn: () => unknown): { cpuMs: number; wallMs: number } {
  const cpu = process.cpuUsage();
  const t = performance.now();
  fn();
  const d = process.cpuUsage(cpu);
  return { cpuMs: (d.user + d.system) / 1000, wallMs: performance.now() - t };
}

console.log(`# gonogo input-file benchmark (node ${process.version})\n`);
console.log('## pnpm-lock.yaml (v9, packages + snapshots), parse time\n');
console.log(
  '| packages | file MB | gonogo reader CPU ms | wall ms | ms per 1k packages | yaml parse() with its duplicate-key check, CPU ms |',
);
console.log('|---|---|---|---|---|---|');
parsePnpmLock(pnpmLockOf(1000), 'warm-up');
for (const n of SIZES) {
  const text = pnpmLockOf(n);
  let count = 0;
  const ours = timed(() => {
    count = parsePnpmLock(text, 'pnpm-lock.yaml').packages.length;
  });
  if (count !== n) throw new Error(`read ${count} packages of ${n}`);
  const theirs = n <= QUADRATIC_MAX ? `${fmt(timed(() => parse(text)).cpuMs)}` : 'not run (minutes)';
  console.log(
    `| ${n} | ${fmt(text.length / 1e6, 1)} | ${fmt(ours.cpuMs)} | ${fmt(ours.wallMs)} | ${fmt(ours.cpuMs / (n / 1000), 1)} | ${theirs} |`,
  );
}

console.log('\n## gonogo checklist: peak resident memory of the whole process by checklist size\n');
const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-inputs-'));
const reportFile = join(dir, 'report.json');
writeFileSync(reportFile, serializeReport(report()));
const fixtures = fileURLToPath(new URL('../test/fixtures/checklists', import.meta.url));
const real = readFileSync(
  join(
    fixtures,
    readdirSync(fixtures)
      .sort()
      .find((f) => f.startsWith('002'))!,
  ),
  'utf8',
);
console.log('| checklist | bytes | exit | peak RSS MB | wall s |');
console.log('|---|---|---|---|---|');
for (const [name, bytes] of [
  ['real (002, 198 claims)', 0],
  ['at the maximum', CHECKLIST_MAX_BYTES],
  ['20 MB', 20 * 1024 * 1024],
] as const) {
  const text = bytes ? real.repeat(Math.floor(bytes / Buffer.byteLength(real))) : real;
  const file = join(dir, `${bytes}.md`);
  writeFileSync(file, text);
  const t = performance.now();
  const r = await execa(
    'node',
    [
      fileURLToPath(new URL('./peak-rss.mjs', import.meta.url)),
      'checklist',
      file,
      '--report',
      reportFile,
      '--format',
      'json',
    ],
    { reject: false, stdout: 'ignore' },
  );
  const kb = Number(/peak-rss-kb (\d+)/.exec(r.stderr)?.[1]);
  console.log(
    `| ${name} | ${Buffer.byteLength(text)} | ${r.exitCode} | ${fmt(kb / 1024)} | ${fmt((performance.now() - t) / 1000, 1)} |`,
  );
}
