import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from '@playwright/test';
import { renderHtml } from '../../../reports/html/report.ts';
import { buildTrend, renderTrendHtml } from '../../../reports/trend/trend.ts';
import { compareReports } from '../../../reports/compare/compare.ts';
import { renderCompareHtml } from '../../../reports/compare/render.ts';
import { judgeChecklist } from '../../../reports/checklist/judge.ts';
import { check, makeReport } from '../compare/fixtures.ts';

const OUT = resolve('test-results/html');
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a page from disk with every request routed: anything but the file itself or data: fails the test. */
async function open(name: string, html: string) {
  const file = join(OUT, `${name}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== url && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url || u.startsWith('data:')) return route.continue();
    foreign.push(u);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  return { page, errors, foreign };
}

describe('self-contained HTML in headless Chromium', () => {
  const clean = makeReport({ label: 'v1.0.0', p95: 110 });
  const flawed = makeReport({
    label: 'v1.1.0',
    p95: 260,
    errorRate: 0.002,
    rateLimit: null,
    startedAt: '2025-02-10T10:00:00.000Z',
    checks: {
      'ratelimit.api': check('ratelimit.api', 'fail', {
        expected: '429 after 100 requests',
        actual: 'no 429 after 150 requests',
        requests: [
          { method: 'POST', url: 'https://127.0.0.1:8443/api/auth/login', status: 200, role: 'control' },
          ...Array.from({ length: 100 }, () => ({
            method: 'GET',
            url: 'https://127.0.0.1:8443/api/orders',
            status: 200,
            excerpt: '<script>alert(1)</script>',
            role: 'probe' as const,
          })),
          {
            method: 'GET',
            url: `https://127.0.0.1:8443/api/orders?token=[redacted]&filter=${'x'.repeat(400)}`,
            status: 429,
            excerpt: JSON.stringify({ detail: 'y'.repeat(600) }),
            role: 'probe',
          },
        ],
      }),
    },
  });
  flawed.verdict = {
    decision: 'NO-GO',
    complete: true,
    reasons: ['blocker ratelimit.api failed: The API answers 429 with Retry-After past the documented limit'],
  };
  flawed.checklist = [
    judgeChecklist(
      '004.md',
      '## Security\n- [x] Rate limiting configured (100 req/min)\n- [x] HSTS with preload\n- [ ] Marketing copy proofread\n- [ ] Check rate limiting',
      flawed,
    ),
  ];

  it('the run report renders the verdict header, KPIs, checks by outcome, three load charts; no console error, no network', async () => {
    const { page, errors, foreign } = await open('report', renderHtml(flawed));
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    expect(await page.locator('#verdict .decision').textContent()).toBe('NO-GO');
    expect(await page.locator('#kpis tr').count()).toBe(flawed.kpis.length + 1);
    expect(await page.locator('#failing details#check-ratelimit_api[open]').count()).toBe(1);
    // 100 identical probes are one line with their count; the control login is labelled as such.
    const lines = page.locator('#check-ratelimit_api li.exchange');
    expect(await lines.count()).toBe(3);
    expect(await lines.nth(0).locator('.role').textContent()).toBe('control');
    expect(await lines.nth(1).locator('.role').textContent()).toBe('probe');
    expect(await lines.nth(1).locator('.count').textContent()).toBe('×100');
    expect(await lines.nth(2).locator('.count').count()).toBe(0);
    // A long URL and body wrap inside their box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    expect(await page.locator('.uplot').count()).toBe(3);
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(3);
    // evidence is escaped, never executed
    expect(await page.getByText('<script>alert(1)</script>').count()).toBe(1);
    expect(await page.locator('summary.s-contradicted').textContent()).toContain('Contradicted');
    // an unticked item whose evidence fails is shown open, beside the claimed-but-failing one
    expect(await page.locator('summary.s-fail').textContent()).toMatch(/^Open and failing: .*\(1\)$/);
    expect(await page.getByRole('cell', { name: 'Check rate limiting', exact: true }).isVisible()).toBe(true);
    expect(await page.getByText('Evidence coverage: 3 of 4 claims have evidence (75%)').count()).toBe(1);
    await page.close();
  });

  it('the trend page renders per-release charts and the check matrix; no console error, no network', async () => {
    const middle = makeReport({ label: 'v1.0.1', p95: 130, startedAt: '2025-01-20T10:00:00.000Z' });
    const { page, errors, foreign } = await open('trend', renderTrendHtml(buildTrend([flawed, clean, middle])));
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    expect(await page.locator('#releases tr td:first-child').allTextContents()).toEqual(['v1.0.0', 'v1.0.1', 'v1.1.0']);
    expect(await page.locator('.uplot').count()).toBe(3);
    expect(await page.locator('#matrix tr').count()).toBe(flawed.checks.length + 1);
    // Rates and latencies are drawn from zero; the three reports test one target, so no warning says otherwise.
    const mins = await page.evaluate(() =>
      Object.values(
        (window as unknown as { gonogoCharts: Record<string, { scales: { y: { min: number } } }> }).gonogoCharts,
      ).map((u) => u.scales.y.min),
    );
    expect(mins).toEqual([0, 0, 0]);
    expect(await page.locator('.warning').count()).toBe(0);
    await page.close();
  });

  it('the trend page of thirty releases does not scroll sideways at 1280 px', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      makeReport({
        label: `v1.${i}.0-rc.${i}`,
        p95: 100 + i,
        startedAt: `2025-01-${String(i + 1).padStart(2, '0')}T10:00:00.000Z`,
      }),
    );
    const { page, errors } = await open('trend-many', renderTrendHtml(buildTrend(many)));
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await page.close();
  });

  it('the compare page renders without console errors or network', async () => {
    const { page, errors, foreign } = await open('compare', renderCompareHtml(compareReports(clean, flawed)));
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    expect(await page.locator('.banner.nogo').count()).toBe(1);
    await page.close();
  });

  it('a report without load renders without charts and without the uPlot bundle', () => {
    const html = renderHtml(makeReport({ load: false }));
    expect(html).not.toContain('uPlot');
    expect(html).toContain('id="verdict"');
  });
});
