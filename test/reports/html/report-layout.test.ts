import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from '@playwright/test';
import { gonogoChild } from '../../reliability/child.ts';
import { anchorId } from '../../../reports/html/report.ts';
import { reasonKind } from '../../../reports/verdict.ts';
import type { Report } from '../../../core/report-schema.ts';

/**
 * report.html of real runs of the bundled platform, opened in Debian's Chromium at a laptop's 1280x800:
 * what a reader sees first, where the links go, and that nothing runs off the side of the window.
 */
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'];
const VIEWPORT = { width: 1280, height: 800 };
let browser: Browser;
const root = mkdtempSync(join(tmpdir(), 'gonogo-html-'));
const runs: Record<'go' | 'nogo' | 'baseline', { dir: string; report: Report }> = {} as never;

async function run(name: keyof typeof runs, args: string[], expectCode: number): Promise<void> {
  const dir = join(root, name);
  const r = await gonogoChild(['run', '--reference', '--out', dir, ...args], { timeoutMs: 180_000 });
  expect(r.code, `${name}: ${r.out}\n${r.err}`).toBe(expectCode);
  runs[name] = { dir, report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report };
}

beforeAll(async () => {
  // A clean platform (GO), then the same with its CSP switched off: once with a short load (charts, KPIs), once judged against the clean run.
  await Promise.all([
    run('go', ['--suite', 'security', '--label', 'v1.0.0'], 0),
    run(
      'nogo',
      [
        '--suite',
        'security,load',
        '--flaws',
        'missing-csp',
        '--engine',
        'autocannon',
        '--vus',
        '2',
        '--duration',
        '3s',
        '--label',
        'v1.1.0',
      ],
      1,
    ),
  ]);
  await run(
    'baseline',
    [
      '--suite',
      'security',
      '--flaws',
      'missing-csp',
      '--label',
      'v1.1.0',
      '--baseline',
      join(runs.go.dir, 'report.json'),
    ],
    1,
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
}, 400_000);
afterAll(async () => {
  await browser?.close();
});

async function open(name: keyof typeof runs): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(join(runs[name].dir, 'report.html')).href, { waitUntil: 'load' });
  return { page, errors };
}

const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
/** The element's top edge relative to the window, after whatever scrolling happened. */
const topOf = (page: Page, id: string) =>
  page.evaluate((x) => document.getElementById(x)!.getBoundingClientRect().top, id);
const inWindow = (box: { y: number; height: number } | null) =>
  box !== null && box.y >= 0 && box.y + box.height <= VIEWPORT.height;

describe('report.html of a NO-GO run at 1280x800', () => {
  it('shows the first blocking reason without scrolling; its link brings its check into view; no sideways scroll', async () => {
    const { report } = runs.nogo;
    const { page, errors } = await open('nogo');
    const blocking = report.verdict.reasons.filter((r) => reasonKind(r) === 'blocking');
    expect(blocking.length).toBeGreaterThan(0);
    const first = page.locator('#blocking li a').first();
    expect(await first.textContent()).toBe(blocking[0]);
    expect(inWindow(await first.boundingBox())).toBe(true);

    // The reason names a check of the report: the link goes to that check's own section, which is open.
    const checkId = report.checks.map((c) => c.id).find((id) => blocking[0]!.split(/[\s:]+/).includes(id))!;
    expect(checkId).toBeDefined();
    const target = anchorId('check', checkId);
    expect(await first.getAttribute('href')).toBe(`#${target}`);
    await first.click();
    await page.waitForFunction((x) => location.hash === `#${x}`, target);
    // Scrolled to it: the check's top is at the top of the window, not merely somewhere on the first screen.
    const top = await topOf(page, target);
    expect(top).toBeGreaterThan(-1);
    expect(top).toBeLessThan(2);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(await page.locator(`#${target}`).getAttribute('open')).not.toBeNull();

    expect(await scrollWidth(page)).toBeLessThanOrEqual(VIEWPORT.width);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists failing and erroring checks first and open, passing ones after them and collapsed', async () => {
    const { report } = runs.nogo;
    const { page } = await open('nogo');
    const bad = report.checks.filter((c) => c.status === 'fail' || c.status === 'error');
    const passing = report.checks.filter((c) => c.status === 'pass');
    expect(await page.locator('#failing details.check').evaluateAll((els) => els.map((e) => e.id))).toEqual(
      expect.arrayContaining(bad.map((c) => anchorId('check', c.id))),
    );
    expect(await page.locator('#failing details.check:not([open])').count()).toBe(0);
    expect(await page.locator('#passing details.check').count()).toBe(passing.length);
    expect(await page.locator('#passing details.check[open]').count()).toBe(0);
    const order = await page.evaluate(() =>
      ['failing', 'passing'].map((id) => document.getElementById(id)!.getBoundingClientRect().top),
    );
    expect(order[0]).toBeLessThan(order[1]!);
    // Every failing KPI has its anchor (the KPI reasons link to it).
    for (const k of report.kpis.filter((x) => x.status === 'fail'))
      expect(await page.locator(`#${anchorId('kpi', k.id)}`).count()).toBe(1);
    await page.close();
  });

  it('draws the latency KPI threshold on the p95 chart; the rate axis starts at zero', async () => {
    const { report } = runs.nogo;
    const { page } = await open('nogo');
    const p95Kpi = report.kpis.find((k) => k.metric === 'http_req_duration' && /p\(95\)</.test(k.threshold))!;
    expect(p95Kpi).toBeDefined();
    const limit = Number(/p\(95\)<(\d+(?:\.\d+)?)/.exec(p95Kpi.threshold)![1]);
    const drawn = await page.evaluate(() => {
      const charts = (
        window as unknown as {
          gonogoCharts: Record<
            string,
            { series: Array<{ label: string }>; data: number[][]; scales: Record<string, { min: number }> }
          >;
        }
      ).gonogoCharts;
      const lat = charts['chart-latency']!;
      return {
        labels: lat.series.map((s) => s.label),
        data: lat.data,
        rpsMin: charts['chart-rps']!.scales.y!.min,
        latMin: lat.scales.y!.min,
      };
    });
    const i = drawn.labels.findIndex((l) => l.startsWith(`${p95Kpi.id}:`));
    expect(i).toBeGreaterThan(0);
    expect(new Set(drawn.data[i])).toEqual(new Set([limit]));
    expect(drawn.rpsMin).toBe(0);
    expect(drawn.latMin).toBe(0);
    await page.close();
  });
});

describe('report.html of a GO run', () => {
  it('says nothing blocks, and every check (all passing or skipped) is collapsed', async () => {
    const { report } = runs.go;
    expect(report.verdict.decision).toBe('GO');
    const { page, errors } = await open('go');
    expect(await page.locator('#verdict .decision').textContent()).toMatch(/^GO/);
    expect(await page.locator('#blocking').count()).toBe(0);
    expect(inWindow(await page.locator('#no-blocking').boundingBox())).toBe(true);
    expect(await page.locator('#failing details.check').count()).toBe(0);
    expect(await page.locator('#passing details.check').count()).toBe(
      report.checks.filter((c) => c.status === 'pass').length,
    );
    expect(await page.locator('details.check[open]').count()).toBe(
      report.checks.filter((c) => c.status === 'warn').length,
    );
    expect(await scrollWidth(page)).toBeLessThanOrEqual(VIEWPORT.width);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('report.html of a run judged against --baseline', () => {
  it('has a baseline section listing each regression with the baseline and the current figure, linked from the verdict', async () => {
    const { report } = runs.baseline;
    const regressions = report.baseline!.kpiRegressions!;
    expect(regressions.length).toBeGreaterThan(0);
    const { page } = await open('baseline');
    expect(await page.locator('#baseline h2').textContent()).toContain('v1.0.0');
    for (const k of regressions) {
      const cells = await page.locator(`#baseline-${anchorId('kpi', k.id)} td`).allTextContents();
      expect(cells.slice(0, 3)).toEqual([k.id, String(k.baseline ?? '—'), String(k.measured ?? '—')]);
    }
    for (const id of report.baseline!.newlyFailing)
      expect(await page.locator(`#baseline a[href="#${anchorId('check', id)}"]`).count()).toBe(1);
    // The reason that says "regression against the baseline" links into this section and scrolls there.
    const link = page.locator('#blocking a', { hasText: 'regression against the baseline' }).first();
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^#baseline/);
    expect(await topOf(page, href.slice(1))).toBeGreaterThan(VIEWPORT.height);
    await link.click();
    await page.waitForFunction((x) => location.hash === x, href);
    // Sub-pixel table rows may land a fraction above the edge.
    const top = await topOf(page, href.slice(1));
    expect(top).toBeGreaterThan(-1);
    expect(top).toBeLessThan(VIEWPORT.height);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(VIEWPORT.width);
    await page.close();
  });
});
