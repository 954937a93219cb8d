import { createRequire } from 'node:module';
import type { CheckResult, KpiResult, Report } from '../../core/report-schema.ts';
import { kpiNotSelected, kpiRegression } from '../where.ts';
import { checkEvidenceText, checkReason, figure, kpiEvidenceText, kpiRegressionText } from './evidence-text.ts';
import { visible } from './visible.ts';
import { skipLabel } from '../skip.ts';

interface Outcome {
  '@_message': string;
  '@_type': string;
  '#text'?: string;
}
interface TestCase {
  '@_name': string;
  '@_classname': string;
  '@_time': string;
  failure?: Outcome;
  error?: Outcome;
  skipped?: Omit<Outcome, '@_type'>;
  'system-out'?: string;
}

/** XML 1.0 cannot carry most control characters, even escaped: they are shown as visible escapes first, any left replaced. */
const xmlSafe = (s: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 forbids are control characters
  visible(s).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');

function checkCase(c: CheckResult, report: Report): TestCase {
  const tc: TestCase = {
    '@_name': `${c.id}: ${c.title}`,
    '@_classname': `gonogo.${c.suite}.${c.area}`,
    '@_time': (c.durationMs / 1000).toFixed(3),
  };
  const body = checkEvidenceText(c, report);
  // A warn-level failure does not block the launch: it is reported but not a JUnit failure.
  if (c.status === 'fail' && c.level === 'blocker' && !c.waiver)
    tc.failure = { '@_message': checkReason(c), '@_type': 'fail', '#text': body };
  else if (c.status === 'error')
    tc.error = {
      '@_message': `could not run: ${c.evidence.message ?? 'no reason recorded'}`,
      '@_type': 'error',
      '#text': body,
    };
  else if (c.status === 'skip')
    tc.skipped = { '@_message': `${skipLabel(c)}: ${c.skip?.reason ?? c.evidence.message ?? 'no reason recorded'}` };
  else
    tc['system-out'] =
      `${c.status.toUpperCase()}${c.status === 'fail' ? ` (${c.waiver ? 'waived' : 'warn level'})` : ''}\n${body}`;
  return tc;
}

function kpiCase(k: KpiResult, report: Report): TestCase {
  const tc: TestCase = { '@_name': `${k.id}: ${k.threshold}`, '@_classname': 'gonogo.kpi', '@_time': '0' };
  const measured = `measured ${figure(k.measured)}${k.note ? ` (${k.note})` : ''}`;
  const regression = kpiRegressionText(k, report);
  const body = kpiEvidenceText(k, report);
  if (kpiNotSelected(k, report)) {
    // Not a failure of the target: the suite was left out of this run, and the report says it is incomplete.
    tc.skipped = { '@_message': `not measured: the ${k.suite} suite was not selected for this run` };
  } else if (k.status === 'fail') {
    tc.failure = {
      '@_message': `${measured}${regression ? `; ${regression}` : ''}`,
      '@_type': regression ? 'kpi-regression' : 'kpi',
      '#text': body,
    };
  } else if (k.status === 'not-measured') {
    tc.error = { '@_message': `not measured: ${k.note ?? 'no measurement'}`, '@_type': 'not-measured', '#text': body };
  } else if (kpiRegression(k, report)) {
    // Within its threshold but worse than the baseline beyond tolerance: --baseline makes that a NO-GO.
    tc.failure = {
      '@_message': `${regression}; ${measured}, still within the threshold`,
      '@_type': 'kpi-regression',
      '#text': body,
    };
  } else {
    tc['system-out'] = `${k.status.toUpperCase()}\n${body}`;
  }
  return tc;
}

function suite(name: string, cases: TestCase[], runId: string): Record<string, unknown> {
  return {
    '@_name': name,
    // The run id ties this file to the report.json beside it.
    properties: { property: { '@_name': 'gonogo.run.id', '@_value': runId } },
    '@_tests': cases.length,
    '@_failures': cases.filter((c) => c.failure).length,
    '@_errors': cases.filter((c) => c.error).length,
    '@_skipped': cases.filter((c) => c.skipped).length,
    testcase: cases,
  };
}

/** junit.xml: one testcase per check and per KPI, for CI test-report viewers. */
export function renderJunit(report: Report): string {
  const bySuite = new Map<string, TestCase[]>();
  for (const c of report.checks) bySuite.set(c.suite, [...(bySuite.get(c.suite) ?? []), checkCase(c, report)]);
  const suites = [...bySuite.entries()].map(([name, cases]) => suite(`gonogo ${name}`, cases, report.run.id));
  const kpis = report.kpis.map((k) => kpiCase(k, report));
  suites.push(suite('gonogo kpis', kpis, report.run.id));
  const all = [...bySuite.values()].flat().concat(kpis);
  // Loaded when the report is written, not with the CLI (CommonJS build, several MB of memory).
  const { XMLBuilder } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    format: true,
    suppressEmptyNode: true,
    tagValueProcessor: (_name: string, v: unknown) => (typeof v === 'string' ? xmlSafe(v) : v),
    attributeValueProcessor: (_name: string, v: unknown) => (typeof v === 'string' ? xmlSafe(v) : v),
  });
  const body = builder.build({
    testsuites: {
      '@_name': `gonogo ${report.verdict.decision}`,
      '@_tests': all.length,
      '@_failures': all.filter((c) => c.failure).length,
      '@_errors': all.filter((c) => c.error).length,
      testsuite: suites,
    },
  }) as string;
  // XML 1.0 forbids most control characters, and CI viewers would render the rest.
  return `<?xml version="1.0" encoding="UTF-8"?>\n${visible(body)}`;
}
