import type { CheckResult } from '../../core/report-schema.ts';
import type { Measurement } from '../../config/suite.ts';
import type { IgnoreEntry } from '../config.ts';
import { check, describe } from '../checks.ts';
import { readLockfile } from './lockfiles/index.ts';
import {
  osvEcosystem,
  type Advisory,
  type AdvisoryDb,
  type LockedPackage,
  type ParsedLockfile,
  type Severity,
} from './types.ts';

export interface Finding {
  advisory: {
    id: string;
    aliases: string[];
    summary: string;
    severity: Severity;
    score?: number;
    url?: string;
    fixed?: string[];
  };
  package: { name: string; version: string; ecosystem: string; direct: boolean | null; file: string };
  ignored?: IgnoreEntry;
  /** An ignore entry that expired: the finding counts again. */
  expiredIgnore?: IgnoreEntry;
}

export interface DepsAuditResult {
  lockfiles: Array<{
    file: string;
    format: string;
    detail?: string;
    packages: number;
    direct: number;
    skipped: string[];
  }>;
  source: string;
  date: string | null;
  findings: Finding[];
  counts: Record<Severity, number>;
  checks: CheckResult[];
  measurements: Measurement[];
}

/**
 * The fixed versions in words, for the finding text and the console: "fixed in 4.17.21", or that the
 * source names no fix; nothing when the source cannot tell (npm audit's output carries no versions).
 */
export function fixText(fixed: string[] | undefined, lead = ''): string {
  if (!fixed) return '';
  return `${lead}${fixed.length ? `fixed in ${fixed.join(', ')}` : 'no fixed version published'}`;
}

function ignoreFor(a: Advisory, ignore: IgnoreEntry[]): IgnoreEntry | undefined {
  const ids = new Set([a.id, ...a.aliases]);
  return ignore.find((i) => ids.has(i.id));
}

/**
 * A platform declared to have no lockfile: a failure, never a silent pass, that a waiver of deps.advisories in
 * kpis.yaml turns into an accepted one (the deps KPIs stay unmeasured until waived too).
 */
export function noLockfileCheck(reason: string, durationMs = 0): CheckResult {
  return check(
    'deps.advisories',
    'fail',
    {
      expected: 'no critical or high advisory in any audited lockfile',
      actual: 'no lockfile audited',
      message: `no lockfile to audit, as declared in security.deps.none: "${reason}"; accept it with a waiver of deps.advisories and of the deps.critical and deps.high KPIs with notMeasured: true, in kpis.yaml`,
      // measured: false tells a checklist that this failure is no evidence about vulnerabilities, only their absence.
      details: { none: reason, measured: false },
    },
    durationMs,
  );
}

export interface DepsAuditInput {
  /** Paths to read, or lockfiles the caller already read (`audit deps` reads first to refuse bad files with exit 2). */
  lockfiles: Array<string | ParsedLockfile>;
  db: AdvisoryDb | Error;
  ignore: IgnoreEntry[];
  /** How an advisory without a severity counts (security.deps.unratedAs); default high. */
  unratedAs?: Exclude<Severity, 'unknown'>;
  today?: string;
  /** The whole audit (reading, advisory lookup, matching) must end within this; past it the check is an error. */
  timeoutS?: number;
  /** The run's own stop (an interrupt): the advisory lookup ends with it. */
  signal?: AbortSignal;
  /** The Debian release of a dpkg status file or deb purls that do not name one (security.deps.debianRelease). */
  debianRelease?: string;
}

/** An OSV ecosystem the source holds no advisory for, with how many packages it would leave unjudged. */
function uncovered(db: AdvisoryDb, packages: LockedPackage[]): Map<string, number> {
  const missing = new Map<string, number>();
  const held = db.ecosystems;
  if (!held) return missing;
  for (const p of packages) {
    const e = osvEcosystem(p);
    if (!held.has(e) && !(p.ecosystem === 'Debian' && held.has('Debian'))) missing.set(e, (missing.get(e) ?? 0) + 1);
  }
  return missing;
}

/**
 * auditDeps with a deadline: past it the check is an `error` saying so, never a pass. Reading a lockfile and
 * the advisory lookup are awaited, so the timer can end them; one synchronous parse cannot be interrupted,
 * so the elapsed time is checked again when the audit ends.
 */
export async function auditDeps(input: DepsAuditInput): Promise<DepsAuditResult> {
  const started = performance.now();
  const timeoutS = input.timeoutS;
  if (timeoutS === undefined) return audit(input, started, input.signal);
  const late = (): DepsAuditResult => timedOut(input, timeoutS, started);
  // Aborting ends the lookup's requests too: a request left open would keep the process alive after the verdict.
  const stop = new AbortController();
  const signal = input.signal ? AbortSignal.any([stop.signal, input.signal]) : stop.signal;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DepsAuditResult>((resolve) => {
    timer = setTimeout(() => {
      stop.abort(new Error(`deadline of ${timeoutS}s`));
      resolve(late());
    }, timeoutS * 1000);
  });
  try {
    const r = await Promise.race([audit(input, started, signal), deadline]);
    return performance.now() - started > timeoutS * 1000 ? late() : r;
  } finally {
    clearTimeout(timer);
    stop.abort(new Error('the audit ended'));
  }
}

function timedOut(input: DepsAuditInput, timeoutS: number, started: number): DepsAuditResult {
  const n = input.lockfiles.length;
  const message = `the dependency audit of ${n} lockfile${n === 1 ? '' : 's'} did not finish within its deadline of ${timeoutS}s (security.deps.timeoutS); nothing was judged, raise the deadline or audit fewer lockfiles at once`;
  return {
    lockfiles: [],
    source: input.db instanceof Error ? 'none' : input.db.source,
    date: null,
    findings: [],
    counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
    checks: [check('deps.advisories', 'error', { message }, performance.now() - started)],
    measurements: [],
  };
}

/** Matches every package of every lockfile against the advisories; an ignore entry holds until its expiry date. */
async function audit(input: DepsAuditInput, started: number, signal?: AbortSignal): Promise<DepsAuditResult> {
  const today = input.today ?? new Date().toISOString().slice(0, 10);
  const parsed: ParsedLockfile[] = [];
  const errors: string[] = [];
  for (const f of input.lockfiles) {
    if (typeof f !== 'string') {
      parsed.push(f);
      continue;
    }
    try {
      parsed.push(await readLockfile(f, { debianRelease: input.debianRelease }));
    } catch (e) {
      errors.push(describe(e));
    }
  }
  const db = input.db;
  const summary = parsed.map((p) => ({
    file: p.file,
    format: p.format,
    ...(p.detail ? { detail: p.detail } : {}),
    packages: p.packages.length,
    direct: p.packages.filter((x) => x.direct).length,
    skipped: p.skipped,
  }));
  const base = {
    lockfiles: summary,
    source: db instanceof Error ? 'none' : db.source,
    date: db instanceof Error ? null : db.date,
  };
  const empty: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
  const fail = (message: string): DepsAuditResult => ({
    ...base,
    findings: [],
    counts: empty,
    checks: [
      check('deps.advisories', 'error', { message, details: { lockfiles: summary } }, performance.now() - started),
    ],
    measurements: [],
  });

  if (input.lockfiles.length === 0)
    return fail(
      'no lockfile to audit: set security.deps.lockfiles (no known lockfile was found beside the config file), or declare security.deps.none with the reason when the platform has none',
    );
  if (errors.length) return fail(`lockfiles could not be read: ${errors.join('; ')}`);
  if (db instanceof Error) return fail(`no advisory source: ${describe(db)}`);

  const packages: LockedPackage[] = parsed.flatMap((p) => p.packages);
  // The source must answer for every ecosystem audited: an npm-only export says nothing about Debian packages.
  const missing = uncovered(db, packages);
  if (missing.size) {
    const list = [...missing].map(([e, n]) => `${e} (${n} package${n === 1 ? '' : 's'})`).join(', ');
    return fail(
      `the advisory source ${db.source} holds no advisory for ${list}: those packages would pass unjudged. Use an OSV export that covers them (https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip, e.g. Debian/all.zip) or the OSV API (security.deps.source)`,
    );
  }
  let advisories: Advisory[];
  try {
    advisories = await db.lookup(packages, signal);
  } catch (e) {
    return { ...fail(`advisories could not be fetched from ${db.source}: ${describe(e)}`), date: null };
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const pkg of packages) {
    for (const a of advisories) {
      if (!a.affects(pkg)) continue;
      // The same advisory under another id (GHSA vs CVE) or the same package in two lockfiles counts once.
      const key = `${[a.id, ...a.aliases].sort()[0]}|${pkg.ecosystem}:${pkg.name}@${pkg.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = ignoreFor(a, input.ignore);
      const active = entry && entry.expires >= today ? entry : undefined;
      findings.push({
        advisory: {
          id: a.id,
          aliases: a.aliases,
          summary: a.summary,
          severity: a.severity,
          score: a.score,
          url: a.url,
          fixed: a.fixedFor ? a.fixedFor(pkg) : a.fixed,
        },
        package: { name: pkg.name, version: pkg.version, ecosystem: pkg.ecosystem, direct: pkg.direct, file: pkg.file },
        ...(active ? { ignored: active } : {}),
        ...(entry && !active ? { expiredIgnore: entry } : {}),
      });
    }
  }
  const counted = findings.filter((f) => !f.ignored);
  const counts = { ...empty };
  const distinct = new Map<string, Severity>();
  for (const f of counted) distinct.set(f.advisory.id, f.advisory.severity);
  for (const s of distinct.values()) counts[s]++;
  // An unrated advisory is not a harmless one: it counts as security.deps.unratedAs (high unless the team says otherwise).
  const unratedAs = input.unratedAs ?? 'high';
  const effective = (f: Finding): Severity => (f.advisory.severity === 'unknown' ? unratedAs : f.advisory.severity);
  const blocking = counted.filter((f) => effective(f) === 'critical' || effective(f) === 'high');
  const line = (f: Finding): string =>
    `${f.advisory.id} (${f.advisory.severity === 'unknown' ? `unrated, counted as ${unratedAs}` : f.advisory.severity}${f.advisory.score !== undefined ? ` ${f.advisory.score}` : ''}) ${f.package.name}@${f.package.version} ${f.package.direct === true ? 'direct' : f.package.direct === false ? 'transitive' : ''} in ${f.package.file}${fixText(f.advisory.fixed, '; ')}${f.expiredIgnore ? `; ignore entry expired ${f.expiredIgnore.expires}` : ''}`.replace(
      /\s+/g,
      ' ',
    );
  const ms = performance.now() - started;
  const checks = [
    check(
      'deps.advisories',
      blocking.length ? 'fail' : 'pass',
      {
        expected: 'no critical or high advisory in any audited lockfile',
        actual: `${counts.critical} critical, ${counts.high} high, ${counts.medium} medium, ${counts.low} low, ${counts.unknown} unrated (${packages.length} packages in ${parsed.length} lockfile${parsed.length === 1 ? '' : 's'})`,
        message: blocking.length ? blocking.map(line).join('; ') : undefined,
        details: {
          source: db.source,
          date: db.date,
          lockfiles: summary,
          findings: counted.map(line),
          ignored: findings
            .filter((f) => f.ignored)
            .map(
              (f) =>
                `${f.advisory.id} ${f.package.name}@${f.package.version}: ${f.ignored!.reason} (${f.ignored!.owner}, until ${f.ignored!.expires})`,
            ),
        },
      },
      ms,
    ),
  ];
  const measurements: Measurement[] = [
    {
      metric: 'deps_vulns_critical',
      values: { count: counts.critical + (unratedAs === 'critical' ? counts.unknown : 0) },
      samples: packages.length,
      note: `advisories from ${db.source}${unratedAs === 'critical' && counts.unknown ? `, ${counts.unknown} unrated counted as critical` : ''}`,
    },
    {
      metric: 'deps_vulns_high',
      values: { count: counts.high + (unratedAs === 'high' ? counts.unknown : 0) },
      samples: packages.length,
      note: `advisories from ${db.source}${unratedAs === 'high' && counts.unknown ? `, ${counts.unknown} unrated counted as high` : ''}`,
    },
  ];
  return { ...base, findings, counts, checks, measurements };
}
