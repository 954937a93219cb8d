import { describe, expect, it } from 'vitest';
import { LoadCollector } from '../../load/collector.ts';
import { mergeResults } from '../../load/merge.ts';
import { accountsSentence, loadNotes, throttleSentence } from '../../reports/render/load-status.ts';
import { renderConsole, renderMarkdown } from '../../reports/render/index.ts';
import { renderHtml } from '../../reports/html/report.ts';
import { LoadResult, Report, type LoadAccounts } from '../../core/report-schema.ts';
import { report } from '../helpers/report.ts';

/** A run of `vus` VUs: per endpoint, how many responses of each status (0 = network error). */
function run(vus: number, statuses: Record<string, Record<number, number>>, accounts?: LoadAccounts): LoadResult {
  const c = new LoadCollector(0);
  let t = 0;
  for (const [name, byStatus] of Object.entries(statuses)) {
    for (const [status, n] of Object.entries(byStatus)) {
      for (let i = 0; i < n; i++) c.record(name, 'GET', 5, Number(status) !== 200, (t++ % 10) * 1000, Number(status));
    }
  }
  return LoadResult.parse({
    ...c.toResult({ engine: 'autocannon', vus, durationS: 10 }),
    ...(accounts ? { accounts } : {}),
  });
}

const shared: LoadAccounts = { source: 'journey', size: 1 };
const pool: LoadAccounts = { source: 'register', size: 50, setupMs: 4200 };

describe('the status breakdown sentences', () => {
  it('says the target throttled the load when the errors are mostly 429, with advice fitting the accounts used', () => {
    const throttled = { 'list-orders': { 200: 180, 429: 640 }, login: { 200: 30 }, health: { 200: 150 } };
    expect(throttleSentence(run(50, throttled, shared))).toBe(
      '64% of responses were 429 Too Many Requests: the target throttled the load; give each VU its own account (load.accounts) or allowlist the load generator.',
    );
    expect(throttleSentence(run(50, throttled, pool))).toBe(
      '64% of responses were 429 Too Many Requests: the target throttled the load; each VU had its own account, so the limit is not per user alone: raise it for the load accounts or allowlist the load generator.',
    );
    expect(throttleSentence(run(50, throttled))).toMatch(
      /throttled the load; allowlist the load generator \(load\.sourceAddress\) or lower the load\.$/,
    );
  });
  it('stays quiet when 429s are a trickle or not most of the errors', () => {
    expect(throttleSentence(run(50, { a: { 200: 995, 429: 5 } }, shared))).toBeNull();
    expect(throttleSentence(run(50, { a: { 200: 800, 429: 90, 500: 110 } }, shared))).toBeNull();
    expect(throttleSentence(run(50, { a: { 200: 800, 429: 110, 500: 60, 0: 30 } }, shared))).toBe(
      '11% of responses were 429 Too Many Requests: the target throttled the load; give each VU its own account (load.accounts) or allowlist the load generator.',
    );
  });
  it('says whose accounts the VUs used', () => {
    const r = (a: LoadAccounts, vus = 50) => accountsSentence(run(vus, { a: { 200: 1 } }, a));
    expect(r(shared)).toBe(
      'All 50 VUs logged in as the one account written in the journeys (no load.accounts pool): a target that limits per user throttles them together.',
    );
    expect(r({ source: 'list', size: 1 })).toBe(
      'All 50 VUs logged in as one account from load.accounts.list: a target that limits per user throttles them together.',
    );
    expect(r({ source: 'listEnv', size: 20 })).toBe(
      '50 VUs shared 20 accounts from load.accounts.listEnv (VU i used account i mod 20).',
    );
    expect(r(pool)).toBe(
      'Each of the 50 VUs logged in as its own account from load.accounts.register (registered and verified by gonogo in 4.2 s).',
    );
    expect(r({ source: 'register', size: 48, requested: 50, setupMs: 9000 })).toBe(
      '50 VUs shared 48 accounts from load.accounts.register (VU i used account i mod 48) (registered and verified by gonogo in 9.0 s; 50 were asked for).',
    );
    expect(accountsSentence(run(50, { a: { 200: 1 } }))).toBeNull();
    expect(loadNotes(run(50, { a: { 200: 1 } }, pool))).toEqual([
      { text: expect.stringMatching(/^Each of the 50 VUs/), warn: false },
    ]);
  });
});

describe('renderers show the breakdown per endpoint', () => {
  const load = run(50, { 'list-orders': { 200: 180, 429: 640, 401: 3, 0: 2 }, login: { 200: 50 } }, shared);
  const r = Report.parse(report({ load }));

  it('in report.md: a row per endpoint with classes and top codes, and the sentences', () => {
    const md = renderMarkdown(r);
    expect(md).toContain(
      '| endpoint | requests | errors | 2xx | 3xx | 4xx | 5xx | network | 1xx | top statuses | p95 |',
    );
    expect(md).toContain('| GET list-orders | 825 | 645 | 180 | 0 | 643 | 0 | 2 | 0 | 429 ×640, 200 ×180, 401 ×3 | ');
    expect(md).toContain('| GET login | 50 | 0 | 50 | 0 | 0 | 0 | 0 | 0 | 200 ×50 | ');
    expect(md).toContain(
      '> ⚠️ 73% of responses were 429 Too Many Requests: the target throttled the load; give each VU its own account (load.accounts) or allowlist the load generator.',
    );
    expect(md).toContain('> ⚠️ All 50 VUs logged in as the one account');
  });
  it('in the HTML page and the console summary', () => {
    const html = renderHtml(r);
    expect(html).toMatch(
      /<table id="load-endpoints"><tr><th>Endpoint<\/th><th>Requests<\/th><th>Errors<\/th><th>2xx<\/th><th>3xx<\/th><th>4xx<\/th><th>5xx<\/th><th>network<\/th><th>1xx<\/th><th>Top statuses<\/th>/,
    );
    expect(html).toContain(
      '<td class="num">643</td><td class="num">0</td><td class="num">2</td><td class="num">0</td><td>429 ×640, 200 ×180, 401 ×3</td>',
    );
    expect(html).toContain('<div class="warning">73% of responses were 429 Too Many Requests');
    const text = renderConsole(r);
    expect(text).toContain('  GET list-orders: 825 req (2xx 180, 4xx 643, network 2); top 429 ×640, 200 ×180, 401 ×3');
    expect(text).not.toContain('GET login:');
    expect(text).toContain('  73% of responses were 429 Too Many Requests');
  });
  it('leave the columns empty for a report written before the breakdown existed', () => {
    const old = {
      ...load,
      endpoints: load.endpoints.map(({ statusClasses: _c, statusCodes: _s, ...e }) => e),
      accounts: undefined,
    };
    const md = renderMarkdown(Report.parse(report({ load: old })));
    expect(md).toContain('| GET login | 50 | 0 | — | — | — | — | — | — | — | ');
    expect(md).not.toContain('429 Too Many Requests');
    // Merging an old shard with a new one cannot count statuses exactly: the merged endpoint has none.
    const merged = mergeResults([old, load]);
    expect(merged.endpoints.every((e) => e.statusCodes === undefined && e.statusClasses === undefined)).toBe(true);
    expect(mergeResults([load, load]).endpoints.find((e) => e.name === 'list-orders')!.statusCodes).toEqual([
      { status: 429, count: 1280 },
      { status: 200, count: 360 },
      { status: 401, count: 6 },
    ]);
  });
});
