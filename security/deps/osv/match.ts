import semver from 'semver';
import * as pep440 from '@renovatebot/pep440';
import { normalizePypiName, type Advisory, type Ecosystem, type LockedPackage, type Severity } from '../types.ts';
import { cvss3BaseScore, ratingOf } from './cvss.ts';
import { compareDebianVersions, parseDebianVersion } from './dpkg-version.ts';
import type { OsvAffected, OsvRange, OsvRecord } from './schema.ts';

interface VersionOrder {
  valid(v: string): boolean;
  compare(a: string, b: string): number;
  equal(a: string, b: string): boolean;
}

/** Each ecosystem's own version order: semver for npm, PEP 440 for PyPI (epochs, pre/post/dev releases), dpkg's for Debian. */
export const ORDERS: Record<Ecosystem, VersionOrder> = {
  npm: {
    valid: (v) => semver.valid(v) !== null,
    compare: (a, b) => semver.compare(a, b),
    equal: (a, b) => semver.eq(a, b),
  },
  PyPI: {
    valid: (v) => pep440.valid(v) !== null,
    compare: (a, b) => pep440.compare(a, b),
    equal: (a, b) => pep440.eq(a, b),
  },
  Debian: {
    valid: (v) => parseDebianVersion(v) !== null,
    compare: (a, b) => compareDebianVersions(a, b),
    equal: (a, b) => compareDebianVersions(a, b) === 0,
  },
};

export function ecosystemOf(osvEcosystem: string): Ecosystem | null {
  // OSV ecosystems may carry a suffix ("Debian:12"); npm, PyPI and Debian are audited.
  const base = osvEcosystem.split(':')[0];
  return base === 'npm' ? 'npm' : base === 'PyPI' ? 'PyPI' : base === 'Debian' ? 'Debian' : null;
}

/** Does an OSV `affected` entry name this package: same ecosystem, same name, and for Debian the same release? */
function concerns(entry: OsvAffected, pkg: LockedPackage): boolean {
  const eco = entry.package ? ecosystemOf(entry.package.ecosystem) : null;
  if (!eco || eco !== pkg.ecosystem || !samePackage(eco, entry.package!.name, pkg.name)) return false;
  // "Debian:12" concerns bookworm's packages only: the same source version may be fixed in one release and not another.
  const release = entry.package!.ecosystem.split(':')[1];
  return eco !== 'Debian' || release === undefined || release === pkg.release;
}

export function samePackage(eco: Ecosystem, a: string, b: string): boolean {
  return eco === 'PyPI' ? normalizePypiName(a) === normalizePypiName(b) : a === b;
}

/**
 * OSV's evaluation of one SEMVER/ECOSYSTEM range (osv-schema "Evaluation"): walk the events in version order;
 * `introduced` opens, `fixed` closes at that version, `last_affected` closes after it; `limit` caps the range.
 */
export function inRange(version: string, range: OsvRange, order: VersionOrder): boolean {
  if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') return false;
  const point = (e: OsvRange['events'][number]): string | undefined =>
    e.introduced ?? e.fixed ?? e.last_affected ?? e.limit;
  const events = range.events.filter((e) => {
    const p = point(e);
    return p !== undefined && (p === '0' || order.valid(p));
  });
  const cmp = (a: string, b: string): number =>
    a === '0' ? (b === '0' ? 0 : -1) : b === '0' ? 1 : order.compare(a, b);
  const limits = events.filter((e) => e.limit !== undefined && e.limit !== '*').map((e) => e.limit!);
  if (limits.length && limits.every((l) => cmp(version, l) >= 0)) return false;
  const sorted = events.filter((e) => e.limit === undefined).sort((x, y) => cmp(point(x)!, point(y)!));
  let affected = false;
  for (const e of sorted) {
    if (e.introduced !== undefined) {
      if (cmp(version, e.introduced) >= 0) affected = true;
    } else if (e.fixed !== undefined) {
      if (cmp(version, e.fixed) >= 0) affected = false;
    } else if (e.last_affected !== undefined) {
      if (cmp(version, e.last_affected) > 0) affected = false;
    }
  }
  return affected;
}

export function affectedEntryMatches(entry: OsvAffected, pkg: LockedPackage): boolean {
  if (!concerns(entry, pkg)) return false;
  const order = ORDERS[pkg.ecosystem];
  if (!order.valid(pkg.version)) return false;
  if (entry.versions?.some((v) => order.valid(v) && order.equal(v, pkg.version))) return true;
  return (entry.ranges ?? []).some((r) => inRange(pkg.version, r, order));
}

/** Severity from a CVSS v3 vector when there is one, else the database's own rating (GHSA's "MODERATE" = medium). */
export function severityOf(record: OsvRecord): { severity: Severity; score?: number } {
  // OSV's malicious-package entries (MAL-) carry no score: a package published to attack its users is critical.
  if (record.id.startsWith('MAL-')) return { severity: 'critical' };
  for (const s of record.severity ?? []) {
    if (s.type === 'CVSS_V3') {
      const score = cvss3BaseScore(s.score);
      if (score !== null) {
        const r = ratingOf(score);
        return { severity: r === 'none' ? 'low' : r, score };
      }
    }
  }
  const named = [
    record.database_specific?.severity,
    ...(record.affected ?? []).flatMap((a) => [a.database_specific?.severity, a.ecosystem_specific?.severity]),
  ].find((v): v is string => typeof v === 'string');
  const map: Record<string, Severity> = {
    critical: 'critical',
    high: 'high',
    moderate: 'medium',
    medium: 'medium',
    low: 'low',
  };
  if (named && map[named.toLowerCase()]) return { severity: map[named.toLowerCase()]! };
  // Debian's security tracker rates by urgency ("low**" marks a guess); "unimportant" means its packages are barely affected.
  const urgency = (record.affected ?? [])
    .map((a) => a.ecosystem_specific?.urgency)
    .find((v): v is string => typeof v === 'string');
  const debian: Record<string, Severity> = { unimportant: 'low', low: 'low', medium: 'medium', high: 'high' };
  return { severity: (urgency && debian[urgency.toLowerCase().replace(/\*+$/, '')]) || 'unknown' };
}

function fixedVersions(record: OsvRecord): string[] {
  return [
    ...new Set(
      (record.affected ?? []).flatMap((a) =>
        (a.ranges ?? []).flatMap((r) => r.events.map((e) => e.fixed).filter((f): f is string => !!f)),
      ),
    ),
  ];
}

/**
 * The versions that fix an advisory for one installed package, from OSV's `affected[].ranges[].events[].fixed`:
 * only the entries of that package, only the ranges its version falls in, the fix that closes its interval,
 * lowest first (the nearest upgrade leads). Empty when OSV names no fix (a `last_affected` range, or none yet).
 */
export function fixedFor(record: OsvRecord, pkg: LockedPackage): string[] {
  const eco = pkg.ecosystem;
  const order = ORDERS[eco];
  if (!order.valid(pkg.version)) return [];
  const fixes = (record.affected ?? [])
    .filter((a) => concerns(a, pkg))
    .flatMap((a) => (a.ranges ?? []).filter((r) => inRange(pkg.version, r, order)))
    // In a range of several intervals, the fix of the interval the version is in is the first one above it.
    .flatMap((r) =>
      r.events
        .map((e) => e.fixed)
        .filter((f): f is string => f !== undefined && order.valid(f) && order.compare(f, pkg.version) > 0)
        .sort((x, y) => order.compare(x, y))
        .slice(0, 1),
    );
  return [...new Set(fixes)].sort((a, b) => order.compare(a, b));
}

/** Turns an OSV record into an advisory, or null when it is withdrawn (withdrawn advisories are skipped). */
export function toAdvisory(record: OsvRecord, now = Date.now()): Advisory | null {
  if (record.withdrawn && Date.parse(record.withdrawn) <= now) return null;
  const { severity, score } = severityOf(record);
  const url = record.references?.find((r) => r.type === 'ADVISORY')?.url ?? record.references?.[0]?.url;
  return {
    id: record.id,
    aliases: record.aliases ?? [],
    summary: record.summary ?? record.details?.split('\n')[0]?.slice(0, 200) ?? '',
    severity,
    ...(score !== undefined ? { score } : {}),
    ...(url ? { url } : {}),
    modified: record.modified,
    fixed: fixedVersions(record),
    fixedFor: (pkg) => fixedFor(record, pkg),
    affects: (pkg) => (record.affected ?? []).some((a) => affectedEntryMatches(a, pkg)),
  };
}

/** Package names an advisory concerns, for indexing a database by name. */
export function packagesOf(record: OsvRecord): Array<{ ecosystem: Ecosystem; name: string }> {
  return (record.affected ?? []).flatMap((a) => {
    const eco = a.package ? ecosystemOf(a.package.ecosystem) : null;
    return eco ? [{ ecosystem: eco, name: eco === 'PyPI' ? normalizePypiName(a.package!.name) : a.package!.name }] : [];
  });
}
