import { isAbsolute, relative, sep } from 'node:path';
import type { CheckResult, KpiResult, Report } from '../core/report-schema.ts';

/** A file a result can be traced to: the lockfile of an advisory, the KPI's line, the config that mapped the check. */
export interface FileRef {
  path: string;
  line?: number;
  role: 'lockfile' | 'kpis' | 'config';
}

/** The path relative to the directory the run started in, when it lies inside it; otherwise as recorded. */
export function displayPath(path: string, report: Report): string {
  const root = report.run.provenance.workDir;
  if (!root || !isAbsolute(path)) return path;
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  // Lockfile summaries are objects ({ file, format, packages }).
  if (v && typeof v === 'object' && typeof (v as { file?: unknown }).file === 'string')
    return [(v as { file: string }).file];
  return [];
}

/** Lockfiles named by a deps check, those with a finding first; all of them when none can be told apart. */
function lockfiles(c: CheckResult): string[] {
  const d = c.evidence.details ?? {};
  const files = [...new Set([...strings(d.lockfile), ...strings(d.lockfiles), ...strings(d.file)])];
  const findings = strings(d.findings);
  const hit = files.filter((f) => findings.some((line) => line.includes(` in ${f}`)));
  return hit.length ? hit : files;
}

export function checkFiles(c: CheckResult, report: Report): FileRef[] {
  const locks = lockfiles(c);
  if (locks.length) return locks.map((path) => ({ path, role: 'lockfile' }));
  const config = report.run.provenance.configFile;
  return config ? [{ path: config, role: 'config' }] : [];
}

export function kpiFileRef(k: KpiResult, report: Report): FileRef | undefined {
  const file = report.run.provenance.kpiFile;
  if (!file) return undefined;
  return k.line ? { path: file, line: k.line, role: 'kpis' } : { path: file, role: 'kpis' };
}

/** Distinct request URLs of a check's evidence, in order. */
export function requestUrls(c: CheckResult): string[] {
  return [...new Set((c.evidence.requests ?? []).map((r) => r.url))];
}

/** The baseline regression of a KPI, when --baseline found one. */
export function kpiRegression(
  k: KpiResult,
  report: Report,
): NonNullable<NonNullable<Report['baseline']>['kpiRegressions']>[number] | undefined {
  return report.baseline?.kpiRegressions?.find((r) => r.id === k.id);
}

/** A KPI of a suite that was not selected for this run: not a failure of the target, only a gap in the report. */
export function kpiNotSelected(k: KpiResult, report: Report): boolean {
  return k.status === 'not-measured' && k.suite !== undefined && !report.run.suites.includes(k.suite);
}
