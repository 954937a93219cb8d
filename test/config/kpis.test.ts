import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKpiText, waiverActive, matchesCheck } from '../../config/kpis.ts';
import { ConfigError } from '../../core/errors.ts';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import { evaluateKpis } from '../../reports/kpi-eval.ts';

const defaults = readFileSync(DEFAULT_KPI_FILE, 'utf8');

function errorOf(text: string): ConfigError {
  try {
    parseKpiText(text, 'kpis.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('the KPI file', () => {
  it('records the line of every KPI entry, and evaluation carries it into the results', () => {
    const file = parseKpiText(defaults, 'kpis.yaml');
    const lines = defaults.split('\n');
    expect(Object.keys(file.lines!)).toEqual(file.kpis.map((k) => k.id));
    for (const [id, n] of Object.entries(file.lines!))
      expect(lines[n - 1], id).toMatch(new RegExp(`^\\s*- id: ${id.replace(/\./g, '\\.')}\\s*$`));
    const flow = parseKpiText(
      defaults.replace(/^kpis:\n/m, 'kpis:\n  - { id: first.kpi, description: d, source: s, checks: [auth.*] }\n'),
      'kpis.yaml',
    );
    expect(flow.lines!['first.kpi']).toBe(defaults.split('\n').indexOf('kpis:') + 2);
    const [result] = evaluateKpis({
      kpis: file.kpis.slice(0, 1),
      measurements: [],
      checks: [],
      ranSuites: [],
      waivers: [],
      today: '2026-01-01',
      lines: file.lines!,
    });
    expect(result!.line).toBe(file.lines![file.kpis[0]!.id]);
  });

  it('ships defaults that parse, each KPI with a source', () => {
    const file = parseKpiText(defaults, 'kpis.yaml');
    expect(file.profile).toEqual({ vus: 50, duration: '5m', quick: { vus: 50, duration: '30s' } });
    expect(file.kpis.length).toBeGreaterThanOrEqual(20);
    for (const k of file.kpis) expect(k.source.length).toBeGreaterThan(5);
    const p95 = file.kpis.find((k) => k.id === 'http.p95');
    expect(p95).toMatchObject({
      kind: 'metric',
      metric: 'http_req_duration',
      suite: 'load',
      thresholds: [{ aggregation: 'p(95)', operator: '<', value: 200 }],
    });
    expect(file.kpis.find((k) => k.id === 'escrow.non-bypass')).toMatchObject({
      kind: 'checks',
      suite: 'smoke',
      checks: ['escrow.*'],
    });
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the KPI and the problem for an unknown metric', () => {
    const e = errorOf(defaults.replace('metric: http_req_failed', 'metric: http_req_fail'));
    expect(e.format()).toMatch(
      /kpis\.yaml.*kpis\[3\] \(http\.errors\)\.threshold: no suite measures a metric named "http_req_fail"/,
    );
  });

  it('names the KPI for a bad expression', () => {
    const e = errorOf(defaults.replace('threshold: p(95)<200', 'threshold: p95 under 200'));
    expect(e.format()).toMatch(/kpis\[0\] \(http\.p95\)\.threshold: "p95 under 200" is not a k6 threshold expression/);
  });

  it('reports schema problems with their dot-path and received value', () => {
    const e = errorOf(defaults.replace('vus: 50\n  duration: 5m', 'vus: fifty\n  duration: 5m'));
    expect(e.format()).toContain('profile.vus');
    expect(e.format()).toContain('"fifty"');
    const typo = errorOf(defaults.replace('  headersMinGrade: A-', '  headersMinGrade: A-\n  lockuot: 3'));
    expect(typo.format()).toMatch(/params: unknown key "lockuot"/);
  });

  it('rejects a KPI without a source, a duplicate id, and an unknown check area', () => {
    const tlsSource = /^ {4}source: .*ssl_protocols TLSv1\.2 TLSv1\.3.*\n/m;
    expect(defaults).toMatch(tlsSource);
    expect(errorOf(defaults.replace(tlsSource, '')).format()).toMatch(/kpis\[\d+\]\.source/);
    expect(errorOf(defaults.replace('- id: http.mean', '- id: http.p95')).format()).toMatch(/"http.p95" is used twice/);
    expect(errorOf(defaults.replace('checks: [cors.*]', 'checks: [kors.*]')).format()).toMatch(
      /kors\.\* names no known area/,
    );
  });

  it('reports broken YAML as a config error', () => {
    expect(errorOf('version: 1\nkpis: [\n').format()).toMatch(/YAML/);
  });

  it('validates waivers: exactly one of check or kpi, a real date', () => {
    const w = (body: string) => defaults.replace('waivers: []', `waivers:\n${body}`);
    expect(
      parseKpiText(w('  - { check: headers.csp, reason: rollout, owner: alice, expires: 2026-12-31 }'), 'k').waivers,
    ).toHaveLength(1);
    expect(errorOf(w('  - { reason: r, owner: o, expires: 2026-12-31 }')).format()).toMatch(
      /exactly one of check or kpi/,
    );
    expect(errorOf(w('  - { check: a.b, reason: r, owner: o, expires: 31/12/2026 }')).format()).toMatch(
      /waivers\[0\]\.expires/,
    );
  });

  it('treats a waiver as active up to and including its expiry date', () => {
    const w = { check: 'a.b', reason: 'r', owner: 'o', expires: '2026-11-22' };
    expect([waiverActive(w, '2026-11-21'), waiverActive(w, '2026-11-22'), waiverActive(w, '2026-11-23')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('matches check patterns', () => {
    expect([
      matchesCheck('escrow.*', 'escrow.happy-path'),
      matchesCheck('escrow.*', 'auth.rbac'),
      matchesCheck('auth.rbac', 'auth.rbac'),
      matchesCheck('auth.r', 'auth.rbac'),
    ]).toEqual([true, false, true, false]);
  });
});

const CHECKLISTS = new URL('../fixtures/checklists/', import.meta.url);
/** Headings and lines of one source checklist with markup and the double-encoded emoji taken out, as a reader sees them. */
const plain = (line: string): string =>
  line
    .replace(/\*\*/g, '')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
function checklist(no: string): string[] {
  const file = readdirSync(CHECKLISTS).find((f) => f.startsWith(`${no}_`));
  if (!file) throw new Error(`no launch checklist ${no} in test/fixtures/checklists`);
  return readFileSync(new URL(file, CHECKLISTS), 'utf8').split('\n');
}
/** The headings (level 2 and below) a line sits under, code blocks skipped. */
function sectionsOf(lines: string[], lineNo: number): string[] {
  const stack: Array<[number, string]> = [];
  let code = false;
  for (const line of lines.slice(0, lineNo)) {
    if (line.trim().startsWith('```')) code = !code;
    const m = !code && /^(#{2,6})\s+(.*)$/.exec(line);
    if (m) {
      while (stack.length && stack.at(-1)![0] >= m[1]!.length) stack.pop();
      stack.push([m[1]!.length, plain(m[2]!)]);
    }
  }
  return stack.map(([, h]) => h);
}

describe('KPI sources a reader can follow', () => {
  const REF = /launch checklist (\d{3}), "([^"]+)" \(line (\d+)\): (?:"([^"]+)"|`([^`]+)`)/g;
  const file = parseKpiText(defaults, 'kpis.yaml');

  it('every default KPI cites at least one checklist line, and no bare checklist number', () => {
    for (const k of file.kpis) {
      expect([...k.source.matchAll(REF)].length, `${k.id}: ${k.source}`).toBeGreaterThan(0);
      // "001, 002" or "000 section 4" was the old shorthand: every number is now a "launch checklist NNN" with its line.
      expect(k.source.replace(REF, ''), k.id).not.toMatch(/\b00[0-4]\b/);
    }
  });

  it('each cited line of each checklist says what the source quotes, under the section it names', () => {
    for (const k of file.kpis) {
      for (const m of k.source.matchAll(REF)) {
        const [, no, section, line, quoted, code] = m;
        const lines = checklist(no!);
        const at = Number(line);
        expect(plain(lines[at - 1] ?? ''), `${k.id}: launch checklist ${no} line ${at}`).toContain(
          plain(quoted ?? code!),
        );
        expect(
          sectionsOf(lines, at).some((h) => h.includes(section!)),
          `${k.id}: launch checklist ${no} line ${at} is under ${JSON.stringify(sectionsOf(lines, at))}, not "${section}"`,
        ).toBe(true);
      }
    }
  });

  it('catches a citation whose line does not say it (the positive control)', () => {
    const lines = checklist('004');
    expect(plain(lines[268 - 1]!)).toContain('Response time < 200ms (p95)');
    expect(plain(lines[269 - 1]!)).not.toContain('Response time < 200ms (p95)');
    expect(sectionsOf(lines, 268)).toContain('Success Criteria');
    expect(sectionsOf(lines, 12)).not.toContain('Success Criteria');
  });

  it('docs/kpi-sources.md describes every checklist a source cites', () => {
    const doc = readFileSync(new URL('../../docs/kpi-sources.md', import.meta.url), 'utf8');
    const cited = new Set(file.kpis.flatMap((k) => [...k.source.matchAll(REF)].map((m) => m[1]!)));
    for (const no of cited) expect(doc, `launch checklist ${no}`).toMatch(new RegExp(`\\| ${no} \\|`));
  });
});
