import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactLocation, Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { CheckResult, KpiResult, Report } from '../core/report-schema.ts';
import { checkFiles, displayPath, kpiFileRef, kpiNotSelected, kpiRegression, type FileRef } from './where.ts';
import { checkReason, figure, kpiRegressionText } from './render/evidence-text.ts';
import { checkRule, kpiRule, kpiRuleId } from './sarif/rules.ts';
import { visible } from './render/visible.ts';
import { skipKind, skipLabel } from './skip.ts';

/**
 * SARIF 2.1.0 for code-scanning UIs (GitHub, Azure DevOps): one rule per check id and per KPI, one result per
 * check that failed, errored or warned and per KPI that failed, regressed or could not be measured.
 */
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Relative paths are relative to the directory the run started in, normally the repository root in CI. */
const ROOT = 'SRCROOT';
/** GitHub rejects a result with more than 1,000 locations. */
const MAX_LOCATIONS = 1000;
const MAX_MESSAGE = 4000;

function artifact(path: string, report: Report): ArtifactLocation {
  const shown = displayPath(path, report);
  if (isAbsolute(shown)) return { uri: pathToFileURL(shown).href };
  // Each segment percent-encoded, so a space or `[` in a file name still makes a valid URI reference.
  return { uri: shown.split('/').map(encodeURIComponent).join('/'), uriBaseId: ROOT };
}

function physical(ref: FileRef, report: Report): Location {
  // A whole-file finding (lockfile, config) is annotated on the first line: code scanning needs a line to show it on.
  return { physicalLocation: { artifactLocation: artifact(ref.path, report), region: { startLine: ref.line ?? 1 } } };
}

/** Stable across runs of the same target, so code scanning tracks one finding from release to release. */
function fingerprint(ruleId: string, report: Report, locations: Location[]): Record<string, string> {
  // The bundled reference platform listens on a new port every run: it is one target whatever the port.
  const target = report.run.provenance.reference ? 'reference-platform' : report.run.target.baseUrl;
  const where = locations[0]?.physicalLocation?.artifactLocation?.uri ?? '';
  return {
    'gonogoFinding/v1': createHash('sha256').update(`${ruleId}\n${target}\n${where}`).digest('hex').slice(0, 32),
  };
}

const clip = (s: string): string => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}… (see report.json)` : s);

function checkResult(c: CheckResult, report: Report, ruleIndex: number): Result {
  const files = checkFiles(c, report).slice(0, MAX_LOCATIONS);
  const logical = { logicalLocations: [{ name: c.id, fullyQualifiedName: `${c.suite}/${c.id}`, kind: 'module' }] };
  const locations: Location[] = files.length
    ? files.map((f, i) => (i === 0 ? { ...physical(f, report), ...logical } : physical(f, report)))
    : [logical];
  const what = c.status === 'error' ? 'could not run' : c.status === 'warn' ? 'warning' : 'failed';
  // A browser check's screenshot and trace sit beside the report; paths relative to it.
  const kept = (c.evidence.artifacts ?? []).map((f) => `${f.kind} ${f.path}`).join(', ');
  const text = `${c.status === 'error' ? `${c.title}: could not run: ${c.evidence.message ?? 'no reason recorded'}.` : `${c.title}: ${what}: ${checkReason(c)}.`}${kept ? ` Beside the report: ${kept}.` : ''}`;
  const level: Result.level = c.waiver
    ? 'note'
    : c.status === 'error' || (c.status === 'fail' && c.level === 'blocker')
      ? 'error'
      : 'warning';
  return {
    ruleId: c.id,
    ruleIndex,
    kind: 'fail',
    level,
    message: { text: clip(text) },
    locations,
    partialFingerprints: fingerprint(c.id, report, locations),
    properties: { status: c.status, level: c.level, suite: c.suite },
    ...(c.waiver
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${c.waiver.reason} (${c.waiver.owner}, until ${c.waiver.expires})`,
            },
          ],
        }
      : {}),
  };
}

function kpiResult(k: KpiResult, report: Report, ruleIndex: number): Result {
  const ref = kpiFileRef(k, report);
  const locations: Location[] = ref
    ? [physical(ref, report)]
    : [{ logicalLocations: [{ name: k.id, fullyQualifiedName: `kpis/${k.id}`, kind: 'member' }] }];
  const measured = figure(k.measured);
  const regression = kpiRegressionText(k, report);
  const head =
    k.status === 'not-measured'
      ? `KPI ${k.id} could not be measured (${k.note ?? 'no measurement'}): ${k.threshold}`
      : k.status === 'fail' || k.status === 'waived'
        ? `KPI ${k.id} failed: ${k.threshold}, measured ${measured}${k.note ? ` (${k.note})` : ''}`
        : `KPI ${k.id} passes ${k.threshold} with ${measured}`;
  const text = `${head}${regression ? `; ${regression}` : ''}. Source: ${k.source}.`;
  return {
    ruleId: kpiRuleId(k),
    ruleIndex,
    kind: 'fail',
    level: k.status === 'waived' ? 'note' : 'error',
    message: { text: clip(text) },
    locations,
    partialFingerprints: fingerprint(kpiRuleId(k), report, locations),
    properties: {
      status: k.status,
      measured: k.measured,
      ...(kpiRegression(k, report) ? { regression: kpiRegression(k, report) } : {}),
    },
    ...(k.status === 'waived'
      ? { suppressions: [{ kind: 'external', status: 'accepted', justification: k.note ?? 'waived in the KPI file' }] }
      : {}),
  };
}

const REPORTED = new Set<CheckResult['status']>(['fail', 'error', 'warn']);

/** A KPI is a finding when it failed, was waived, regressed, or could not be measured in a suite that was selected. */
function kpiReported(k: KpiResult, report: Report): boolean {
  if (kpiNotSelected(k, report)) return false;
  return k.status !== 'pass' || kpiRegression(k, report) !== undefined;
}

/** What did not run: visible in the log, but not a finding about the target. */
function notifications(report: Report): Notification[] {
  const out: Notification[] = [];
  if (report.run.interrupted)
    out.push({
      level: 'error',
      message: { text: 'The run was interrupted: the report is incomplete and cannot be GO.' },
    });
  for (const c of report.checks.filter((x) => x.status === 'skip')) {
    // Not applicable is no gap in the evidence; the other kinds keep the report incomplete.
    const level = skipKind(c) === 'not-applicable' ? 'note' : 'warning';
    out.push({
      level,
      message: {
        text: `${c.id} skipped, ${skipLabel(c)}: ${c.skip?.reason ?? c.evidence.message ?? 'no reason recorded'}`,
      },
      descriptor: { id: c.id },
    });
  }
  for (const k of report.kpis.filter((x) => kpiNotSelected(x, report))) {
    out.push({
      level: 'note',
      message: { text: `KPI ${k.id} not measured: the ${k.suite} suite was not selected for this run` },
      descriptor: { id: kpiRuleId(k) },
    });
  }
  return out;
}

export function renderSarif(report: Report): string {
  const checkRules = new Map<string, ReportingDescriptor>();
  for (const c of report.checks) if (!checkRules.has(c.id)) checkRules.set(c.id, checkRule(c));
  const kpiRules = new Map(report.kpis.map((k) => [kpiRuleId(k), kpiRule(k, report)]));
  const rules = [
    ...[...checkRules.values()].sort((a, b) => a.id.localeCompare(b.id)),
    ...[...kpiRules.values()].sort((a, b) => a.id.localeCompare(b.id)),
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));

  const results: Result[] = [
    ...report.checks.filter((c) => REPORTED.has(c.status)).map((c) => checkResult(c, report, index.get(c.id)!)),
    ...report.kpis.filter((k) => kpiReported(k, report)).map((k) => kpiResult(k, report, index.get(kpiRuleId(k))!)),
  ];
  const workDir = report.run.provenance.workDir;
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'gonogo', version: report.tool.version, semanticVersion: report.tool.version, rules } },
        automationDetails: { id: `gonogo/${report.run.label ?? report.run.id}` },
        ...(workDir
          ? { originalUriBaseIds: { [ROOT]: { uri: `${pathToFileURL(workDir).href.replace(/\/?$/, '/')}` } } }
          : {}),
        invocations: [
          {
            executionSuccessful: report.verdict.complete && !report.run.interrupted,
            exitCode: report.verdict.decision === 'GO' ? 0 : 1,
            startTimeUtc: report.run.startedAt,
            endTimeUtc: report.run.finishedAt,
            toolExecutionNotifications: notifications(report),
          },
        ],
        results,
        // The run id ties this file to the report.json beside it.
        properties: {
          gonogoRunId: report.run.id,
          decision: report.verdict.decision,
          complete: report.verdict.complete,
          reasons: report.verdict.reasons,
          target: report.run.target.baseUrl,
        },
      },
    ],
  };
  // Code-scanning UIs render these texts: escapes and bidi overrides from the target are shown, not obeyed.
  return `${JSON.stringify(log, (_k, v: unknown) => (typeof v === 'string' ? visible(v) : v), 2)}\n`;
}
