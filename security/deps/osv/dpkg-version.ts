/**
 * Debian version order (Debian Policy 5.6.12, dpkg's lib/dpkg/version.c): `[epoch:]upstream[-revision]`, compared
 * epoch first, then upstream and revision each by alternating non-digit and digit runs, where `~` sorts before
 * everything, even the end of the string, letters before other characters, and digit runs compare as numbers.
 * Written out because no maintained npm package implements it (the few that exist are unmaintained); it is short
 * and fixed by the policy.
 */

export interface DebianVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

// The characters Policy allows in upstream and revision; a colon only when there is an epoch.
const VERSION_RE = /^(?:(\d+):)?([0-9A-Za-z.+~:-]+?)(?:-([0-9A-Za-z.+~]+))?$/;

export function parseDebianVersion(v: string): DebianVersion | null {
  const m = VERSION_RE.exec(v.trim());
  // dpkg refuses an empty revision ("1.0-"), which the pattern would read as part of the upstream version.
  if (!m || v.trim().endsWith('-')) return null;
  const [, epoch, upstream, revision] = m;
  if (!upstream || !/^[0-9]/.test(upstream) || (!epoch && upstream.includes(':'))) return null;
  return { epoch: epoch ? Number(epoch) : 0, upstream, revision: revision ?? '' };
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/** dpkg's order(): `~` lowest, then the end of the string and digits, then letters, then everything else. */
function weight(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAlpha(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp(): one upstream or revision part against another. */
function compareParts(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const wa = weight(a[i]);
      const wb = weight(b[j]);
      if (wa !== wb) return Math.sign(wa - wb);
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let firstDiff = 0;
    while (i < a.length && isDigit(a[i]!) && j < b.length && isDigit(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a[i]!)) return 1;
    if (j < b.length && isDigit(b[j]!)) return -1;
    if (firstDiff) return Math.sign(firstDiff);
  }
  return 0;
}

/** Negative, zero or positive as a sorts before, with or after b; throws on a string that is no Debian version. */
export function compareDebianVersions(a: string, b: string): number {
  const x = parseDebianVersion(a);
  const y = parseDebianVersion(b);
  if (!x || !y) throw new Error(`not a Debian version: "${x ? b : a}"`);
  if (x.epoch !== y.epoch) return Math.sign(x.epoch - y.epoch);
  return compareParts(x.upstream, y.upstream) || compareParts(x.revision, y.revision);
}
