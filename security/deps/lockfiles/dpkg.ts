import type { LockedPackage, ParsedLockfile } from '../types.ts';

export interface Stanza {
  [field: string]: string;
}

/** The stanzas of a deb822 file (dpkg's status): fields `Name: value`, continuation lines indented, stanzas apart by blank lines. */
export function stanzas(text: string): Stanza[] {
  const out: Stanza[] = [];
  let current: Stanza = {};
  let last: string | undefined;
  const flush = (): void => {
    if (Object.keys(current).length) out.push(current);
    current = {};
    last = undefined;
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (last) current[last] += `\n${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    last = m[1]!.toLowerCase();
    current[last] = m[2]!.trim();
  }
  flush();
  return out;
}

/** A dpkg status file begins with a stanza naming a package, its version and its install status. */
export function looksLikeDpkgStatus(text: string): boolean {
  const head =
    text
      .replace(/^\uFEFF/, '')
      .trimStart()
      .split(/\n[ \t]*\r?\n/, 1)[0] ?? '';
  return /^Package:[ \t]*\S/m.test(head) && /^Status:[ \t]*\S/m.test(head) && /^Version:[ \t]*\S/m.test(head);
}

/**
 * /var/lib/dpkg/status: the packages whose files are on disk (Status "... installed", or unpacked, half-configured,
 * awaiting triggers; not "config-files" or "not-installed"). OSV's Debian advisories name
 * source packages, so each is audited under its source (the `Source:` field, with the source version when it
 * differs: "glibc (2.36-9+deb12u4)"); the binaries of one source count once. `release` is the Debian release
 * ("12") the caller established.
 */
export function parseDpkgStatus(text: string, file: string, release: string, how: string): ParsedLockfile {
  const bySource = new Map<string, LockedPackage>();
  const skipped: string[] = [];
  let installed = 0;
  for (const s of stanzas(text)) {
    const name = s.package;
    if (!name) continue;
    // Only config-files and not-installed leave no code on disk; an unpacked or half-configured package's files are there.
    const state = (s.status ?? '').split(/\s+/)[2];
    if (!state || state === 'config-files' || state === 'not-installed') {
      skipped.push(`${name} (${s.status ? `status ${s.status}` : 'no Status field'})`);
      continue;
    }
    if (!s.version) {
      skipped.push(`${name} (no Version field)`);
      continue;
    }
    installed++;
    const src = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(s.source ?? '');
    const source = src?.[1] ?? name;
    const version = src?.[2] ?? s.version;
    const key = `${source}@${version}`;
    if (!bySource.has(key))
      bySource.set(key, { ecosystem: 'Debian', name: source, version, release, direct: null, file });
  }
  return {
    file,
    format: 'dpkg-status',
    ecosystem: 'Debian',
    detail: `Debian ${release} (${how}); ${installed} installed binary packages from ${bySource.size} source packages`,
    packages: [...bySource.values()],
    skipped,
  };
}

/** The Debian release most versions name in their security or backport suffix ("+deb12u3", "~deb12u1", "~bpo12+1"), when they agree. */
export function releaseFromVersions(versions: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of versions) {
    const m = /[+~](?:deb(\d+)u\d+|bpo(\d+)\+\d+)/.exec(v);
    const r = m?.[1] ?? m?.[2];
    if (r) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const total = sorted.reduce((n, [, c]) => n + c, 0);
  // A system mid-upgrade carries two releases' suffixes: only a clear majority (nine in ten) names the release.
  return sorted[0] && sorted[0][1] >= 0.9 * total ? sorted[0][0] : undefined;
}
