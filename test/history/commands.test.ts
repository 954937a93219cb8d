import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gonogo } from '../helpers/cli.ts';
import { seriesReport, stores, STORE_KINDS, type Kind, type Stores } from './stores.ts';

let s: Stores;
const dir = mkdtempSync(join(tmpdir(), 'gonogo-history-cli-'));
/** Three nightly runs of one branch, the third with p95 over its 200 ms threshold, and one run of another branch. */
const files = [
  seriesReport(0, { p95: 70 }),
  seriesReport(1, { p95: 74 }),
  seriesReport(2, { p95: 260, checks: { 'escrow.webhook-stale': 'fail' } }),
].map((r, i) => {
  const f = join(dir, `r${i}.json`);
  writeFileSync(f, JSON.stringify(r));
  return f;
});
const other = join(dir, 'other.json');
writeFileSync(other, JSON.stringify(seriesReport(9, { p95: 50 })));

beforeAll(async () => {
  s = await stores();
}, 60_000);
afterAll(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI against a store of the given kind: SQLite through --db, PostgreSQL through GONOGO_HISTORY_URL. */
async function cli(kind: Kind) {
  const loc = await s.fresh(kind);
  const env: Record<string, string> = loc.kind === 'postgres' ? { GONOGO_HISTORY_URL: loc.url } : {};
  const db = loc.kind === 'sqlite' ? ['--db', loc.file] : [];
  return (args: string[]) => gonogo([...args, ...db], env);
}

describe.each(STORE_KINDS)('gonogo history on %s', (kind) => {
  it('imports idempotently; trend and compare print what the file commands print for the same reports', async () => {
    const h = await cli(kind);
    const first = await h(['history', 'import', ...files, '--project', 'shop', '--branch', 'main', '--commit', 'abc']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/3 runs recorded, 0 already stored/);
    expect((await h(['history', 'import', ...files, '--project', 'shop', '--branch', 'main'])).out).toMatch(
      /0 runs recorded, 3 already stored/,
    );
    expect((await h(['history', 'import', other, '--project', 'shop', '--branch', 'feature'])).code).toBe(0);

    const trend = await h(['history', 'trend', '--project', 'shop', '--branch', 'main']);
    const fileTrend = await gonogo(['trend', ...files]);
    expect(trend.code).toBe(0);
    expect(trend.out).toBe(fileTrend.out);
    expect(trend.out).toContain('| v1.2.0 | 2026-11-03T03:00:00.000Z | NO-GO | 260 |');
    expect((await h(['history', 'trend', '--branch', 'main', '--last', '2'])).out).toBe(
      (await gonogo(['trend', files[1]!, files[2]!])).out,
    );

    const compare = await h(['history', 'compare', '--branch', 'main']);
    const fileCompare = await gonogo(['compare', files[1]!, files[2]!]);
    expect(compare).toEqual(fileCompare);
    expect(compare.code).toBe(1);
    expect(compare.out).toMatch(/http\.p95/);
    expect(compare.out).toMatch(/escrow\.webhook-stale/);
    const byLabel = await h(['history', 'compare', 'v1.0.0', 'v1.2.0', '--format', 'json']);
    expect(byLabel).toEqual(await gonogo(['compare', files[0]!, files[2]!, '--format', 'json']));
  });

  it('lists with --branch, --last and --since; shows a stored report whole', async () => {
    const h = await cli(kind);
    await h(['history', 'import', ...files, '--project', 'shop', '--branch', 'main', '--commit', 'abc']);
    await h(['history', 'import', other, '--project', 'shop', '--branch', 'feature']);
    const rows = JSON.parse((await h(['history', 'list', '--branch', 'main', '--json'])).out) as Array<{
      label: string;
      p95: number;
      commit_sha: string;
    }>;
    expect(rows.map((r) => [r.label, r.p95, r.commit_sha])).toEqual([
      ['v1.0.0', 70, 'abc'],
      ['v1.1.0', 74, 'abc'],
      ['v1.2.0', 260, 'abc'],
    ]);
    const since = await h(['history', 'list', '--since', '2026-11-02T12:00:00Z', '--last', '1']);
    expect(since.out.split('\n').filter((l) => l.startsWith('| 2026'))).toHaveLength(1);
    expect(since.out).toContain('| feature |');
    const shown = await h(['history', 'show', 'v1.2.0', '--format', 'json']);
    expect(JSON.parse(shown.out)).toEqual(seriesReport(2, { p95: 260, checks: { 'escrow.webhook-stale': 'fail' } }));
  });
});

describe.each(STORE_KINDS)('three real quick runs, the third with the slow flaw, on %s', (kind) => {
  it('history trend shows the p95 regression and history compare names it', async () => {
    const nights = [1, 2, 3].map((i) =>
      fileURLToPath(new URL(`../fixtures/reports/slow-night/night-${i}.json`, import.meta.url)),
    );
    const h = await cli(kind);
    expect((await h(['history', 'import', ...nights, '--branch', 'nightly'])).code).toBe(0);
    const trend = await h(['history', 'trend', '--branch', 'nightly']);
    expect(trend.out).toMatch(/\| night-3 \| [^|]+ \| NO-GO \(incomplete\) \| 312 \|/);
    expect(trend.out).toBe((await gonogo(['trend', ...nights])).out);
    const compare = await h(['history', 'compare', '--branch', 'nightly']);
    expect(compare.code).toBe(1);
    expect(compare.out).toMatch(/Regressions beyond the allowed change[\s\S]*- KPI http\.p95 21\.135 -> 311\.551/);
  });
});

describe('bad input to gonogo history is one paragraph and exit 2', () => {
  it.each([
    [['history', 'list', '--last', '0'], /--last takes a whole number/],
    [['history', 'list', '--since', 'yesterday'], /--since takes a date/],
    [['history', 'show', 'nope'], /no run with id or label "nope"/],
    [['history', 'compare', 'only-one'], /takes two runs/],
    [['history', 'compare'], /needs two runs and none/],
    [['history', 'trend'], /no runs in SQLite .* match/],
    [['history', 'show', 'x', '--format', 'pdf'], /--format must be one of md, json, html/],
    [['history', 'import', '/nonexistent/report.json'], /Input error: .*report/],
    [['serve', '--port', 'eighty'], /--port takes a port number/],
    [
      ['history', 'push', 'r.json', '--server', 'http://gonogo.example.com'],
      /plain http to another machine: the upload token would cross the network in clear/,
    ],
    [['history', 'push', 'r.json', '--server', 'ftp://x'], /--server must be an http\(s\) URL/],
  ])('%j', async (args, message) => {
    const db = join(dir, `bad-${Math.random().toString(36).slice(2)}.sqlite`);
    const r = await gonogo(args[1] === 'push' ? args : [...args, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('a GONOGO_HISTORY_URL that is no PostgreSQL URL, and --db beside it', async () => {
    const r = await gonogo(['history', 'list'], { GONOGO_HISTORY_URL: 'mysql://u:secret@db/x' });
    expect(r).toMatchObject({ code: 2 });
    expect(r.err).toMatch(/GONOGO_HISTORY_URL must be a PostgreSQL URL/);
    expect(r.err).not.toContain('secret');
    expect(
      (await gonogo(['history', 'list', '--db', 'x.sqlite'], { GONOGO_HISTORY_URL: 'postgres://u@127.0.0.1:1/x' })).err,
    ).toMatch(/unset one of them/);
  });
});
