import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from '@playwright/test';
import { HistoryConfig } from '../../config/history.ts';
import { startServer, type RunningServer } from '../../history/server.ts';
import { HistoryStore } from '../../history/store.ts';
import { gonogo } from '../helpers/cli.ts';
import { seriesReport, stores, STORE_KINDS, type Stores } from './stores.ts';

const NIGHTS = [1, 2, 3].map((i) =>
  fileURLToPath(new URL(`../fixtures/reports/slow-night/night-${i}.json`, import.meta.url)),
);

/** The dashboard in Debian's Chromium at 1280x800, over a store of nine nightly runs; screenshots are kept in test-results/. */
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'];
const VIEWPORT = { width: 1280, height: 800 };
const SHOTS = fileURLToPath(new URL('../../test-results/history-dashboard/', import.meta.url));
let browser: Browser;
let s: Stores;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [s, browser] = await Promise.all([stores(), chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS })]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** Nine nights of shop/main: escrow.webhook-stale fails from the seventh (commit c6), ratelimit.login flips, the last night is slow. */
async function fill(store: HistoryStore): Promise<void> {
  for (let i = 0; i < 9; i++) {
    const checks: Record<string, 'pass' | 'fail'> = { 'ratelimit.login': i % 2 ? 'fail' : 'pass' };
    if (i >= 6) checks['escrow.webhook-stale'] = 'fail';
    await store.record(seriesReport(i, { p95: i === 8 ? 320 : 70 + i, checks }), {
      project: 'shop',
      branch: 'main',
      commit: `c${i}`,
    });
  }
  await store.record(seriesReport(0, { day0: 20 }), { project: 'blog', branch: 'main', commit: 'b0' });
}

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe.each(STORE_KINDS)('the history dashboard on %s, in Chromium at 1280x800', (kind) => {
  let server: RunningServer;
  beforeAll(async () => {
    const loc = await s.fresh(kind);
    const store = await HistoryStore.open(loc);
    await fill(store);
    await store.close();
    // Three real quick runs of the bundled platform, the third with its slow-response flaw on, imported by the CLI.
    const cli = await gonogo(
      [
        'history',
        'import',
        ...NIGHTS,
        '--project',
        'reference',
        '--branch',
        'nightly',
        ...(loc.kind === 'sqlite' ? ['--db', loc.file] : []),
      ],
      loc.kind === 'postgres' ? { GONOGO_HISTORY_URL: loc.url } : {},
    );
    expect(cli.code, cli.err).toBe(0);
    server = await startServer({
      location: loc,
      config: HistoryConfig.parse({}),
      host: '127.0.0.1',
      port: 0,
      log: () => undefined,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('open, filter, click through to the branch: the p95 chart shows the slow night against its threshold line; compare two runs; open a full report', async () => {
    const { page, errors } = await open(server.url);
    expect(await page.locator('#branches tr[data-project]').count()).toBe(3);
    await page.selectOption('#filter-project', 'shop');
    await Promise.all([page.waitForURL(/project=shop/), page.click('form.filters button')]);
    const rows = page.locator('#branches tr[data-project]');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/shop \/ main.*v1\.8\.0.*NO-GO.*320/);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, `${kind}-home.png`), fullPage: true });

    await Promise.all([page.waitForURL(/\/branch\?/), page.click('text=shop / main')]);
    const latency = await page.evaluate(() => {
      const c = (
        window as unknown as {
          gonogoCharts: Record<string, { series: Array<{ label: string }>; data: Array<Array<number | null>> }>;
        }
      ).gonogoCharts['chart-latency']!;
      return { labels: c.series.map((x) => x.label), data: c.data };
    });
    expect(latency.labels).toEqual(['release', 'p95 ms', 'http.p95: p(95) < 200 ms']);
    expect(latency.data[1]).toEqual([70, 71, 72, 73, 74, 75, 76, 77, 320]);
    expect(latency.data[2]).toEqual(Array(9).fill(200));
    const p99 = await page.evaluate(() =>
      (window as unknown as { gonogoCharts: Record<string, { series: Array<{ label: string }> }> }).gonogoCharts[
        'chart-p99'
      ]!.series.map((x) => x.label),
    );
    expect(p99).toEqual(['release', 'p99 ms', 'http.p99: p(99) < 2000 ms']);
    const charts = await page.evaluate(() => Object.keys((window as unknown as { gonogoCharts: object }).gonogoCharts));
    expect(charts).toEqual(expect.arrayContaining(['chart-errors', 'chart-rps', 'chart-failing', 'chart-kpi-0']));
    expect(await page.locator('#failing').textContent()).toMatch(/escrow\.webhook-stale.*v1\.6\.0.*c6/);
    expect(await page.locator('#flaky').textContent()).toMatch(/ratelimit\.login\s*8/);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, `${kind}-branch.png`), fullPage: true });

    await Promise.all([page.waitForURL(/\/check\?/), page.click('#failing a:has-text("escrow.webhook-stale")')]);
    expect(await page.locator('#since').textContent()).toMatch(/Failing since v1\.6\.0 .*commit c6: 3 runs in a row/);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.goBack();

    await page.selectOption('#compare-a', { label: /^v1\.2\.0/ } as never).catch(async () => {
      const value = await page.locator('#compare-a option', { hasText: 'v1.2.0' }).getAttribute('value');
      await page.selectOption('#compare-a', value!);
    });
    await Promise.all([page.waitForURL(/\/compare\?/), page.click('#compare-form button')]);
    const text = await page.textContent('body');
    expect(text).toMatch(/v1\.2\.0/);
    expect(text).toMatch(/http\.p95/);
    expect(text).toMatch(/escrow\.webhook-stale/);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, `${kind}-compare.png`), fullPage: true });

    await page.goto(new URL('branch?project=shop&branch=main', server.url).href);
    await Promise.all([page.waitForURL(/\/run\//), page.click('#runs a:has-text("v1.8.0")')]);
    expect(await page.textContent('.banner')).toMatch(/NO-GO/);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('three real quick runs, the third with the slow flaw: the p95 chart shows its point above the 200 ms threshold line', async () => {
    const { page, errors } = await open(new URL('branch?project=reference&branch=nightly', server.url).href);
    const latency = await page.evaluate(() => {
      const c = (
        window as unknown as {
          gonogoCharts: Record<string, { series: Array<{ label: string }>; data: Array<Array<number | null>> }>;
        }
      ).gonogoCharts['chart-latency']!;
      return { labels: c.series.map((x) => x.label), data: c.data };
    });
    const p95 = latency.data[1]!;
    expect(p95).toHaveLength(3);
    expect(p95[0]!).toBeLessThan(200);
    expect(p95[1]!).toBeLessThan(200);
    expect(p95[2]!).toBeGreaterThan(300);
    const line = latency.labels.findIndex((l) => /p\(95\) < 200 ms/.test(l));
    expect(latency.data[line]).toEqual([200, 200, 200]);
    // The point is drawn where the chart puts 312 ms: above the line's pixel row.
    const [pointY, lineY] = await page.evaluate((i) => {
      const c = (
        window as unknown as {
          gonogoCharts: Record<string, { valToPos(v: number, scale: string): number; data: number[][] }>;
        }
      ).gonogoCharts['chart-latency']!;
      return [c.valToPos(c.data[1]![2]!, 'y'), c.valToPos(c.data[i]![2]!, 'y')];
    }, line);
    expect(pointY).toBeLessThan(lineY);
    expect(await page.locator('#runs').textContent()).toMatch(/night-3.*NO-GO/);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, `${kind}-slow-night.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
