import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineRegressions, compareReports } from '../../../reports/compare/compare.ts';
import { renderCompareHtml, renderCompareJson, renderCompareMd } from '../../../reports/compare/render.ts';
import { directionOf, exceeds, parseTolerance } from '../../../reports/compare/tolerance.ts';
import { main } from '../../../cli/main.ts';
import { check, makeReport } from './fixtures.ts';
import { buildTrend, renderTrendMd } from '../../../reports/trend/trend.ts';
import type { SkipKind } from '../../../core/report-schema.ts';

const tls = (on11: boolean) =>
  check('tls.protocols', on11 ? 'fail' : 'pass', {
    actual: on11 ? 'accepted: TLSv1.1, TLSv1.2, TLSv1.3' : 'accepted: TLSv1.2, TLSv1.3',
    details: { protocols: { TLSv1: false, 'TLSv1.1': on11, 'TLSv1.2': true, 'TLSv1.3': true } },
  });
const hsts = (age: number) =>
  check('headers.hsts', age >= 31536000 ? 'pass' : 'fail', {
    actual: `https://127.0.0.1:8443/: max-age=${age}; includeSubDomains; preload`,
  });

describe('tolerances', () => {
  it('reads relative and absolute tolerances and the direction of a threshold', () => {
    expect(parseTolerance('10%')).toEqual({ kind: 'relative', value: 0.1, text: '10%' });
    expect(parseTolerance('+0.0005')).toEqual({ kind: 'absolute', value: 0.0005, text: '+0.0005' });
    expect(directionOf('http_req_duration: p(95)<200')).toBe('lower-is-better');
    expect(directionOf('checks: rate>0.99')).toBe('higher-is-better');
    expect(directionOf('ratelimit_api_limit: value>=90 and value<=110')).toBe('band');
    expect(exceeds(100, 110, parseTolerance('10%')!, 'lower-is-better')).toBe(false);
    expect(exceeds(100, 111, parseTolerance('10%')!, 'lower-is-better')).toBe(true);
    expect(exceeds(0.0001, 0.0007, parseTolerance('+0.0005')!, 'lower-is-better')).toBe(true);
    expect(exceeds(0.0001, 0.0005, parseTolerance('+0.0005')!, 'lower-is-better')).toBe(false);
  });
});

describe('compareReports', () => {
  const oldR = makeReport({
    label: 'v1.0.0',
    p95: 100,
    checks: {
      'tls.protocols': tls(false),
      'headers.hsts': hsts(31536000),
      'escrow.webhook-stale': 'fail',
      'cors.foreign-origin': 'fail',
    },
    drop: ['headers.sri'],
  });
  const newR = makeReport({
    label: 'v1.1.0',
    p95: 125,
    errorRate: 0.0004,
    highAdvisories: 2,
    startedAt: '2025-02-10T10:00:00.000Z',
    checks: {
      'tls.protocols': tls(true),
      'headers.hsts': hsts(300),
      'escrow.webhook-stale': 'fail',
      'cors.foreign-origin': 'pass',
      'ratelimit.api': 'error',
      'auth.team-sso': 'fail',
    },
    drop: ['config.docs-hidden'],
  });
  const c = compareReports(oldR, newR);

  it('puts KPIs side by side with absolute and relative change and flags regressions by tolerance', () => {
    const p95 = c.kpis.find((k) => k.id === 'http.p95')!;
    expect(p95).toMatchObject({ old: 100, new: 125, abs: 25, rel: 0.25, tolerance: '10%', regression: true });
    // +0.04 points of error rate is inside the default +0.05 points
    expect(c.kpis.find((k) => k.id === 'http.errors')).toMatchObject({
      old: 0,
      new: 0.0004,
      tolerance: '+0.0005',
      regression: false,
    });
    // no tolerance applies: a KPI regresses when it newly fails
    expect(c.kpis.find((k) => k.id === 'deps.high')).toMatchObject({
      old: 0,
      new: 2,
      tolerance: null,
      regression: true,
      note: 'passed before, fails now',
    });
  });

  it('names each KPI change as regressed, improved or within the allowed change, in the unit of the metric', () => {
    const result = (a: ReturnType<typeof compareReports>, id: string) => a.kpis.find((k) => k.id === id)!;
    expect(result(c, 'http.p95')).toMatchObject({ result: 'regressed', unit: 'ms' });
    expect(result(c, 'http.errors')).toMatchObject({ result: 'within allowed change', unit: 'ratio' });
    const back = compareReports(newR, oldR);
    expect(result(back, 'http.p95')).toMatchObject({ result: 'improved', abs: -25 });
    const md = renderCompareMd(c);
    expect(md).toContain('| KPI | Old | New | Change | Allowed change | Result |');
    expect(md).not.toMatch(/Tolerance|Relative/);
    const row = (text: string, id: string) => text.split('\n').find((l) => l.startsWith(`| ${id} |`));
    expect(row(md, 'http.p95')).toBe(
      '| http.p95 | 100 ms | 125 ms | +25 ms (+25.0%) | up to 10% higher | regressed (worse by more than the 10% tolerance) |',
    );
    // a ratio's change is in percentage points, its allowance too
    expect(row(md, 'http.errors')).toMatch(
      /^\| http.errors \| 0% \| 0.04% \| \+0.04 pp \| up to 0.05 pp higher \| within allowed change/,
    );
    expect(row(renderCompareMd(back), 'http.p95')).toContain(
      '| 125 ms | 100 ms | -25 ms (-20.0%) | up to 10% higher | improved |',
    );
    expect(row(md, 'deps.high')).toContain('| none: regresses if it newly fails | regressed;');
    const html = renderCompareHtml(c);
    expect(html).toContain('<th>Allowed change</th><th>Result</th>');
    expect(html).not.toContain('<th>Tolerance</th>');
  });

  it('classifies checks by id: newly failing, fixed, persisting, new, removed', () => {
    const ids = (k: keyof typeof c.checks) => (c.checks[k] as Array<{ id: string }>).map((x) => x.id).sort();
    expect(ids('newlyFailing')).toEqual(['headers.hsts', 'ratelimit.api', 'tls.protocols']);
    expect(ids('fixed')).toEqual(['cors.foreign-origin']);
    expect(ids('persisting')).toEqual(['escrow.webhook-stale']);
    expect(ids('added')).toEqual(['auth.team-sso', 'headers.sri']);
    expect(ids('removed')).toEqual(['config.docs-hidden']);
  });

  it('names security drift in words', () => {
    expect(c.drift).toEqual([
      'TLS 1.1 re-enabled',
      'HSTS max-age dropped from 31536000 to 300',
      '2 new high advisories',
    ]);
  });

  it('lists every regression; the baseline gate returns the same words', () => {
    expect(c.regressions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^KPI http.p95 100 -> 125/),
        expect.stringMatching(/^KPI deps.high 0 -> 2/),
        expect.stringMatching(/^check tls.protocols newly fails/),
        expect.stringMatching(/^check ratelimit.api newly errors/),
        'new check auth.team-sso fails',
      ]),
    );
    expect(baselineRegressions(oldR, newR)).toEqual(c.regressions);
    // +5% p95 is inside the 10% tolerance; nothing newly fails
    expect(
      baselineRegressions(
        oldR,
        makeReport({ p95: 105, checks: { 'tls.protocols': tls(false), 'headers.hsts': hsts(31536000) } }),
      ),
    ).toEqual([]);
  });

  it('a report compared with itself has no regression; per-KPI tolerances from the KPI file apply', () => {
    expect(compareReports(newR, newR).regressions).toEqual([]);
    expect(
      compareReports(
        oldR,
        makeReport({
          p95: 125,
          checks: {
            'tls.protocols': tls(false),
            'headers.hsts': hsts(31536000),
            'escrow.webhook-stale': 'fail',
            'cors.foreign-origin': 'fail',
          },
          drop: ['headers.sri'],
        }),
        { 'http.p95': '30%', 'http.mean': '30%', 'http.p99': '30%' },
      ).regressions,
    ).toEqual([]);
  });

  it('says so when both sides are the same run, in compare and in trend', () => {
    const same = compareReports(newR, newR);
    expect(same.comparable).toBe(false);
    expect(same.warnings).toEqual([
      expect.stringMatching(/^both reports are run run-v1.1.0: there is nothing to compare/),
    ]);
    expect(buildTrend([oldR, newR, newR]).warnings).toContainEqual(
      expect.stringMatching(/the same run is given more than once: run-v1.1.0 \(2 times\)/),
    );
  });

  it('says first when the runs are not comparable', () => {
    const other = makeReport({
      engine: 'autocannon',
      vus: 10,
      kpiSha: 'b'.repeat(64),
      baseUrl: 'https://staging.test',
    });
    const cmp = compareReports(oldR, other);
    expect(cmp.comparable).toBe(false);
    expect(cmp.warnings).toEqual([
      'load profile differs: 50 VUs for 5m vs 10 VUs for 5m',
      'load engine differs: k6 vs autocannon',
      expect.stringMatching(/^KPI file differs/),
      'target differs: https://127.0.0.1:8443 vs https://staging.test',
    ]);
    // two runs of the bundled reference platform are the same target, whatever free port each got
    const ref = (port: number) => {
      const r = makeReport({ baseUrl: `https://127.0.0.1:${port}`, label: String(port) });
      r.run.provenance.reference = { flaws: [] };
      return r;
    };
    expect(compareReports(ref(35535), ref(32859)).warnings).toEqual([]);
    const md = renderCompareMd(cmp);
    expect(md.indexOf('Not comparable')).toBeGreaterThan(0);
    expect(md.indexOf('Not comparable')).toBeLessThan(md.indexOf('Verdict'));
    const html = renderCompareHtml(cmp);
    expect(html.indexOf('id="not-comparable"')).toBeLessThan(html.indexOf('class="banner'));
    expect(JSON.parse(renderCompareJson(cmp)).comparable).toBe(false);
  });
});

describe('gonogo compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-compare-'));
  const write = (name: string, data: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
    return p;
  };
  const clean = write('clean.json', makeReport({ label: 'v1' }));
  const flawed = write(
    'flawed.json',
    makeReport({ label: 'v2', rateLimit: null, checks: { 'ratelimit.api': 'fail' } }),
  );
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, {
      out: (s) => {
        out.push(s);
      },
      err: (s) => {
        err.push(s);
      },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('exits 1 on a regression, 0 without', async () => {
    const bad = await run(['compare', clean, flawed]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('check ratelimit.api newly fails');
    expect((await run(['compare', clean, clean, '--format', 'json'])).code).toBe(0);
    const fixedRun = await run(['compare', flawed, clean, '--format', 'html']);
    expect(fixedRun.code).toBe(0);
    expect(fixedRun.out).toMatch(/^<!doctype html>/);
  });

  it('exits 2 with a clear message on a corrupt, wrong-version, schema-invalid or missing file, or a bad format', async () => {
    const corrupt = write('corrupt.json', '{"schemaVersion": 1, "tool": ');
    const v2 = write('v2.json', { ...makeReport(), schemaVersion: 2 });
    const invalid = write('invalid.json', { ...makeReport(), checks: [{ id: 'NOT AN ID' }] });
    for (const [file, msg] of [
      [corrupt, /not valid JSON/],
      [v2, /schemaVersion 2/],
      [invalid, /does not match the report schema/],
      [join(dir, 'nope.json'), /cannot read the report/],
    ] as const) {
      const r = await run(['compare', clean, file]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
    }
    expect((await run(['compare', clean, clean, '--format', 'pdf'])).code).toBe(2);
  });

  it('reads a report saved with a UTF-8 BOM (as Windows editors save it) like the original', async () => {
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(flawed)]));
    const plain = await run(['compare', clean, flawed, '--format', 'json']);
    const withBom = await run(['compare', clean, bom, '--format', 'json']);
    expect({ code: withBom.code, err: withBom.err }).toEqual({ code: 1, err: '' });
    expect(withBom.out).toBe(plain.out);
  });
});

describe('gonogo trend', () => {
  it('prints the per-release table, writes the HTML page, and exits 2 on a corrupt report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-trend-'));
    const a = join(dir, 'a.json');
    writeFileSync(a, JSON.stringify(makeReport({ label: 'v1', p95: 100 })));
    const b = join(dir, 'b.json');
    writeFileSync(b, JSON.stringify(makeReport({ label: 'v2', p95: 140, startedAt: '2025-03-01T10:00:00.000Z' })));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, 'not json');
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (s: string) => {
        out.push(s);
      },
      err: (s: string) => {
        err.push(s);
      },
    };
    const html = join(dir, 'trend.html');
    expect(await main(['trend', b, a, '--html', html], io)).toBe(0);
    expect(out.join('\n')).toMatch(/\| v1 \|.*\| 100 \|[\s\S]*\| v2 \|.*\| 140 \|/);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/);
    expect(await main(['trend', a, bad], io)).toBe(2);
    expect(err.join('')).toMatch(/not valid JSON/);
  });
});

describe('skips by kind in compare and trend', () => {
  const skipped = (id: string, kind: SkipKind) => ({
    ...check(id, 'skip', { message: `${kind} reason` }),
    skip: { kind, reason: `${kind} reason` },
  });
  const older = makeReport({
    label: 'v1',
    checks: {
      'auth.openapi-sweep': 'fail',
      'auth.refresh-rotation': 'pass',
      'browser.cookies': check('browser.cookies', 'skip', { message: 'no Chromium' }),
    },
  });
  const newer = makeReport({
    label: 'v2',
    startedAt: '2025-03-01T10:00:00.000Z',
    checks: {
      'auth.openapi-sweep': skipped('auth.openapi-sweep', 'not-configured'),
      'auth.refresh-rotation': skipped('auth.refresh-rotation', 'not-applicable'),
      'browser.cookies': skipped('browser.cookies', 'not-applicable'),
    },
  });

  it('puts a check that ran before and skips now under "no longer checked" with its kind, and never calls a skipped failure fixed', () => {
    const c = compareReports(older, newer);
    expect(c.checks.fixed).toEqual([]);
    expect(c.checks.noLongerChecked.map((x) => [x.id, x.old, x.new, x.newSkip]).sort()).toEqual([
      ['auth.openapi-sweep', 'fail', 'skip', 'not-configured'],
      ['auth.refresh-rotation', 'pass', 'skip', 'not-applicable'],
    ]);
    expect(renderCompareMd(c)).toContain('- `auth.openapi-sweep` fail -> skip (not configured)');
    // An old report's skip without a kind reads as could-not-run.
    expect(compareReports(older, older).checks.noLongerChecked).toEqual([]);
  });

  it('reads a report written before skips had kinds: compare and trend from files, its skip as could-not-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-skip-kinds-'));
    const oldFile = join(dir, 'old.json');
    writeFileSync(oldFile, JSON.stringify(older));
    const newFile = join(dir, 'new.json');
    writeFileSync(newFile, JSON.stringify(newer));
    expect(
      JSON.parse(readFileSync(oldFile, 'utf8')).checks.find((c: { id: string }) => c.id === 'browser.cookies'),
    ).not.toHaveProperty('skip');
    const out: string[] = [];
    const io = {
      out: (t: string) => {
        out.push(t);
      },
      err: (t: string) => {
        out.push(t);
      },
    };
    expect(await main(['compare', oldFile, newFile], io)).toBe(0);
    expect(out.join('\n')).toContain('## Checks');
    expect(out.join('\n')).toContain('fail -> skip (not configured)');
    out.length = 0;
    expect(await main(['trend', oldFile, newFile], io)).toBe(0);
    expect(out.join('\n')).toContain('| browser.cookies | SKIP (could not run) | SKIP (not applicable) |');
  });

  it('shows the kind in the trend matrix and leaves out a check that never applied', () => {
    const t = buildTrend([older, newer]);
    expect(t.matrix.find((m) => m.id === 'browser.cookies')).toEqual({
      id: 'browser.cookies',
      statuses: ['skip', 'skip'],
      skips: ['could-not-run', 'not-applicable'],
    });
    const md = renderTrendMd(t);
    expect(md).toContain('| browser.cookies | SKIP (could not run) | SKIP (not applicable) |');
    expect(md).toContain('| auth.openapi-sweep | FAIL | SKIP (not configured) |');
    expect(renderTrendMd(buildTrend([newer]))).not.toContain('| auth.refresh-rotation |');
  });
});
