import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareDebianVersions, parseDebianVersion } from '../../security/deps/osv/dpkg-version.ts';
import { ORDERS, inRange } from '../../security/deps/osv/match.ts';

// Pairs in ascending order, from Debian Policy 5.6.12's rules and this machine's own package versions.
const ASCENDING: Array<[string, string]> = [
  ['1.0~rc1', '1.0'], // a tilde sorts before the end of the string
  ['1.0~~', '1.0~~a'],
  ['1.0~~a', '1.0~'],
  ['1.0', '1.0a'], // the end of the string sorts before a letter
  ['1.0a', '1.0+'], // letters before other characters
  ['1.0', '1.0-0.1'],
  ['1.9', '1.10'], // digit runs compare as numbers
  ['1.01', '1.2'],
  ['9.9', '1:0.1'], // the epoch comes first
  ['1:9.2p1-2+deb12u2', '1:9.2p1-2+deb12u6'],
  ['1:9.2p1-2+deb12u6', '1:9.2p1-2+deb12u10'],
  ['2.36-9+deb12u3', '2.36-9+deb12u14'],
  ['3.0.11-1~deb12u2', '3.0.11-1'], // a backport sorts before the release it backports
  ['1.10.0-3', '1.10.0-3+b1'], // a binNMU sorts after its source version
  ['1.2-3-4', '1.2-3-5'], // the revision is after the last hyphen
  ['1:1.2.13.dfsg-1', '1:1.3.dfsg+really1.3.1-1'],
];

describe('Debian version order (Policy 5.6.12)', () => {
  it('orders each pair, both ways, and a version equals itself', () => {
    for (const [a, b] of ASCENDING) {
      expect([a, b, compareDebianVersions(a, b)]).toEqual([a, b, -1]);
      expect(compareDebianVersions(b, a)).toBe(1);
      expect(compareDebianVersions(a, a)).toBe(0);
    }
    expect(compareDebianVersions('0:1.0', '1.0')).toBe(0); // epoch 0 is the absent epoch
    expect(compareDebianVersions('1.0', '1.0-0')).toBe(0); // an absent revision compares as 0
  });

  it('agrees with dpkg --compare-versions where dpkg is installed', { skip: !hasDpkg() }, () => {
    const lt = (a: string, b: string): boolean => {
      try {
        execFileSync('dpkg', ['--compare-versions', a, 'lt', b]);
        return true;
      } catch {
        return false;
      }
    };
    for (const [a, b] of ASCENDING) expect([a, b, lt(a, b), lt(b, a)]).toEqual([a, b, true, false]);
  });

  it('parses epoch, upstream and revision; refuses what is no Debian version', () => {
    expect(parseDebianVersion('1:9.2p1-2+deb12u6')).toEqual({ epoch: 1, upstream: '9.2p1', revision: '2+deb12u6' });
    expect(parseDebianVersion('2:1.2-3-4')).toEqual({ epoch: 2, upstream: '1.2-3', revision: '4' });
    expect(parseDebianVersion('590-2.1~deb12u2')).toEqual({ epoch: 0, upstream: '590', revision: '2.1~deb12u2' });
    for (const bad of ['', 'a1.0', '1.0 beta', 'x:1.0', '2:3-'])
      expect([bad, parseDebianVersion(bad)]).toEqual([bad, null]);
    expect(() => compareDebianVersions('1.0', 'a1.0')).toThrow(/not a Debian version: "a1.0"/);
  });

  it('drives OSV ECOSYSTEM ranges for Debian (DSA-5586-1 for bookworm: fixed in 1:9.2p1-2+deb12u2)', () => {
    const r = { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:9.2p1-2+deb12u2' }] };
    expect(
      ['1:9.2p1-2', '1:9.2p1-2+deb12u1', '1:9.2p1-2+deb12u2', '1:9.2p1-2+deb12u6', '9.9p1-1'].map((v) =>
        inRange(v, r, ORDERS.Debian),
      ),
    ).toEqual([true, true, false, false, true]);
  });
});

function hasDpkg(): boolean {
  try {
    execFileSync('dpkg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
