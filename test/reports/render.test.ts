import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { renderConsole, renderJunit, renderMarkdown } from '../../reports/render/index.ts';
import { reportJsonSchema, REPORT_SCHEMA_FILE } from '../../reports/json-schema.ts';
import { Report, type LoadResult } from '../../core/report-schema.ts';
import { check, report } from '../helpers/report.ts';
import { renderHtml } from '../../reports/html/report.ts';
import { renderSarif } from '../../reports/sarif.ts';
import { hasInvisible } from '../../reports/render/visible.ts';

describe('renderers', () => {
  it('renders report.md', () => {
    expect(renderMarkdown(report())).toMatchSnapshot();
  });

  it('puts failures before passes and escapes table cells', () => {
    const md = renderMarkdown(report());
    expect(md.indexOf('escrow.webhook-bad-signature')).toBeLessThan(md.indexOf('auth.login-roles'));
    expect(md).toContain('handshake \\<failed\\> & "refused"');
  });

  it('renders junit.xml as well-formed XML with one testcase per check and per KPI', () => {
    const xml = renderJunit(report());
    expect(xml).toMatchSnapshot();
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    }).parse(xml);
    const suites = doc.testsuites.testsuite as Array<{
      '@_name': string;
      '@_failures': string;
      '@_errors': string;
      '@_skipped': string;
      testcase: unknown[];
    }>;
    expect(suites.reduce((n, s) => n + s.testcase.length, 0)).toBe(report().checks.length + report().kpis.length);
    const counts = Object.fromEntries(
      suites.map((s) => [s['@_name'], [s['@_failures'], s['@_errors'], s['@_skipped']].map(Number)]),
    );
    // warn-level failure (referrer-policy) is not a JUnit failure; the KPI that failed is.
    expect(counts).toEqual({ 'gonogo smoke': [1, 0, 1], 'gonogo security': [0, 1, 0], 'gonogo kpis': [1, 0, 0] });
  });

  it('prints a console summary ending in the verdict and its reasons', () => {
    const text = renderConsole(report());
    expect(text).toMatch(/Checks: 1 pass, 2 fail, 1 error, 0 warn, 1 skip/);
    expect(text.trimEnd().split('\n').slice(-2)).toEqual([
      'NO-GO',
      '  - blocker escrow.webhook-bad-signature failed: A webhook with a bad signature is rejected and changes nothing',
    ]);
  });
});

const loadResult = (): LoadResult => ({
  engine: 'k6',
  vus: 2,
  durationS: 10,
  requests: 100,
  rps: 10,
  errorRate: 0,
  errors: 0,
  latencyMs: { mean: 5, p50: 4, p90: 8, p95: 9, p99: 12, max: 20 },
  histogram: '',
  endpoints: [
    {
      name: 'get',
      method: 'GET',
      requests: 100,
      errors: 0,
      latencyMs: { mean: 5, p50: 4, p90: 8, p95: 9, p99: 12, max: 20 },
    },
  ],
  timeline: [{ t: 0, rps: 10, p95: 9, errors: 0 }],
});

describe('text from the target that would change how a report looks', () => {
  // An ANSI colour and screen clear, a bell, a right-to-left override and an isolate, as a hostile target could answer them.
  const hostile = 'ok\u001b[31mRED\u001b[2J\u0007 file\u202Egpj.exe\u2066x\u2069 \u009b1m';
  const rep = report({
    checks: [
      check('headers.csp', 'fail', {
        evidence: {
          message: hostile,
          actual: hostile,
          requests: [{ method: 'GET', url: 'https://127.0.0.1:8443/', status: 200, excerpt: hostile }],
          details: { server: hostile },
        },
      }),
    ],
    verdict: { decision: 'NO-GO', complete: true, reasons: [`blocker headers.csp failed: ${hostile}`] },
    load: { ...loadResult(), endpoints: [{ ...loadResult().endpoints[0]!, name: hostile }] },
  });

  it.each([
    ['report.md', renderMarkdown],
    ['console', renderConsole],
    ['report.html', renderHtml],
    ['junit.xml', renderJunit],
    // SARIF is JSON: what a code-scanning UI shows is the decoded message text.
    [
      'report.sarif',
      (r: Report) =>
        (
          JSON.parse(renderSarif(r)) as { runs: Array<{ results: Array<{ message: { text: string } }> }> }
        ).runs[0]!.results.map((x) => x.message.text).join('\n'),
    ],
  ] as const)('%s shows them as visible escapes', (_name, render) => {
    const text = render(rep);
    expect(hasInvisible(text)).toBe(false);
    expect(text).toContain('\\u001B[31mRED');
    expect(text).toContain('\\u202Egpj.exe');
    expect(text).toContain('\\u2066x\\u2069');
  });

  it('junit.xml stays well-formed XML', () => {
    expect(XMLValidator.validate(renderJunit(rep))).toBe(true);
  });
});

describe('the report schema', () => {
  it('ships a JSON Schema export identical to the zod schema', () => {
    expect(JSON.parse(readFileSync(REPORT_SCHEMA_FILE, 'utf8'))).toEqual(reportJsonSchema());
  });

  it('accepts a valid report and rejects an invalid one in both zod and the JSON Schema', () => {
    const validate = new Ajv2020({ strict: false }).compile(reportJsonSchema());
    expect(validate(report())).toBe(true);
    expect(Report.safeParse(report()).success).toBe(true);
    const bad = { ...report(), checks: [{ ...report().checks[0], status: 'passed' }] };
    expect(validate(bad)).toBe(false);
    expect(Report.safeParse(bad).success).toBe(false);
  });

  it('has schemaVersion as its first field', () => {
    expect(Object.keys(Report.parse(report()))[0]).toBe('schemaVersion');
  });
});
