/**
 * "Locked after N failed logins" means: after N failed attempts, a login with the RIGHT password is
 * refused. A wrong attempt answered differently from the first one only says the lock held at that
 * attempt: either the attempt before set it (N = i - 1) or this attempt was counted and then locked
 * (N = i, django-axes answers so). Only a right password after a known number of failures tells which.
 */
export interface LockoutObservation {
  /** Statuses of the wrong-password attempts on the first account, in order. */
  wrong: readonly number[];
  /** Was the right password refused after all of them? */
  rightRefused: boolean;
}

export type LockoutFinding =
  | { locked: false /** Lower bound: not locked after this many failures. */; notLockedAfter: number }
  | { locked: true; after: number; exact: boolean };

/** 1-based index of the first wrong attempt answered differently from the first, if any. */
export function firstChange(statuses: readonly number[]): number | undefined {
  const i = statuses.findIndex((s) => s !== statuses[0]);
  return i > 0 ? i + 1 : undefined;
}

/**
 * How many failures the second, refining account should take before its right password, or undefined
 * when the first account already settles it (not locked, or a single attempt).
 */
export function refineWith(o: LockoutObservation): number | undefined {
  if (!o.rightRefused) return undefined;
  const change = firstChange(o.wrong);
  const candidate = (change ?? o.wrong.length) - 1;
  return candidate >= 1 ? candidate : undefined;
}

/**
 * The threshold from the first account and, when `refineWith` asked for it, a second account that took
 * `refined.failures` failures before its right password.
 */
export function lockoutFinding(
  o: LockoutObservation,
  refined?: { failures: number; rightRefused: boolean },
): LockoutFinding {
  if (!o.rightRefused) return { locked: false, notLockedAfter: o.wrong.length };
  const change = firstChange(o.wrong);
  if (!refined)
    return { locked: true, after: o.wrong.length === 1 ? 1 : (change ?? o.wrong.length), exact: o.wrong.length === 1 };
  // Refused after k failures: the lock holds by k. With a change at k + 1 that is exact (the lock answers differ);
  // with no change seen it is only a bound (a lock that answers like a failure hides where it began).
  if (refined.rightRefused) return { locked: true, after: refined.failures, exact: change !== undefined };
  return { locked: true, after: refined.failures + 1, exact: true };
}
