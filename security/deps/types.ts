import { InputError } from '../../core/errors.ts';

export type Ecosystem = 'npm' | 'PyPI' | 'Debian';

/** One resolved package from a lockfile. */
export interface LockedPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** true = declared by the project, false = pulled in by another package, null = the format cannot tell. */
  direct: boolean | null;
  dev?: boolean;
  /** Debian only: the release the package was built for ("12"); OSV names the ecosystem "Debian:12". */
  release?: string;
  /** The lockfile the package came from. */
  file: string;
}

export interface ParsedLockfile {
  file: string;
  format:
    | 'package-lock-v1'
    | 'package-lock-v2'
    | 'package-lock-v3'
    | 'yarn-classic'
    | 'yarn-berry'
    | 'pnpm'
    | 'requirements'
    | 'poetry'
    | 'pipfile'
    | 'cyclonedx'
    | 'spdx'
    | 'dpkg-status'
    | 'pip-freeze'
    | 'pip-list';
  /** The one ecosystem of its packages; an SBOM may hold several. */
  ecosystem: Ecosystem | 'mixed';
  /** What the reader learnt beside the packages, for the evidence: "CycloneDX 1.5", "Debian 12 (from /etc/os-release)". */
  detail?: string;
  packages: LockedPackage[];
  /** Entries that could not be audited (unpinned requirements, git or file dependencies). */
  skipped: string[];
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'unknown';

export interface Advisory {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  /** CVSS base score when a vector was available. */
  score?: number;
  url?: string;
  modified?: string;
  /** Does the advisory affect this exact package version? */
  affects(pkg: LockedPackage): boolean;
  /** Versions that fix it, when known (for the report). */
  fixed?: string[];
  /** The versions that fix it for this installed package, nearest first; absent when the source cannot tell per package. */
  fixedFor?(pkg: LockedPackage): string[];
}

export interface AdvisoryDb {
  /** e.g. "OSV directory security/deps/osv-demo (5 advisories)". */
  source: string;
  /** How fresh the data is: newest `modified` among the advisories, or the export's date. */
  date: string | null;
  /**
   * The OSV ecosystems ("npm", "Debian:12") the source holds advisories for; absent when it answers for every one
   * (the OSV API). A package of an ecosystem the source does not hold cannot be judged against it.
   */
  ecosystems?: ReadonlySet<string>;
  /** Advisories that may concern these packages; `signal` ends the lookup early (the audit's deadline). */
  lookup(pkgs: LockedPackage[], signal?: AbortSignal): Promise<Advisory[]>;
}

/** A lockfile that cannot be read or makes no sense: an input error (exit 2 for `audit deps`, an `error` check in a run). */
export class LockfileError extends InputError {
  override name = 'LockfileError';
}

export class AdvisorySourceError extends Error {
  override name = 'AdvisorySourceError';
}

/** The ecosystem name OSV uses for a package: Debian's carries the release ("Debian:12"). */
export function osvEcosystem(pkg: Pick<LockedPackage, 'ecosystem' | 'release'>): string {
  return pkg.ecosystem === 'Debian' && pkg.release ? `Debian:${pkg.release}` : pkg.ecosystem;
}

/** PEP 503 name normalisation: PyPI names compare case- and separator-insensitively. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
