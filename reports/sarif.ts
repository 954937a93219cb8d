import type { CheckResult, Report } from './schema.ts';
import { CATALOGUE } from './catalogue.ts';
import { visible } from './render/visible.ts';

/**
 * SARIF 2.1.0 for code-scanning UIs (GitHub, Azure DevOps): one rule per check id, one result per failing
 * check. Load checks are performance, not security findings, and are left out.
 */
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

interface SarifLocation { physicalLocation: { artifactLocation: { uri: string } }; logicalLocations?: Array<{ name: string; kind: string }> }

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  return [];
}

/** Dependency findings point at the lockfile they came from; web findings at the URL that showed them. */
function locations(c: CheckResult, report: Report): SarifLocation[] {
  const d = c.evidence.details ?? {};
  const files = [...new Set([...strings(d.lockfile), ...strings(d.lockfiles), ...strings(d.file)])];
  const urls = [...new Set((c.evidence.requests ?? []).map((r) => r.url))];
  const uris = files.length ? files : urls.length ? urls : [report.run.target.baseUrl];
  return uris.map((uri) => ({ physicalLocation: { artifactLocation: { uri } }, logicalLocations: [{ name: c.id, kind: 'check' }] }));
}

function message(c: CheckResult): string {
  const e = c.evidence;
  return [c.title, e.message, e.expected ? `expected: ${e.expected}` : '', e.actual ? `actual: ${e.actual}` : ''].filter(Boolean).join('. ');
}

export function renderSarif(report: Report): string {
  const checks = report.checks.filter((c) => c.area !== 'load');
  const ruleIds = [...new Set(checks.map((c) => c.id))].sort();
  const rules = ruleIds.map((id) => {
    const c = checks.find((x) => x.id === id)!;
    const title = (CATALOGUE as Record<string, { title: string }>)[id]?.title ?? c.title;
    return {
      id, name: id.replace(/[.-](\w)/g, (_, ch: string) => ch.toUpperCase()),
      shortDescription: { text: title },
      defaultConfiguration: { level: c.level === 'blocker' ? 'error' : 'warning' },
      properties: { tags: ['security', c.area, c.suite] },
    };
  });
  const results = checks.filter((c) => c.status === 'fail').map((c) => ({
    ruleId: c.id,
    ruleIndex: ruleIds.indexOf(c.id),
    level: c.waiver ? 'note' : c.level === 'blocker' ? 'error' : 'warning',
    message: { text: message(c) },
    locations: locations(c, report),
    // Stable across runs so code scanning can track a finding from one release to the next.
    partialFingerprints: { gonogoCheck: `${c.id}@${report.run.target.baseUrl}` },
    ...(c.waiver ? { suppressions: [{ kind: 'external', justification: `${c.waiver.reason} (${c.waiver.owner}, until ${c.waiver.expires})` }] } : {}),
  }));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'gonogo', version: report.tool.version, rules } },
      automationDetails: { id: `gonogo/${report.run.label ?? report.run.id}` },
      invocations: [{ executionSuccessful: report.verdict.complete, startTimeUtc: report.run.startedAt, endTimeUtc: report.run.finishedAt }],
      results,
      // The run id ties this file to the report.json beside it.
      properties: { gonogoRunId: report.run.id },
    }],
  };
  // Code-scanning UIs render these texts: escapes and bidi overrides from the target are shown, not obeyed.
  return `${JSON.stringify(sarif, (_k, v: unknown) => (typeof v === 'string' ? visible(v) : v), 2)}\n`;
}
