import { FLAWS } from '../../reference-app/flaws.ts';
import { AREA_SUITE, areaOf } from '../../core/catalogue.ts';

/**
 * Flaws whose declared failures or lost controls include smoke checks: the smoke suite must catch each, on every
 * bearer dialect whose surface has the protection (the session dialect's own flaws run in its own test).
 */
export const smokeFlaws = (dialect: string) =>
  FLAWS.filter(
    (f) =>
      (!f.dialects || (f.dialects as string[]).includes(dialect)) &&
      !f.dialects?.includes('session') &&
      [...f.mustFail, ...(f.mustError ?? [])].some((id) => AREA_SUITE[areaOf(id)] === 'smoke'),
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
    'auth-cookie-cross-site',
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
    'health-live-slow',
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
  // The input flaws each open one catalogue route that only its own probe sends hostile input to.
  [
    'xff-trusted',
    'orders-list-leaks',
    'search-sql-injectable',
    'filter-nosql-operator',
    'malformed-body-500',
    'template-injection',
    'path-traversal',
  ],
  // The broken release makes every escrow check but the happy path an error; the admin route's checks need no order,
  // and neither needs the login page, which the third breaks.
  ['anonymous-admin', 'release-not-recorded', 'login-form-wrong-field'],
];

/**
 * The runs of a dialect's matrix: the groups above (without the flaws the dialect's surface lacks), then every smoke
 * flaw not in a group alone (one app start each).
 */
export function matrixRuns(dialect: string): string[][] {
  const mine = new Set(smokeFlaws(dialect).map((f) => f.name));
  const grouped = new Set(GROUPS.flat());
  const groups = GROUPS.map((g) => g.filter((n) => mine.has(n) || !FLAWS.some((f) => f.name === n && f.dialects)));
  return [...groups.filter((g) => g.length), ...[...mine].filter((n) => !grouped.has(n)).map((n) => [n])];
}

export const FLAW_GROUPS = GROUPS;

/** Flaws the input probes must catch: only the runs that hold one (and the clean run) spend time on the probes. */
export const INPUT_FLAWS = smokeFlaws('marketplace')
  .filter((f) => f.mustFail.some((id) => areaOf(id) === 'input'))
  .map((f) => f.name);

/** Whether a run of the matrix leaves the input probes off (they skip as not configured): no input flaw in it, and not the clean run. */
export const probesOff = (flaws: readonly string[]) => flaws.length > 0 && !flaws.some((n) => INPUT_FLAWS.includes(n));
