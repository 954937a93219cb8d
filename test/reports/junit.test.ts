import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../reports/render/junit.ts';
import type { Report } from '../../core/report-schema.ts';
import { prepareExtras } from '../../cli/extras.ts';
import type { RunOptions } from '../../cli/plan.ts';
import type { Config } from '../../config/schema.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import { allErrorReport, goReport, noGoReport } from '../helpers/ci-reports.ts';

/** Jenkins' JUnit schema (xunit-plugin junit-10.xsd, as pytest ships it for the same purpose). */
const XSD = readFileSync(new URL('../fixtures/junit-10.xsd', import.meta.url), 'utf8');

async function xsdErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'junit.xml', contents: xml }],
    schema: [{ fileName: 'junit-10.xsd', contents: XSD }],
  });
  return result.errors.map((e) => e.rawMessage);
}

interface Case {
  '@_name': string;
  failure?: { '@_message': string; '@_type': string; '#text': string };
  error?: { '@_message': string; '#text': string };
  skipped?: { '@_message': string };
  'system-out'?: string;
}
function cases(xml: string): Map<string, Case> {
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(
    xml,
  );
  const all = (doc.testsuites.testsuite as Array<{ testcase: Case[] }>).flatMap((s) => s.testcase);
  return new Map(all.map((c) => [c['@_name'].split(':')[0]!, c]));
}

/** A run judged against a real --baseline file, through the same code `gonogo run --baseline` uses. */
async function withBaseline(current: Report, baseline: Report): Promise<Report> {
  const file = join(mkdtempSync(join(tmpdir(), 'gonogo-junit-')), 'baseline.json');
  writeFileSync(file, JSON.stringify(baseline));
  const opts: RunOptions = {
    config: 'gonogo.config.ts',
    reference: false,
    flaws: [],
    suites: ['smoke', 'security', 'load'],
    engine: 'auto',
    quick: false,
    baseline: file,
    checklists: [],
  };
  const kpis = parseKpiText(readFileSync(DEFAULT_KPI_FILE, 'utf8'), 'kpis.yaml');
  // The config is read only for --checklist, which this run does not use.
  const extras = await (await prepareExtras(opts))(current, kpis, {} as Config);
  return { ...current, ...extras.fields };
}

const at = (r: Report, id: string, measured: number): Report => ({
  ...r,
  kpis: r.kpis.map((k) => (k.id === id ? { ...k, measured } : k)),
});

describe('junit.xml', () => {
  it('a KPI that regressed against the baseline is a failure with the baseline figure, though within its threshold', async () => {
    const baseline = {
      ...at(goReport(), 'http.p95', 80),
      run: { ...goReport().run, id: 'run-v1.3.0', label: 'v1.3.0' },
    };
    const r = await withBaseline(at(goReport(), 'http.p95', 150), baseline);
    expect(r.baseline!.kpiRegressions).toEqual([
      { id: 'http.p95', baseline: 80, measured: 150, tolerance: '10%', note: 'worse by more than the 10% tolerance' },
    ]);
    const xml = renderJunit(r);
    expect(await xsdErrors(xml)).toEqual([]);
    const p95 = cases(xml).get('http.p95')!;
    expect(p95.failure!['@_type']).toBe('kpi-regression');
    expect(p95.failure!['@_message']).toBe(
      'regressed against the baseline v1.3.0: 80 -> 150 (worse by more than the 10% tolerance); measured 150, still within the threshold',
    );
    expect(p95.failure!['#text']).toContain('Baseline: regressed against the baseline v1.3.0: 80 -> 150');
    // Not regressed (same figure as the baseline): still a pass.
    expect(cases(xml).get('http.errors')!.failure).toBeUndefined();
  });

  it('KPIs of suites that were not selected are skipped; a selected suite that measured nothing is an error', async () => {
    const r = goReport();
    r.run.suites = ['smoke', 'security'];
    r.kpis = r.kpis.map((k) =>
      k.suite === 'load' ? { ...k, status: 'not-measured', measured: null, note: 'the load suite did not run' } : k,
    );
    const xml = renderJunit(r);
    expect(await xsdErrors(xml)).toEqual([]);
    expect(cases(xml).get('http.p95')).toMatchObject({
      skipped: { '@_message': 'not measured: the load suite was not selected for this run' },
    });
    expect(cases(xml).get('http.p95')!.error).toBeUndefined();
    expect(xml).toMatch(/<testsuite name="gonogo kpis" tests="3" failures="0" errors="0" skipped="2">/);
    // The same KPI when the load suite was selected but crashed: never hidden as a skip.
    const crashed = renderJunit({ ...r, run: { ...r.run, suites: ['smoke', 'security', 'load'] } });
    expect(cases(crashed).get('http.p95')!.error!['@_message']).toBe('not measured: the load suite did not run');
  });

  it('failure and error bodies are readable text: reason, evidence, where to look, remedy', async () => {
    const xml = renderJunit(noGoReport());
    expect(await xsdErrors(xml)).toEqual([]);
    const deps = cases(xml).get('deps.advisories')!.failure!['#text'];
    expect(deps.split('\n')).toEqual([
      'Reason: GHSA-35jh-r3h4-6jhm (high 7.2) lodash@4.17.20 direct in /repo/web app/[legacy]/package-lock.json; fixed in 4.17.21',
      'Expected: no critical or high advisory in any audited lockfile',
      'Actual: 0 critical, 1 high (12 packages in 2 lockfiles)',
      'Details:',
      '  lockfiles:',
      '    - file: /repo/package-lock.json',
      '      format: package-lock-v3',
      '      packages: 7',
      '    - file: /repo/web app/[legacy]/package-lock.json',
      '      format: package-lock-v3',
      '      packages: 5',
      '  findings:',
      '    - GHSA-35jh-r3h4-6jhm (high 7.2) lodash@4.17.20 direct in /repo/web app/[legacy]/package-lock.json; fixed in 4.17.21',
      'Where to look: web app/[legacy]/package-lock.json (lockfile); report.json (checks, id deps.advisories); security/ beside this report (raw security output)',
      expect.stringMatching(/^Remedy: Upgrade the packages/),
    ]);
    const tls = cases(xml).get('tls.protocols')!.error!;
    expect(tls['#text']).toMatch(
      /^Could not run: connect ECONNREFUSED 127\.0\.0\.1:8443\nWhere to look: gonogo\.config\.ts \(config\);/,
    );
    const p95 = cases(xml).get('http.p95')!.failure!['#text'];
    expect(p95).toContain('Where to look: ops/kpis.yaml line 12 (KPI file)');
    for (const c of cases(xml).values())
      for (const body of [c.failure?.['#text'], c.error?.['#text'], c['system-out']])
        if (body) expect(body).not.toMatch(/^\s*[{[]/);
  });

  it('an all-error run validates, with every check an <error> and every KPI an <error>', async () => {
    const xml = renderJunit(allErrorReport());
    expect(await xsdErrors(xml)).toEqual([]);
    const all = [...cases(xml).values()];
    expect(all.every((c) => c.error)).toBe(true);
    expect(xml).toMatch(/^<testsuites name="gonogo NO-GO" tests="\d+" failures="0" errors="\d+">/m);
  });

  it('the schema check itself rejects a testcase without a name', async () => {
    expect(
      await xsdErrors(
        '<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase classname="c"/></testsuite></testsuites>',
      ),
    ).toHaveLength(1);
  });
});
