import { FLAWS } from '../../reference-app/flaws.ts';
import { AREA_SUITE, areaOf } from '../../core/catalogue.ts';

/** Flaws whose declared failures or lost controls include smoke checks: the smoke suite must catch each (a dialect's own flaws in its own test). */
export const SMOKE_FLAWS = FLAWS.filter(
  (f) => !f.dialects && [...f.mustFail, ...(f.mustError ?? [])].some((id) => AREA_SUITE[areaOf(id)] === 'smoke'),
);

export const smokeIds = (ids: readonly string[]) => ids.filter((id) => AREA_SUITE[areaOf(id)] === 'smoke');

/**
 * Flaws run together per app start to keep the matrix within minutes on two cores. A group only holds
 * flaws whose declared checks are disjoint and whose protections the other flaws' checks do not rely on;
 * the rate-limit flaws run alone because they change what every burst sees.
 */
const GROUPS: string[][] = [
  [
    'unfunded-release',
    'webhook-replay',
    'idor-release',
    'release-without-approval',
    'invalid-amount',
    'unverified-login',
    'verification-any-token',
    'long-lived-tokens',
    'client-reaches-admin',
    'debug-errors',
    'health-ready-failing',
    'cors-wildcard-credentials',
    'login-inline-script',
    'seed-account-live',
  ],
  [
    'unsigned-webhook',
    'replay-credits-again',
    'manufacturer-release',
    'patch-marks-paid',
    'verification-token-reusable',
    'alg-none',
    'refresh-reuse',
    'mass-assignment',
    'user-enumeration',
    'no-lockout',
    'docs-exposed',
    'insecure-cookies',
  ],
  [
    'stale-webhook',
    'amount-mismatch-funds',
    'verification-token-exposed',
    'weak-jwt-secret',
    'logout-no-revoke',
    'weak-passwords',
    'demo-account',
    'orders-readable-by-anyone',
    'no-login-rate-limit',
    'cors-any-origin',
    'tampered-token-accepted',
    'mass-assignment-choice-field',
  ],
  ['expired-token-accepted', 'no-rate-limit', 'release-unauthenticated', 'admin-route-refuses-all'],
  ['xff-trusted', 'orders-list-leaks'],
  // The broken release makes every escrow check but the happy path an error; the admin route's checks need no order,
  // and neither needs the login page, which the third breaks.
  ['anonymous-admin', 'release-not-recorded', 'login-form-wrong-field'],
];

/** The runs of the matrix: the groups above, then every smoke flaw not in a group alone (one app start each). */
export function matrixRuns(): string[][] {
  const grouped = new Set(GROUPS.flat());
  return [...GROUPS, ...SMOKE_FLAWS.filter((f) => !grouped.has(f.name)).map((f) => [f.name])];
}

export const FLAW_GROUPS = GROUPS;
