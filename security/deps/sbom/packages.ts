import { LockfileError, normalizePypiName, type Ecosystem, type LockedPackage } from '../types.ts';
import { parsePurl } from './purl.ts';

export interface SbomOptions {
  /** The Debian release of deb packages whose purl has no distro qualifier (security.deps.debianRelease). */
  debianRelease?: string;
}

/** The one ecosystem of an input's packages, or "mixed". */
export function ecosystemOfPackages(packages: LockedPackage[]): Ecosystem | 'mixed' {
  const set = new Set(packages.map((p) => p.ecosystem));
  return set.size === 1 ? [...set][0]! : 'mixed';
}

/** Debian's code names, as syft and others write them in a purl's `distro` qualifier, with their release numbers. */
export const DEBIAN_CODENAMES: Record<string, string> = {
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
};

/** "debian-12", "debian-12.5", "bookworm", "12" -> "12"; anything else -> undefined. */
export function debianReleaseOf(distro: string | undefined): string | undefined {
  if (!distro) return undefined;
  const d = distro.toLowerCase().replace(/^debian[-:/ ]?/, '');
  return DEBIAN_CODENAMES[d] ?? /^(\d+)(?:\.\d+)*$/.exec(d)?.[1];
}

export type FromPurl = { pkg: LockedPackage } | { skip: string } | { noRelease: string };

/**
 * The audited package a purl names: npm, PyPI, and Debian's own packages (`pkg:deb/debian/...`). A Debian package
 * is audited under its source package (the `upstream` qualifier), as OSV's Debian advisories name source packages;
 * its release comes from the `distro` qualifier or, failing that, from `release` (security.deps.debianRelease).
 */
export function packageOfPurl(
  text: string,
  file: string,
  release: string | undefined,
  direct: boolean | null,
  dev = false,
): FromPurl {
  const purl = parsePurl(text);
  if (!purl) return { skip: `${text} (not a package URL)` };
  if (!purl.version) return { skip: `${text} (no version)` };
  const base = { version: purl.version, direct, file, ...(dev ? { dev } : {}) };
  switch (purl.type) {
    case 'npm':
      return {
        pkg: { ecosystem: 'npm', name: purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name, ...base },
      };
    case 'pypi':
      return { pkg: { ecosystem: 'PyPI', name: normalizePypiName(purl.name), ...base } };
    case 'deb': {
      if (purl.namespace?.toLowerCase() !== 'debian')
        return { skip: `${text} (${purl.namespace ?? 'unnamed'} packages are not audited: only Debian's)` };
      const rel = debianReleaseOf(purl.qualifiers.distro ?? purl.qualifiers.distro_name) ?? release;
      if (!rel) return { noRelease: text };
      const upstream = purl.qualifiers.upstream;
      const at = upstream?.indexOf('@') ?? -1;
      const name = upstream ? (at > 0 ? upstream.slice(0, at) : upstream) : purl.name;
      const version = upstream && at > 0 ? upstream.slice(at + 1) : purl.version;
      return { pkg: { ecosystem: 'Debian', name, ...base, version, release: rel } };
    }
    default:
      return { skip: `${text} (${purl.type} packages are not audited)` };
  }
}

export interface SbomEntry {
  label: string;
  purl?: string;
  direct: boolean | null;
  dev?: boolean;
}

/**
 * The packages of an SBOM's entries, one per ecosystem, name, version (and Debian release): the binary packages
 * of one Debian source are one audited package. An entry without a purl, or of a kind gonogo does not audit, is
 * listed as skipped. A Debian package whose release nobody names is an error: matched against no release, it
 * would pass every advisory.
 */
export function packagesOfEntries(
  entries: SbomEntry[],
  file: string,
  release: string | undefined,
  kind: string,
): { packages: LockedPackage[]; skipped: string[] } {
  const byKey = new Map<string, LockedPackage>();
  const skipped: string[] = [];
  const noRelease: string[] = [];
  for (const e of entries) {
    if (!e.purl) {
      skipped.push(`${e.label} (no purl)`);
      continue;
    }
    const r = packageOfPurl(e.purl, file, release, e.direct, e.dev);
    if ('skip' in r) {
      skipped.push(r.skip);
      continue;
    }
    if ('noRelease' in r) {
      noRelease.push(r.noRelease);
      continue;
    }
    const key = `${r.pkg.ecosystem}:${r.pkg.release ?? ''}:${r.pkg.name}@${r.pkg.version}`;
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, r.pkg);
    else if (r.pkg.direct) prev.direct = true;
  }
  if (noRelease.length) {
    throw new LockfileError(
      `${file}: ${noRelease.length} Debian package${noRelease.length === 1 ? '' : 's'} of this ${kind} name no Debian release (e.g. ${noRelease[0]}, without a distro qualifier); OSV's Debian advisories are per release ("Debian:12"): set security.deps.debianRelease (or --debian-release) to the release the packages come from`,
    );
  }
  return { packages: [...byKey.values()], skipped };
}
