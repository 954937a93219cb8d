import { createRequire } from 'node:module';
import type { CheckResult, KpiResult, Report } from '../schema.ts';
import { visible } from './visible.ts';

interface TestCase { '@_name': string; '@_classname': string; '@_time': string; failure?: unknown; error?: unknown; skipped?: unknown; 'system-out'?: string }

function checkCase(c: CheckResult): TestCase {
  const tc: TestCase = { '@_name': `${c.id}: ${c.title}`, '@_classname': `gonogo.${c.suite}.${c.area}`, '@_time': (c.durationMs / 1000).toFixed(3) };
  const detail = JSON.stringify(c.evidence);
  // A warn-level failure does not block the launch: it is reported but not a JUnit failure.
  if (c.status === 'fail' && c.level === 'blocker' && !c.waiver) tc.failure = { '@_message': c.evidence.message ?? 'check failed', '@_type': 'fail', '#text': detail };
  else if (c.status === 'error') tc.error = { '@_message': c.evidence.message ?? 'check could not run', '@_type': 'error', '#text': detail };
  else if (c.status === 'skip') tc.skipped = { '@_message': c.evidence.message ?? 'skipped' };
  else tc['system-out'] = `${c.status}${c.waiver ? ` (waived until ${c.waiver.expires} by ${c.waiver.owner})` : ''}: ${detail}`;
  return tc;
}

function kpiCase(k: KpiResult): TestCase {
  const tc: TestCase = { '@_name': `${k.id}: ${k.threshold}`, '@_classname': 'gonogo.kpi', '@_time': '0' };
  const msg = `measured ${k.measured ?? 'nothing'}${k.note ? ` (${k.note})` : ''}; source: ${k.source}`;
  if (k.status === 'fail') tc.failure = { '@_message': msg, '@_type': 'kpi' };
  else if (k.status === 'not-measured') tc.error = { '@_message': `not measured: ${msg}`, '@_type': 'not-measured' };
  else tc['system-out'] = `${k.status}: ${msg}`;
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
  for (const c of report.checks) bySuite.set(c.suite, [...(bySuite.get(c.suite) ?? []), checkCase(c)]);
  const suites = [...bySuite.entries()].map(([name, cases]) => suite(`gonogo ${name}`, cases, report.run.id));
  suites.push(suite('gonogo kpis', report.kpis.map(kpiCase), report.run.id));
  // Loaded when the report is written, not with the CLI (CommonJS build, several MB of memory).
  const { XMLBuilder } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });
  const body = builder.build({
    testsuites: { '@_name': `gonogo ${report.verdict.decision}`, '@_tests': report.checks.length + report.kpis.length, testsuite: suites },
  }) as string;
  // XML 1.0 forbids most control characters, and CI viewers would render the rest.
  return `<?xml version="1.0" encoding="UTF-8"?>\n${visible(body)}`;
}
