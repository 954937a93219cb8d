import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { renderConsole, renderJunit, renderMarkdown } from '../../reports/render/index.ts';
import { reportJsonSchema, REPORT_SCHEMA_FILE } from '../../reports/json-schema.ts';
import { Report } from '../../reports/schema.ts';
import { report } from '../helpers/report.ts';

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
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(xml);
    const suites = doc.testsuites.testsuite as Array<{ '@_name': string; '@_failures': string; '@_errors': string; '@_skipped': string; testcase: unknown[] }>;
    expect(suites.reduce((n, s) => n + s.testcase.length, 0)).toBe(report().checks.length + report().kpis.length);
    const counts = Object.fromEntries(suites.map((s) => [s['@_name'], [s['@_failures'], s['@_errors'], s['@_skipped']].map(Number)]));
    // warn-level failure (referrer-policy) is not a JUnit failure; the KPI that failed is.
    expect(counts).toEqual({ 'gonogo smoke': [1, 0, 1], 'gonogo security': [0, 1, 0], 'gonogo kpis': [1, 0, 0] });
  });

  it('prints a console summary ending in the verdict and its reasons', () => {
    const text = renderConsole(report());
    expect(text).toMatch(/Checks: 1 pass, 2 fail, 1 error, 0 warn, 1 skip/);
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['NO-GO', '  - blocker escrow.webhook-bad-signature failed: A webhook with a bad signature is rejected and changes nothing']);
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
