import type { ReportingDescriptor } from 'sarif';
import type { Area, CheckResult, KpiResult, Report } from '../../core/report-schema.ts';
import { catalogueEntry } from '../../core/catalogue.ts';
import { kpiRemedy, remedyFor } from '../remedies.ts';

/** GitHub keeps at most 20 tags per rule (and shows 10); ours are few, the cap only guards team-defined areas. */
export const MAX_TAGS = 20;

/** Which kind of finding each area produces: GitHub lists rules tagged `security` as security alerts. */
const CATEGORY: Record<Area, 'security' | 'reliability' | 'performance'> = {
  auth: 'security',
  escrow: 'security',
  email: 'security',
  ratelimit: 'security',
  config: 'security',
  cors: 'security',
  browser: 'security',
  csrf: 'security',
  input: 'security',
  headers: 'security',
  tls: 'security',
  deps: 'security',
  health: 'reliability',
  load: 'performance',
};

/** GitHub's security-severity scale (0-10): blockers rank as high, warn-level checks as medium. */
const SEVERITY = { blocker: '8.0', warn: '4.0' } as const;

/** `kpi` is no check area, so a KPI rule id never collides with a check id. */
export const kpiRuleId = (k: KpiResult): string => `kpi.${k.id}`;

function uniqueTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.slice(0, 255)))].slice(0, MAX_TAGS);
}

/** `escrow.webhook-bad-signature` -> `EscrowWebhookBadSignature`: SARIF's name is an identifier-like label. */
function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

const LEVEL_TEXT = {
  blocker: 'Blocker: a failure, or a check that could not run, makes the launch NO-GO.',
  warn: 'Warn level: a failure is reported but does not block the launch.',
} as const;

export function checkRule(c: CheckResult): ReportingDescriptor {
  const entry = catalogueEntry(c.id);
  const title = entry?.title ?? c.title;
  const level = entry?.level ?? c.level;
  const remedy = remedyFor(c.id);
  const category = CATEGORY[c.area];
  return {
    id: c.id,
    name: pascal(c.id),
    shortDescription: { text: title },
    fullDescription: { text: `${title}. Checked by the ${c.suite} suite (${c.area}). ${LEVEL_TEXT[level]}` },
    help: {
      text: `${remedy} ${LEVEL_TEXT[level]}`,
      markdown: `**${title}**\n\n${remedy}\n\n_${LEVEL_TEXT[level]}_ Check id \`${c.id}\`, ${c.suite} suite.`,
    },
    defaultConfiguration: { level: level === 'blocker' ? 'error' : 'warning' },
    properties: {
      tags: uniqueTags([category, c.area, c.suite, 'gonogo']),
      ...(category === 'security' ? { 'security-severity': SEVERITY[level] } : {}),
    },
  };
}

export function kpiRule(k: KpiResult, report: Report): ReportingDescriptor {
  const file = report.run.provenance.kpiFile ? 'the KPI file' : 'kpis.yaml';
  const remedy = kpiRemedy(k);
  const category = k.suite === 'load' ? 'performance' : 'security';
  return {
    id: kpiRuleId(k),
    name: `Kpi${pascal(k.id)}`,
    shortDescription: { text: `KPI ${k.id}: ${k.description}` },
    fullDescription: {
      text: `${k.description}: ${k.threshold}. Documented in ${file} (source: ${k.source}). A failing KPI, or one that could not be measured in a suite that ran, makes the launch NO-GO.`,
    },
    help: {
      text: `${remedy} Threshold: ${k.threshold}. Source: ${k.source}.`,
      markdown: `**KPI ${k.id}**: ${k.description}\n\n- threshold: \`${k.threshold}\`\n- source: ${k.source}\n\n${remedy}`,
    },
    defaultConfiguration: { level: 'error' },
    properties: {
      tags: uniqueTags([category, 'kpi', ...(k.suite ? [k.suite] : []), 'gonogo']),
      ...(category === 'security' ? { 'security-severity': SEVERITY.blocker } : {}),
    },
  };
}
