import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import type { Report } from '../../core/report-schema.ts';
import { closedPortProject, gonogoChild } from './child.ts';

/**
 * A hostile or mistaken kpis.yaml is refused upfront (exit 2, the file and the entry named), never
 * accepted by gonogo and then misread by k6, never labelled a gonogo problem, never silently ignored.
 */
const DEFAULTS = readFileSync(DEFAULT_KPI_FILE, 'utf8');
const P95 = 'threshold: p(95)<200';
const BASE = DEFAULTS.replace(/^waivers: \[\]$/m, '');
const waiver = (fields: string) => `\nwaivers:\n  - { ${fields}, reason: rollout in SEC-1, owner: qa@example.com }\n`;

async function runWith(kpis: string, config?: string) {
  const p = closedPortProject({ kpis, ...(config ? { config } : {}) });
  const out = join(p.dir, 'out');
  const r = await gonogoChild(['run', '--config', p.config, '--suite', 'security', '--out', out]);
  return { ...r, kpis: p.kpis, out };
}

async function refused(kpis: string, ...needles: string[]) {
  const r = await runWith(kpis);
  expect(r.code, r.err).toBe(2);
  expect(r.err).toContain(`Config error in ${r.kpis}`);
  for (const n of needles) expect(r.err).toContain(n);
  expect(r.err).not.toMatch(/Harness error|starting/);
}

describe('KPI thresholds: exactly k6 grammar', () => {
  it.each([
    'P(95)<200',
    'AVG<500',
    'Avg<500',
    'p( 95 )<200',
    'p(95 )<200',
    'p(95)<<200',
    'p(95)=<200',
    'p(95) = 200',
    'p(95)<200ms',
    'p(95)<Infinity',
    'p(95)<0x10',
    'p(95)<1_000',
    'p95<200',
    'p<200',
    'p(95)',
    'avg<5 5',
    'p(101)<3',
    'p(-1)<3',
    'p()<3',
    'mean<5',
    '',
  ])('%j -> exit 2 naming the KPI and the file', async (expr) => {
    await refused(
      DEFAULTS.replace(P95, `threshold: ${JSON.stringify(expr)}`),
      expr === '' ? 'kpis[0]' : 'kpis[0] (http.p95).threshold',
      'http.p95',
    );
  });

  it.each(['p(95) < 200', ' p(95)<=200.5 ', 'p(95)===200', 'avg!=1e3'])(
    '%j, which k6 accepts, is accepted (positive control)',
    async (expr) => {
      const r = await runWith(DEFAULTS.replace(P95, `threshold: ${JSON.stringify(expr)}`));
      expect(r.code, r.err).toBe(1);
      const report = JSON.parse(readFileSync(join(r.out, 'report.json'), 'utf8')) as Report;
      expect(report.kpis.find((k) => k.id === 'http.p95')?.threshold).toBe(`http_req_duration: ${expr.trim()}`);
    },
  );
});

describe('KPI file YAML and profile', () => {
  it('a billion-laughs alias bomb is an input error naming the file, not a harness error', async () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    await refused(`${levels.join('\n')}\n${DEFAULTS}`, 'alias');
  });

  it('nesting deep enough to exhaust the parser is an input error', async () => {
    await refused(`x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n${DEFAULTS}`, 'YAML');
  });

  it.each([
    ['duration: 5m', 'duration: 100000h', 'profile.duration'],
    ['duration: 5m', 'duration: 0s', 'profile.duration'],
    ['vus: 50\n', 'vus: 1e9\n', 'profile.vus'],
    ['quick: { vus: 50, duration: 30s }', 'quick: { vus: 50, duration: 25h }', 'profile.quick.duration'],
  ])('profile %s -> %s is refused', async (from, to, path) => {
    expect(DEFAULTS).toContain(from);
    await refused(DEFAULTS.replace(from, to), path);
  });
});

describe('waivers: every one names something that exists', () => {
  it.each([
    ['check: headers.no-such-check, expires: 2099-12-31', 'waivers[0] (check headers.no-such-check)'],
    ['check: header.csp, expires: 2099-12-31', 'waivers[0] (check header.csp)'],
    ['check: "headers.*", expires: 2099-12-31', 'not a pattern'],
    ['kpi: http.p96, expires: 2099-12-31', 'waivers[0] (kpi http.p96)'],
    ['check: headers.csp, expires: 2026-12-99', 'waivers[0].expires'],
    ['check: headers.csp, expires: 2026-02-30', 'waivers[0].expires'],
    ['check: headers.csp, expires: 2026-13-01', 'waivers[0].expires'],
    ['check: headers.csp, expires: 0000-00-00', 'waivers[0].expires'],
  ])('%s -> exit 2 naming the waiver', async (fields, needle) => {
    await refused(BASE + waiver(fields), needle);
  });

  it('two waivers for the same check are refused', async () => {
    const two = `${waiver('check: headers.csp, expires: 2099-12-31')}  - { check: headers.csp, expires: 2030-01-01, reason: again, owner: b@example.com }\n`;
    await refused(BASE + two, 'waivers[1] (check headers.csp)');
  });

  it('a real check with a real date is accepted (positive control)', async () => {
    const r = await runWith(BASE + waiver('check: headers.csp, expires: 2099-12-31'));
    expect(r.code, r.err).toBe(1);
  });

  describe('with team specs (smoke.specsDir)', () => {
    const config = `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 }, smoke: { specsDir: './specs' } };\n`;
    it('an area.name id of a known area is accepted: team spec ids are only known once they ran', async () => {
      const r = await runWith(BASE + waiver('check: auth.team-sso, expires: 2099-12-31'), config);
      expect(r.code, r.err).toBe(1);
    });
    it('an id of an unknown area is still refused', async () => {
      const r = await runWith(BASE + waiver('check: billing.refunds, expires: 2099-12-31'), config);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain('waivers[0] (check billing.refunds)');
    });
  });
});
