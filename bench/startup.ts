/**
 * gonogo start-up benchmark (`npm run bench:startup`, part of `npm run bench`): median wall time and CPU of 10 runs
 * of the built command (`npm run build` first), beside a bare `node -e 0` so the figures can be read on a busy
 * machine. Measured by hyperfine when it is installed (apt-get install hyperfine), otherwise by a plain loop of
 * runs timed here (wall time only).
 *
 *   GONOGO_BENCH_BIN=/path/to/app/node_modules/.bin/gonogo npm run bench:startup   # an installed tarball too
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = 10;
const BIN = fileURLToPath(new URL('../dist/bin/gonogo.js', import.meta.url));
if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: run \`npm run build\` first`);
  process.exit(2);
}

const commands: Array<[string, string[]]> = [
  ['node -e 0 (Node itself)', [process.execPath, '-e', '0']],
  ['gonogo --version', [process.execPath, BIN, '--version']],
  ['gonogo --help', [process.execPath, BIN, '--help']],
  ['gonogo audit headers --help', [process.execPath, BIN, 'audit', 'headers', '--help']],
];
const installed = process.env.GONOGO_BENCH_BIN;
if (installed) commands.push(['installed: node_modules/.bin/gonogo --version', [installed, '--version']]);

const quote = (a: string) => (/^[\w./=:@-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;

console.log(`# gonogo start-up (median of ${RUNS} runs, node ${process.version})\n`);
const hyperfine = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
if (hyperfine.status === 0) {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-startup-'));
  const out = join(dir, 'startup.json');
  const r = spawnSync(
    'hyperfine',
    [
      '-N',
      '--warmup',
      '2',
      '--runs',
      String(RUNS),
      '--export-json',
      out,
      ...commands.map(([, argv]) => argv.map(quote).join(' ')),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
  const results = (
    JSON.parse(readFileSync(out, 'utf8')) as { results: Array<{ median: number; user: number; system: number }> }
  ).results;
  rmSync(dir, { recursive: true, force: true });
  console.log(`measured with ${hyperfine.stdout.trim()}\n`);
  console.log('| command | median wall | mean CPU (user + system) |\n| --- | ---: | ---: |');
  for (const [i, x] of results.entries())
    console.log(`| ${commands[i]![0]} | ${ms(x.median)} | ${ms(x.user + x.system)} |`);
} else {
  console.log('hyperfine is not installed: wall time of a plain loop\n');
  console.log('| command | median wall |\n| --- | ---: |');
  for (const [name, [cmd, ...args]] of commands) {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const t = performance.now();
      const r = spawnSync(cmd!, args, { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
      if (i >= 2) times.push((performance.now() - t) / 1000); // two warm-up runs
    }
    console.log(`| ${name} | ${ms(median(times))} |`);
  }
}
