import type { CatalogueId } from '../core/catalogue.ts';
import { UsageError } from '../core/errors.ts';
import type { DialectName } from './dialects.ts';

/**
 * One switchable flaw of the reference platform: it turns exactly one protection off.
 * `mustFail` lists the catalogue checks that must fail (and no others) when it is on alone.
 * `mustFailKpis` lists the metric-backed KPIs of config/defaults/kpis.yaml that must fail;
 * check-backed KPIs (`checks: [area.*]`) fail through `mustFail` and are not repeated here.
 * `mustError` lists checks whose positive control the flaw removes: they end `error` (never `pass`).
 */
export interface Flaw {
  name: string;
  description: string;
  mustFail: CatalogueId[];
  mustFailKpis?: string[];
  mustError?: CatalogueId[];
  /** The dialects whose surface has the protection (absent: every dialect); the others refuse the flaw. */
  dialects?: DialectName[];
}

export const FLAWS: Flaw[] = [
  // escrow
  {
    name: 'unfunded-release',
    description: 'An order still awaiting payment can be released (no funding check on release)',
    mustFail: ['escrow.unfunded-release-refused'],
  },
  {
    name: 'unsigned-webhook',
    description: 'Payment webhooks are accepted without verifying the Stripe signature (so stale ones pass too)',
    mustFail: ['escrow.webhook-bad-signature', 'escrow.webhook-stale'],
  },
  {
    name: 'stale-webhook',
    description: 'Webhook signatures are verified but their timestamp age is not (no 300 s tolerance)',
    mustFail: ['escrow.webhook-stale'],
  },
  {
    name: 'webhook-replay',
    description: 'A replayed payment event is processed again: it funds the order twice and re-opens a released escrow',
    mustFail: ['escrow.replay-funds-once'],
  },
  {
    name: 'release-unauthenticated',
    description: 'The release route has no auth at all: anyone, signed in or not, can release a funded order',
    mustFail: ['escrow.release-anonymous', 'escrow.release-other-user', 'escrow.release-counterparty'],
    // The anonymous sweep reaches the release handler, which answers 404 for the sweep's unknown id: neither open nor refused.
    mustError: ['auth.openapi-sweep'],
  },
  {
    name: 'amount-mismatch-funds',
    description: 'A payment funds the order whatever its amount or currency',
    mustFail: ['escrow.amount-mismatch'],
  },
  {
    name: 'replay-credits-again',
    description:
      "A replayed payment event is answered as a duplicate but credited again: the order's state holds, only its paid amount grows",
    mustFail: ['escrow.replay-funds-once'],
  },
  {
    name: 'idor-release',
    description: 'Any client (not only the owner) can release a funded, approved order',
    mustFail: ['escrow.release-other-user'],
  },
  {
    name: 'manufacturer-release',
    description: "The order's manufacturer can release the escrow to itself",
    mustFail: ['escrow.release-counterparty'],
  },
  {
    name: 'release-without-approval',
    description: 'A funded order can be released before every milestone is approved',
    mustFail: ['escrow.release-needs-approval'],
  },
  {
    name: 'patch-marks-paid',
    description: 'PATCH /api/orders/:id honours status/paid/funded, so a client can mark its order paid',
    mustFail: ['escrow.mark-paid-refused'],
  },
  {
    name: 'invalid-amount',
    description: 'Orders with zero or negative amounts are accepted',
    mustFail: ['escrow.invalid-amount'],
  },
  {
    name: 'release-not-recorded',
    description: 'Release answers success but the order stays funded (the payout is never recorded)',
    mustFail: ['escrow.happy-path'],
    // Every other escrow check stands on the happy path, which is what this flaw breaks.
    mustError: [
      'escrow.unfunded-release-refused',
      'escrow.mark-paid-refused',
      'escrow.webhook-bad-signature',
      'escrow.webhook-stale',
      'escrow.amount-mismatch',
      'escrow.replay-funds-once',
      'escrow.release-other-user',
      'escrow.release-counterparty',
      'escrow.release-anonymous',
      'escrow.release-needs-approval',
      'escrow.steps-other-user',
      'escrow.invalid-amount',
    ],
  },
  // email verification
  {
    name: 'unverified-login',
    description: 'Users who never verified their email can log in',
    mustFail: ['email.unverified-blocked'],
  },
  {
    name: 'verification-token-reusable',
    description: 'A verification token can be used more than once',
    mustFail: ['email.token-single-use'],
  },
  {
    name: 'verification-any-token',
    description: 'The verification route answers success to a token it does not know (it verifies nobody)',
    mustFail: ['email.random-token-rejected'],
  },
  {
    name: 'verification-token-exposed',
    description: 'The registration response carries the verification token',
    mustFail: ['email.token-not-exposed'],
  },
  // auth
  {
    name: 'long-lived-tokens',
    description: 'Access tokens live 24 h instead of 15 min',
    mustFail: ['auth.token-expiry'],
    mustFailKpis: ['auth.token-expiry'],
  },
  {
    name: 'alg-none',
    description: 'Access tokens with alg "none" (unsigned) are accepted',
    mustFail: ['auth.alg-none-rejected'],
  },
  {
    name: 'weak-jwt-secret',
    description: 'Tokens are signed with the placeholder secret "secret"',
    mustFail: ['auth.weak-secret'],
  },
  {
    name: 'tampered-token-accepted',
    description: 'The HS256 signature of access tokens is not checked (alg allow-list and expiry still are)',
    mustFail: ['auth.tampered-rejected'],
  },
  {
    name: 'expired-token-accepted',
    description: 'The exp claim of access tokens is not checked',
    mustFail: ['auth.expired-rejected'],
  },
  {
    name: 'refresh-reuse',
    description: 'Refresh tokens rotate but an already used one is still accepted',
    mustFail: ['auth.refresh-rotation'],
  },
  {
    name: 'logout-no-revoke',
    description:
      'Logout answers success but the token it should end keeps working (the access token; with a token blacklist, the refresh token)',
    mustFail: ['auth.logout-revokes'],
  },
  {
    name: 'mass-assignment',
    description: 'Registration honours is_verified and role sent by the caller',
    mustFail: ['auth.mass-assignment'],
  },
  {
    name: 'mass-assignment-choice-field',
    description:
      'Registration honours is_verified, and its role choice field refuses any role but the self-registration one (validation status), so a registration that sends both is refused',
    mustFail: ['auth.mass-assignment'],
  },
  {
    name: 'weak-passwords',
    description: 'Registration accepts any password (no policy)',
    mustFail: ['auth.password-policy'],
    mustFailKpis: ['auth.password-policy'],
  },
  {
    name: 'no-lockout',
    description: 'Failed logins never lock the account',
    mustFail: ['auth.lockout'],
    mustFailKpis: ['auth.lockout'],
  },
  {
    name: 'user-enumeration',
    description: 'Login answers differently for an unknown user and a wrong password',
    mustFail: ['auth.login-uniform-failure'],
  },
  {
    name: 'demo-account',
    description:
      'A verified demo account client@demo.com / demo exists (a default address, the fifth most common default password)',
    mustFail: ['auth.no-demo-accounts'],
  },
  {
    name: 'seed-account-live',
    description:
      "The seed script's sample account sample.client@reference.local / demo is left in the deployed data (an address the example configs list in smoke.demoAccounts)",
    mustFail: ['auth.no-demo-accounts'],
  },
  {
    name: 'client-reaches-admin',
    description: 'Any signed-in user can list all users on the admin route',
    mustFail: ['auth.rbac', 'auth.authz-matrix'],
  },
  // The client's 403 on the admin route proves nothing when an admin gets the same: auth.rbac is unproven, never a pass.
  {
    name: 'admin-route-refuses-all',
    description: 'The admin user list refuses everyone, its admins included (a permission check that matches no role)',
    mustFail: [],
    mustError: ['auth.rbac', 'auth.authz-matrix'],
  },
  {
    name: 'anonymous-admin',
    description: 'The admin user list answers without any authentication (a route the auth middleware forgot)',
    mustFail: ['auth.openapi-sweep', 'auth.rbac', 'auth.authz-matrix'],
  },
  {
    name: 'orders-readable-by-anyone',
    description: "Any signed-in user can read and edit another user's order",
    mustFail: ['auth.object-ownership', 'escrow.steps-other-user', 'auth.authz-matrix'],
  },
  // Only the list leaks: the mapped order route stays scoped, so auth.object-ownership passes and only the matrix sees it.
  {
    name: 'orders-list-leaks',
    description: "The caller's order list returns every user's orders",
    mustFail: ['auth.authz-matrix'],
  },
  // input probes: the product catalogue's routes (reference-app/routes/catalog.ts)
  {
    name: 'search-sql-injectable',
    description:
      "The product search concatenates its query into the SQL it runs, and a database error's message goes back in the 500",
    mustFail: ['input.sql-injection'],
  },
  {
    name: 'filter-nosql-operator',
    description:
      'The product filter reads `category[$ne]=x` as a Mongo-style operator instead of refusing anything but a category name',
    mustFail: ['input.nosql-injection'],
  },
  {
    name: 'malformed-body-500',
    description: 'The price quote does not validate its body: a missing field or a wrong type answers 500',
    mustFail: ['input.schema-invalid'],
  },
  {
    name: 'template-injection',
    description: "The greeting renders the customer's name as a template: `{{191*7}}` comes back as 1337",
    mustFail: ['input.template-injection'],
  },
  {
    name: 'path-traversal',
    description:
      'The datasheet download serves any file of its folder tree (`../../etc/passwd`), not only the datasheets',
    mustFail: ['input.path-traversal'],
  },
  // rate limits
  {
    name: 'no-rate-limit',
    description: 'The API has no rate limit (the login limit stays)',
    mustFail: ['ratelimit.api'],
    mustFailKpis: ['ratelimit.api'],
    mustError: ['ratelimit.forwarded-for'],
  },
  {
    name: 'no-login-rate-limit',
    description: 'Login has no rate limit of its own (the API limit stays; lockout stays)',
    mustFail: ['ratelimit.login'],
  },
  {
    name: 'xff-trusted',
    description: 'X-Forwarded-For is trusted from any client, so rotating it resets the limits',
    mustFail: ['ratelimit.forwarded-for'],
  },
  // config, cors
  {
    name: 'debug-errors',
    description: 'Error responses carry stack traces; unknown routes list every route (debug mode)',
    mustFail: ['config.debug-off'],
  },
  {
    name: 'docs-exposed',
    description: 'API documentation is public at /docs and /openapi.json',
    mustFail: ['config.docs-hidden'],
  },
  {
    name: 'cors-any-origin',
    description: 'CORS reflects any Origin together with Access-Control-Allow-Credentials: true',
    mustFail: ['cors.foreign-origin', 'headers.cors', 'headers.grade'],
    mustFailKpis: ['headers.grade'],
  },
  {
    name: 'cors-wildcard-credentials',
    description: 'CORS answers Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true',
    mustFail: ['cors.credentials-wildcard', 'headers.cors'],
  },
  {
    name: 'insecure-cookies',
    description:
      'The session cookie set at login lacks Secure and HttpOnly, its SameSite left to the framework default, Lax (the audited pages set no cookie)',
    mustFail: ['browser.cookies'],
  },
  {
    name: 'login-form-wrong-field',
    description:
      'The login page sends the email under a field the login route does not read, so signing in through the page fails',
    mustFail: ['browser.login-flow'],
    mustError: ['browser.cookies'],
  },
  {
    name: 'auth-cookie-cross-site',
    description:
      'Login also sets the access token as a cookie the API accepts on its own, with no SameSite attribute (Chromium reads Lax, other browsers none): a cross-site form rides it',
    mustFail: ['csrf.token-required', 'csrf.origin-checked', 'browser.cookies'],
    dialects: ['marketplace', 'drf', 'fastapi'],
  },
  // session cookie and CSRF (the session dialect: the bearer dialects send no credential a browser attaches by itself)
  {
    name: 'csrf-not-enforced',
    description:
      'State-changing requests of a session are accepted without a CSRF token and from any Origin (the CSRF middleware is off)',
    mustFail: ['csrf.token-required', 'csrf.token-bound', 'csrf.origin-checked'],
    dialects: ['session'],
  },
  {
    name: 'csrf-token-unbound',
    description: "Any CSRF token the platform ever issued is accepted, not only the session's own",
    mustFail: ['csrf.token-bound'],
    dialects: ['session'],
  },
  {
    name: 'csrf-origin-unchecked',
    description: 'The CSRF token is checked but Origin and Referer are not',
    mustFail: ['csrf.origin-checked'],
    dialects: ['session'],
  },
  {
    name: 'session-cookie-no-samesite',
    description:
      'The session cookie is HttpOnly but has neither Secure nor SameSite (sent over http and on cross-site requests)',
    mustFail: ['browser.cookies'],
    dialects: ['session'],
  },
  {
    name: 'login-inline-script',
    description: 'The login page carries an inline script that its CSP blocks (a console CSP violation)',
    mustFail: ['browser.login-page'],
  },
  // headers
  {
    name: 'missing-hsts',
    description: 'No Strict-Transport-Security header',
    mustFail: ['headers.hsts', 'headers.grade'],
    mustFailKpis: ['headers.grade'],
  },
  {
    name: 'missing-csp',
    description: 'No Content-Security-Policy header',
    mustFail: ['headers.csp', 'headers.grade'],
    mustFailKpis: ['headers.grade'],
  },
  {
    name: 'missing-xfo',
    description: 'Framing allowed: no X-Frame-Options and no CSP frame-ancestors',
    mustFail: ['headers.x-frame-options', 'headers.grade'],
    mustFailKpis: ['headers.grade'],
  },
  {
    name: 'missing-nosniff',
    description: 'No X-Content-Type-Options: nosniff (a -5 penalty: the grade itself still holds)',
    mustFail: ['headers.x-content-type-options'],
  },
  {
    name: 'missing-referrer-policy',
    description: 'No Referrer-Policy header (not scored: the grade holds)',
    mustFail: ['headers.referrer-policy'],
  },
  {
    name: 'home-cookie-insecure',
    description: 'The home page sets a preferences cookie without Secure, HttpOnly or SameSite',
    mustFail: ['headers.cookies'],
  },
  {
    name: 'cdn-script-no-sri',
    description: 'The home page loads a script from a CDN without an integrity hash',
    mustFail: ['headers.sri'],
  },
  {
    name: 'x-powered-by',
    description: 'Responses carry X-Powered-By with the framework version',
    mustFail: ['headers.server-leak'],
  },
  // tls
  {
    name: 'tls-legacy',
    description: 'TLS 1.0 and 1.1 accepted (with the CBC suites those versions need)',
    mustFail: ['tls.protocols', 'tls.ciphers'],
    mustFailKpis: ['tls.protocols', 'tls.ciphers'],
  },
  {
    name: 'weak-cipher',
    description: 'A non-forward-secret CBC suite (AES128-SHA) is accepted on TLS 1.2',
    mustFail: ['tls.ciphers'],
    mustFailKpis: ['tls.ciphers'],
  },
  {
    name: 'cert-expiring',
    description: 'The server certificate expires in 5 days',
    mustFail: ['tls.certificate-expiry'],
    mustFailKpis: ['tls.certificate'],
  },
  {
    name: 'cert-weak-key',
    description: 'The server certificate has a 1024-bit RSA key',
    mustFail: ['tls.certificate-key'],
  },
  {
    name: 'no-https-redirect',
    description: 'Plain http serves the site instead of redirecting to https',
    mustFail: ['tls.redirect', 'headers.redirection', 'headers.grade'],
    mustFailKpis: ['headers.grade'],
  },
  // dependencies, operations
  {
    name: 'vulnerable-dependency',
    description: 'The audited lockfile pins lodash 4.17.20 (GHSA-35jh-r3h4-6jhm, high)',
    mustFail: ['deps.advisories'],
    mustFailKpis: ['deps.high'],
  },
  {
    name: 'slow',
    description: 'Every /api route answers 300 ms later (no check fails; the latency KPIs do)',
    mustFail: [],
    mustFailKpis: ['http.p95'],
  },
  {
    name: 'health-ready-failing',
    description: '/health/ready answers 503 (the SMTP dependency reported down)',
    mustFail: ['health.routes'],
  },
  {
    name: 'health-live-slow',
    description: '/health/live answers 200, 800 ms late (over the 500 ms budget every time, not once)',
    mustFail: ['health.routes'],
    mustFailKpis: ['health'],
  },
];

export const FLAW_NAMES: readonly string[] = FLAWS.map((f) => f.name);

/** Throws a UsageError naming the known flaws when a name is not one of them. */
export function assertKnownFlaws(names: readonly string[]): void {
  const unknown = names.filter((n) => !FLAW_NAMES.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown flaw${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; known flaws: ${FLAW_NAMES.join(', ')}`,
    );
  }
}

/** Throws a UsageError for a flaw whose protection the dialect does not have (a flaw that would switch nothing off). */
export function assertFlawsFitDialect(names: readonly string[], dialect: DialectName): void {
  const misfit = FLAWS.filter((f) => names.includes(f.name) && f.dialects && !f.dialects.includes(dialect));
  if (misfit.length > 0) {
    throw new UsageError(
      misfit
        .map(
          (f) =>
            `flaw "${f.name}" applies to the ${f.dialects!.join(', ')} dialect only (--dialect), not to ${dialect}`,
        )
        .join('; '),
    );
  }
}

/** `a,b` -> ['a', 'b'], validated; empty items are ignored, duplicates removed. */
export function parseFlaws(list: string): string[] {
  const names = [
    ...new Set(
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  assertKnownFlaws(names);
  return names;
}

/** The flaws a running app was started with, as a lookup. */
export class FlawSet {
  private readonly on: ReadonlySet<string>;
  constructor(names: readonly string[]) {
    assertKnownFlaws(names);
    this.on = new Set(names);
  }
  has(name: string): boolean {
    return this.on.has(name);
  }
  list(): string[] {
    return [...this.on];
  }
}
