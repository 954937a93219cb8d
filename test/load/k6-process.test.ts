import { describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseK6Summary, SummaryShapeError } from '../../load/k6/summary.ts';
import { classifyExit, stderrEvidence } from '../../load/k6/exit.ts';
import { K6Engine } from '../../load/k6/engine.ts';
import { EngineError } from '../../load/engine.ts';
import { buildPlan } from '../../load/plan.ts';
import { LoadConfig } from '../../load/config.ts';

const fixture = (f: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8'));
const FAKE = fileURLToPath(new URL('./fixtures/fake-k6.mjs', import.meta.url));

describe('k6 summary parsing', () => {
  it('reads the versioned machine-readable summary (k6 1.x)', () => {
    expect(parseK6Summary(fixture('k6-summary-v1.json'))).toMatchObject({
      shape: 'v1',
      k6Version: '1.8.1',
      requests: 61,
      failedRate: 0,
      iterations: 59,
      checks: { passes: 61, fails: 0 },
      duration: { 'p(95)': 6.231081, 'p(90)': 6.077763, avg: 2.4349882786885253 },
    });
  });
  it('reads legacy handleSummary data with threshold outcomes', () => {
    const s = parseK6Summary(fixture('k6-handle-summary-legacy.json'));
    expect(s).toMatchObject({
      shape: 'legacy',
      checks: { passes: 323, fails: 0 },
      thresholds: { http_req_duration: { 'p(95)<1000': true } },
    });
    expect(s.durationS).toBeCloseTo(1.005, 3);
  });
  it('reads the legacy --summary-export file, where a threshold maps to true when crossed', () => {
    expect(parseK6Summary(fixture('k6-summary-export-legacy.json'))).toMatchObject({
      shape: 'legacy-export',
      requests: 61,
      checks: { passes: 58, fails: 3 },
      thresholds: { http_req_duration: { 'p(95)<1': false }, http_req_failed: { 'rate<0.5': true } },
    });
  });
  it('refuses anything else', () => {
    expect(() => parseK6Summary({ hello: 1 })).toThrow(SummaryShapeError);
  });
});

describe('k6 exit codes', () => {
  it('classifies real exit codes of tiny programs', async () => {
    const run = (code: number) =>
      execa(process.execPath, ['-e', `process.exit(${code})`], { reject: false, timeout: 10_000 });
    expect(classifyExit(await run(0)).kind).toBe('ok');
    expect(classifyExit(await run(99)).kind).toBe('thresholds');
    expect(classifyExit(await run(107)).kind).toBe('error');
    const slow = await execa(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { reject: false, timeout: 200 });
    expect(classifyExit(slow)).toEqual({
      kind: 'error',
      message:
        'k6 did not finish within the duration plus load.timeouts.gracefulStopS and load.timeouts.slackS, and was stopped: raise load.timeouts.slackS',
    });
  });
  it('keeps error lines of stderr as evidence', () => {
    expect(stderrEvidence('a\nlevel=info x\nlevel=error boom\nb')).toBe('level=error boom');
    expect(stderrEvidence('only\nplain')).toBe('only\nplain');
  });

  const plan = () => {
    const p = buildPlan({
      baseUrl: 'http://127.0.0.1:9',
      load: LoadConfig.parse({ health: { path: null } }),
      vus: 1,
      duration: '1s',
      kpis: [],
      outDir: mkdtempSync(join(tmpdir(), 'gonogo-k6-')),
    });
    p.k6Path = FAKE;
    return p;
  };
  it('exit 99 is a verdict: the result is kept and thresholdsCrossed is set', async () => {
    process.env.FAKE_K6_MODE = 'thresholds';
    const run = await new K6Engine(FAKE).run(plan());
    expect(run.thresholdsCrossed).toBe(true);
    expect(run.result).toMatchObject({ engine: 'k6', requests: 10, errors: 1 });
    expect(run.warnings.join('\n')).toMatch(/thresholds on metrics/);
    expect(run.warnings.join('\n')).toMatch(/summary counts 61 requests, the streamed samples 10/);
  });
  it('any other exit is an engine error carrying stderr', async () => {
    process.env.FAKE_K6_MODE = 'crash';
    const err = await new K6Engine(FAKE).run(plan()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).details).toMatchObject({ exitCode: 107 });
    expect((err as EngineError).details.stderr).toMatch(/SyntaxError in script/);
    delete process.env.FAKE_K6_MODE;
  });
  it('reports k6 as unavailable when the binary is missing', async () => {
    expect(await new K6Engine('/nonexistent/k6').isAvailable()).toEqual({
      ok: false,
      reason: 'k6 not found at /nonexistent/k6',
    });
    expect(await new K6Engine(FAKE).isAvailable()).toEqual({ ok: true, version: 'v1.8.1' });
  });
});

describe('scenario scripts', () => {
  it('type-check against @types/k6', async () => {
    const r = await execa('npx', ['tsc', '-p', 'scenarios'], {
      reject: false,
      timeout: 120_000,
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
    });
    expect(r.stdout + r.stderr.replace(/npm warn.*\n?/g, '')).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
