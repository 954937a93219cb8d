import { describe, expect, it } from 'vitest';
import { firstChange, lockoutFinding, refineWith } from '../../../smoke/lib/lockout.ts';

/**
 * A platform that locks after `threshold` failures, answering `failed` to a counted failure and `locked`
 * while locked. `lockAnswersAtThreshold`: the threshold-th failure itself gets the lock answer (django-axes).
 */
function platform(threshold: number, o: { lockAnswersAtThreshold?: boolean; failed?: number; locked?: number } = {}) {
  let failures = 0;
  const failed = o.failed ?? 401;
  const locked = o.locked ?? 423;
  return {
    wrong(): number {
      if (failures >= threshold) return locked;
      failures++;
      return failures === threshold && o.lockAnswersAtThreshold ? locked : failed;
    },
    /** The right password: refused while locked, else logs in and clears the count. */
    rightRefused(): boolean {
      if (failures >= threshold) return true;
      failures = 0;
      return false;
    },
  };
}

/** What the probe does: `n` wrong then right on one account, and the refining second account when asked. */
function probe(threshold: number, n: number, o: Parameters<typeof platform>[1] = {}) {
  const a = platform(threshold, o);
  const wrong = Array.from({ length: n }, () => a.wrong());
  const first = { wrong, rightRefused: a.rightRefused() };
  const k = refineWith(first);
  if (k === undefined) return lockoutFinding(first);
  const b = platform(threshold, o);
  for (let i = 0; i < k; i++) b.wrong();
  return lockoutFinding(first, { failures: k, rightRefused: b.rightRefused() });
}

describe('locked after N failed logins: N failures, then the right password is refused', () => {
  it('the reference platform (locks on the 5th failure, answers 423 from the 6th request) is locked after exactly 5', () => {
    expect(probe(5, 5)).toEqual({ locked: true, after: 5, exact: true });
  });

  it('a platform that answers the 5th failure with the lock itself (django-axes) is locked after 5, not 4', () => {
    expect(probe(5, 5, { lockAnswersAtThreshold: true })).toEqual({ locked: true, after: 5, exact: true });
  });

  for (const threshold of [1, 2, 3, 4]) {
    it(`a lock after ${threshold} of 5 allowed is measured as ${threshold}, whichever attempt answers the lock`, () => {
      expect(probe(threshold, 5)).toEqual({ locked: true, after: threshold, exact: true });
      if (threshold > 1)
        expect(probe(threshold, 5, { lockAnswersAtThreshold: true })).toEqual({
          locked: true,
          after: threshold,
          exact: true,
        });
    });
  }

  it('a lock answered from the very first failure shows no change to read, so only a bound is claimed', () => {
    expect(probe(1, 5, { lockAnswersAtThreshold: true })).toEqual({ locked: true, after: 4, exact: false });
  });

  it('a lock that answers like a failure is only bounded', () => {
    expect(probe(3, 5, { locked: 401 })).toEqual({ locked: true, after: 4, exact: false });
  });

  it("no lockout, or a lock later than documented, is not locked (lower bound n + 1 is the probe's measure)", () => {
    expect(probe(Infinity, 5)).toEqual({ locked: false, notLockedAfter: 5 });
    expect(probe(6, 5)).toEqual({ locked: false, notLockedAfter: 5 });
  });

  it('without the second account the count is an upper bound', () => {
    expect(lockoutFinding({ wrong: [401, 401, 401, 423, 423], rightRefused: true })).toEqual({
      locked: true,
      after: 4,
      exact: false,
    });
    expect(lockoutFinding({ wrong: [401, 401, 401, 401, 401], rightRefused: true })).toEqual({
      locked: true,
      after: 5,
      exact: false,
    });
  });

  it('finds the first changed answer, 1-based', () => {
    expect(firstChange([401, 401, 423])).toBe(3);
    expect(firstChange([401, 401])).toBeUndefined();
    expect(firstChange([])).toBeUndefined();
  });
});
