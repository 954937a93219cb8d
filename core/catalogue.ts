import type { Area, CheckLevel, SuiteName } from './report-schema.ts';

/**
 * Every built-in check: id -> level and title. Ids never change meaning once released (compare and
 * trend match on them); a new meaning gets a new id. Team specs may add ids of their own.
 */
interface CatalogueEntry {
  level: CheckLevel;
  title: string;
}

export const CATALOGUE = {
  // auth (smoke)
  'auth.login-roles': { level: 'blocker', title: 'Each configured role can log in (positive control)' },
  'auth.login-uniform-failure': {
    level: 'blocker',
    title: 'Wrong password and unknown user get the same answer and no token',
  },
  'auth.token-expiry': { level: 'blocker', title: 'Access token lifetime is within the KPI' },
  'auth.alg-none-rejected': { level: 'blocker', title: 'A token with alg "none" is rejected' },
  'auth.tampered-rejected': { level: 'blocker', title: 'A token with a tampered payload (role escalated) is rejected' },
  'auth.expired-rejected': { level: 'blocker', title: 'An expired token is rejected' },
  'auth.weak-secret': { level: 'blocker', title: 'Tokens do not verify with a known weak or placeholder secret' },
  'auth.refresh-rotation': { level: 'blocker', title: 'A used refresh token is rejected' },
  'auth.logout-revokes': { level: 'blocker', title: "Logout ends the session's tokens" },
  'auth.password-policy': { level: 'blocker', title: 'Weak passwords are refused at registration' },
  'auth.mass-assignment': { level: 'blocker', title: 'is_verified and role sent at registration are ignored' },
  'auth.rbac': { level: 'blocker', title: "The owner role cannot reach other roles' routes" },
  'auth.object-ownership': { level: 'blocker', title: "Another user cannot read or change a user's order" },
  'auth.authz-matrix': {
    level: 'blocker',
    title:
      "No operation of the OpenAPI document answers a lesser role, another user of the owner's role on the owner's order, or an anonymous caller where it is secured",
  },
  'auth.no-demo-accounts': { level: 'blocker', title: 'Demo accounts cannot log in' },
  'auth.lockout': { level: 'blocker', title: 'Repeated failed logins lock the account' },
  'auth.openapi-sweep': { level: 'blocker', title: 'Every secured OpenAPI operation refuses anonymous calls' },
  // input (smoke): probes of the OpenAPI document's operations with hostile parameters and bodies
  'input.schema-invalid': {
    level: 'blocker',
    title: 'Parameters and bodies the OpenAPI document forbids are refused, never accepted and never a 5xx',
  },
  'input.sql-injection': {
    level: 'blocker',
    title: 'No parameter reaches SQL: no database error and no boolean differential',
  },
  'input.nosql-injection': { level: 'blocker', title: 'No parameter accepts a NoSQL operator ($ne, $gt) as a value' },
  'input.template-injection': { level: 'blocker', title: 'No echoed parameter is evaluated as a template' },
  'input.path-traversal': { level: 'blocker', title: 'No file-like parameter reaches a file outside its folder' },
  // email (smoke)
  'email.delivery': {
    level: 'blocker',
    title: 'Registration sends a verification mail in bounded time (positive control)',
  },
  'email.unverified-blocked': { level: 'blocker', title: 'An unverified user cannot log in or act' },
  'email.link-verifies': { level: 'blocker', title: 'The verification link verifies the account (positive control)' },
  'email.token-single-use': { level: 'blocker', title: 'A verification token works once' },
  'email.random-token-rejected': { level: 'blocker', title: 'A random verification token is rejected' },
  'email.token-not-exposed': { level: 'blocker', title: 'The verification token never appears in an API response' },
  // escrow (smoke)
  'escrow.happy-path': {
    level: 'blocker',
    title: 'The configured payment flow (order, signed payment event, fulfil, release) succeeds (positive control)',
  },
  'escrow.unfunded-release-refused': { level: 'blocker', title: 'An unfunded order cannot be released' },
  'escrow.mark-paid-refused': {
    level: 'blocker',
    title: 'No request marks an order paid (status/paid fields ignored)',
  },
  'escrow.webhook-bad-signature': {
    level: 'blocker',
    title: 'A webhook with a bad signature is rejected and changes nothing',
  },
  'escrow.webhook-stale': {
    level: 'blocker',
    title: 'A webhook with a stale timestamp is rejected and changes nothing',
  },
  'escrow.amount-mismatch': {
    level: 'blocker',
    title: 'A payment with another amount or currency does not fund the order',
  },
  'escrow.replay-funds-once': { level: 'blocker', title: 'A replayed payment event funds once' },
  'escrow.release-other-user': { level: 'blocker', title: 'Another user cannot release the order' },
  'escrow.release-counterparty': {
    level: 'blocker',
    title: 'The counterparty (the party paid) cannot release the order',
  },
  'escrow.release-anonymous': { level: 'blocker', title: 'An anonymous caller cannot release the order' },
  'escrow.release-needs-approval': {
    level: 'blocker',
    title: 'Release needs every fulfil step (milestone approval) done',
  },
  'escrow.steps-other-user': {
    level: 'blocker',
    title: "Another user cannot drive any id-bearing step of the owner's order",
  },
  'escrow.invalid-amount': { level: 'blocker', title: 'Zero and negative amounts are refused' },
  // ratelimit (smoke)
  'ratelimit.api': { level: 'blocker', title: 'The API answers 429 with Retry-After past the documented limit' },
  'ratelimit.forwarded-for': { level: 'blocker', title: 'A rotating X-Forwarded-For does not reset the limit' },
  'ratelimit.login': { level: 'blocker', title: 'Login has its own limit' },
  // health, config, cors, browser (smoke)
  'health.routes': { level: 'blocker', title: 'Every health route answers 200 within the latency budget' },
  'config.debug-off': { level: 'blocker', title: 'Errors carry no stack trace or framework debug page' },
  'config.docs-hidden': { level: 'warn', title: 'API documentation is not public' },
  'cors.foreign-origin': { level: 'blocker', title: 'A foreign Origin is not reflected' },
  'cors.credentials-wildcard': { level: 'blocker', title: 'Never * together with credentials' },
  'browser.login-page': {
    level: 'blocker',
    title: 'The login page loads over HTTPS without console errors, CSP violations or mixed content',
  },
  'browser.login-flow': { level: 'blocker', title: 'Logging in through the page works' },
  'browser.cookies': { level: 'blocker', title: 'Session cookies are Secure, HttpOnly and SameSite in the browser' },
  // csrf (smoke): cookie sessions
  'csrf.token-required': {
    level: 'blocker',
    title: 'A state-changing request of a cookie session without its CSRF token is refused',
  },
  'csrf.token-bound': { level: 'blocker', title: "Another session's CSRF token is refused" },
  'csrf.origin-checked': {
    level: 'blocker',
    title: 'A state-changing request from a foreign Origin or Referer is refused, even with the right token',
  },
  // headers (security)
  'headers.grade': { level: 'blocker', title: 'Security headers grade meets the KPI (Observatory scoring)' },
  'headers.hsts': {
    level: 'blocker',
    title: 'Strict-Transport-Security max-age >= 1 year, includeSubDomains, preload',
  },
  'headers.csp': { level: 'blocker', title: 'Content-Security-Policy is set and restrictive' },
  'headers.x-frame-options': { level: 'blocker', title: 'Framing is denied (X-Frame-Options or frame-ancestors)' },
  'headers.x-content-type-options': { level: 'blocker', title: 'X-Content-Type-Options: nosniff' },
  'headers.referrer-policy': { level: 'blocker', title: 'Referrer-Policy is private' },
  'headers.cookies': { level: 'blocker', title: 'Cookies are Secure, HttpOnly and SameSite' },
  'headers.cors': { level: 'blocker', title: 'CORS headers do not open the site to any origin' },
  'headers.redirection': { level: 'blocker', title: 'http redirects to https on the same host' },
  'headers.sri': { level: 'warn', title: 'Scripts from other origins carry subresource integrity' },
  'headers.server-leak': { level: 'blocker', title: 'No version-leaking Server or X-Powered-By header' },
  // tls (security)
  'tls.protocols': { level: 'blocker', title: 'Only TLS 1.2 and 1.3 are accepted' },
  'tls.ciphers': { level: 'blocker', title: 'Only forward-secret AEAD cipher suites are accepted' },
  'tls.certificate-chain': { level: 'blocker', title: 'The certificate chain is trusted' },
  'tls.certificate-hostname': { level: 'blocker', title: 'The certificate matches the host name' },
  'tls.certificate-expiry': { level: 'blocker', title: 'The certificate is valid for long enough' },
  'tls.certificate-key': { level: 'blocker', title: 'The certificate key and signature algorithm are strong' },
  'tls.redirect': { level: 'blocker', title: 'Plain http redirects to https' },
  // deps (security)
  'deps.advisories': { level: 'blocker', title: 'No critical or high advisories in the audited lockfiles' },
  // load
  'load.completed': { level: 'blocker', title: 'The load run completed at the planned profile' },
} as const satisfies Record<string, CatalogueEntry>;

export type CatalogueId = keyof typeof CATALOGUE;

/**
 * Check ids that were renamed, old to new: reports written before the rename, waivers and notApplicable declarations
 * that name the old id read as the new one (compare and trend then line the two up as one check).
 */
export const RENAMED_CHECKS: Readonly<Record<string, CatalogueId>> = {
  // The role is the platform's own word (manufacturer, seller, supplier); the suite's is smoke.roles.counterparty.
  'escrow.release-manufacturer': 'escrow.release-counterparty',
  // "client" was one platform's name for the order owner's role; the check is about any second user of the suite.
  'escrow.release-other-client': 'escrow.release-other-user',
  'escrow.steps-other-client': 'escrow.steps-other-user',
};

/** The current id of a check: the new id of a renamed one, any other id unchanged. */
export function currentCheckId(id: string): string {
  return RENAMED_CHECKS[id] ?? id;
}

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return (CATALOGUE as Record<string, CatalogueEntry>)[id];
}

export function areaOf(id: string): Area {
  return id.split('.')[0] as Area;
}

/** Which suite produces the checks of each area. */
export const AREA_SUITE: Record<Area, SuiteName> = {
  auth: 'smoke',
  escrow: 'smoke',
  email: 'smoke',
  ratelimit: 'smoke',
  health: 'smoke',
  config: 'smoke',
  cors: 'smoke',
  browser: 'smoke',
  csrf: 'smoke',
  input: 'smoke',
  headers: 'security',
  tls: 'security',
  deps: 'security',
  load: 'load',
};
