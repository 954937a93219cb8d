import type { CatalogueId } from '../core/catalogue.ts';
import type { KpiResult } from '../core/report-schema.ts';

/**
 * What to change when a built-in check fails, one or two sentences each. Exhaustive over the catalogue,
 * so a new check cannot ship without telling the reader what to do about it.
 */
export const REMEDIES = {
  'auth.login-roles':
    'Make sure every account configured under smoke.accounts exists, is verified and can log in with the configured payload; fix the login route mapping in gonogo.config.ts if the request itself is wrong.',
  'auth.login-uniform-failure':
    'Answer a wrong password and an unknown user with the same status, body and timing, and never issue a token on a failed login.',
  'auth.token-expiry':
    'Shorten the access-token lifetime (exp - iat) to the KPI (params.tokenLifetimeMaxS) and use refresh tokens for longer sessions.',
  'auth.alg-none-rejected':
    'Verify tokens with an explicit algorithm allow-list (e.g. HS256 or RS256) and refuse alg "none".',
  'auth.tampered-rejected':
    'Verify the token signature on every request before trusting any claim; never decode without verifying.',
  'auth.expired-rejected': 'Check the exp claim (with at most a small clock skew) on every request.',
  'auth.weak-secret':
    'Replace the signing secret with a long random value from a secret store, rotate it, and invalidate tokens signed with the old one.',
  'auth.refresh-rotation':
    'Rotate refresh tokens on use and reject (and ideally revoke the family of) a refresh token that was already used.',
  'auth.logout-revokes':
    'Revoke the access token at logout (deny-list by jti, or server-side session state); with a refresh-token blacklist (simplejwt), blacklist the refresh token sent at logout and keep access tokens short-lived.',
  'auth.password-policy':
    'Enforce the password policy of params.passwordPolicy at registration and password change, on the server.',
  'auth.mass-assignment':
    'Accept only an explicit allow-list of fields at registration; set is_verified and role on the server.',
  'auth.rbac':
    "Check the caller's role on every route meant for another role (smoke.roleRoutes: each of the platform's own roles), on the server, not only in the UI.",
  'auth.authz-matrix':
    "Scope every read by id and every list to the caller: filter querysets and queries by the signed-in user (or the objects it may see), on every route the document lists, not only the main one; check the caller's role on every operation reserved to another role, and require the declared auth on every secured operation.",
  'input.schema-invalid':
    'Validate every parameter and body against the schema the document states (types, required fields, enums, lengths, ranges) before any handler code runs, and answer a refusal with 400 or 422.',
  'input.sql-injection':
    "Send every value to the database as a bound parameter (placeholders, the ORM's filters), never concatenated into SQL, and keep database errors out of answers.",
  'input.nosql-injection':
    'Accept only scalars where the API expects a value: refuse objects and operator keys ($ne, $gt, field[$ne]) in query strings and bodies before they reach the query, or cast them (mongo-sanitize, express-mongo-sanitize).',
  'input.template-injection':
    'Pass user input to templates only as data (a context variable), never as template source, and keep the template engine sandboxed.',
  'input.path-traversal':
    'Map a requested file to an allow-list or an id, or resolve the path and refuse it unless it stays inside the served folder; never join user input to a path as is.',
  'auth.object-ownership': 'Check that the caller owns (or may act on) the object on every read and write by id.',
  'auth.no-demo-accounts':
    'Delete or disable demo and seed accounts in production data, and keep seeding out of production deploys.',
  'auth.lockout':
    'Lock or throttle an account after params.lockout.attempts failed logins for params.lockout.durationS seconds.',
  'auth.openapi-sweep':
    'Protect every operation that the OpenAPI document marks as secured; the evidence lists the operations that answered an anonymous call.',
  'email.delivery':
    'Make registration send the verification mail, and check that gonogo reads the same mailbox the platform sends to (mailbox in gonogo.config.ts).',
  'email.unverified-blocked': 'Refuse login (or every action) for users who have not verified their email address.',
  'email.link-verifies':
    'Make the verification link verify the account, and check that the link in the mail points at the configured verify route.',
  'email.token-single-use': 'Invalidate the verification token once it has been used.',
  'email.random-token-rejected':
    'Look verification tokens up exactly and refuse unknown ones; never accept a token by format alone.',
  'email.token-not-exposed': 'Send the verification token only by mail; remove it from every API response and log.',
  'escrow.happy-path':
    'Make the documented flow work end to end (order, signed webhook funds, approval, release); until it does, the non-bypass checks cannot be trusted. Check the orders and webhook mapping in gonogo.config.ts (smoke.orders, smoke.webhook) if the flow itself is mapped wrong.',
  'escrow.unfunded-release-refused': 'Release an order only when its payment has been confirmed by a verified webhook.',
  'escrow.mark-paid-refused':
    'Ignore status, paid and funded fields sent by callers; only the verified payment webhook may fund an order.',
  'escrow.webhook-bad-signature':
    'Verify the Stripe-Signature header with the webhook secret (stripe.webhooks.constructEvent) before acting on an event.',
  'escrow.webhook-stale':
    "Refuse webhook events whose signed timestamp is older than the tolerance (300 s by default in Stripe's libraries).",
  'escrow.amount-mismatch': "Fund an order only when the paid amount and currency equal the order's.",
  'escrow.replay-funds-once':
    'Record processed event ids and make webhook handling idempotent, so a replayed event changes nothing.',
  'escrow.release-other-user': 'Allow release only by the user who owns the order.',
  'escrow.release-counterparty':
    "Never let the receiving party release funds to itself; release is the order owner's action.",
  'escrow.release-anonymous': 'Require authentication on the release route.',
  'escrow.release-needs-approval': 'Release only when every milestone of the order has been approved.',
  'escrow.steps-other-user':
    'Check that the caller owns the order on every route that takes its id (payment, approval, delivery, refund), not only on release.',
  'escrow.invalid-amount':
    'Validate amounts on the server: positive, within limits, and with no more decimal places than the currency has.',
  'ratelimit.api': 'Rate-limit the API at the documented limit and answer 429 with a Retry-After header past it.',
  'ratelimit.forwarded-for':
    'Take the client address from a trusted proxy only (trust proxy settings); never from a client-supplied X-Forwarded-For.',
  'ratelimit.login': 'Give the login route its own, stricter limit (params.loginRateLimit).',
  'health.routes': 'Make every configured health route answer 200 within its latency budget, without authentication.',
  'config.debug-off':
    'Switch debug mode off in production: errors answer a generic body without stack traces or framework debug pages.',
  'config.docs-hidden': 'Serve API documentation only behind authentication or not at all in production.',
  'cors.foreign-origin': "Answer CORS only for an explicit allow-list of origins; never reflect the request's Origin.",
  'cors.credentials-wildcard':
    'Never send Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true.',
  'browser.login-page':
    'Serve the login page over HTTPS and fix the console errors, CSP violations and mixed content the evidence lists.',
  'browser.login-flow':
    'Make logging in through the page work with the configured account and selectors (smoke.browser in gonogo.config.ts).',
  'browser.cookies': 'Set session cookies with Secure, HttpOnly and SameSite=Lax or Strict.',
  'csrf.token-required':
    "Turn on the framework's CSRF protection for every state-changing route a session cookie reaches (Django's CsrfViewMiddleware and SessionAuthentication, Rails' protect_from_forgery, Laravel's VerifyCsrfToken, csurf).",
  'csrf.token-bound':
    "Keep the CSRF token in the session (or derive it from the session id) and compare the request's token with that one, never with a list of tokens issued to anyone.",
  'csrf.origin-checked':
    "Refuse state-changing requests whose Origin (or, without one, Referer) is not one of the site's own origins (Django CSRF_TRUSTED_ORIGINS).",
  'headers.grade':
    'Raise the headers grade to params.headersMinGrade: fix the failing header checks below it, starting with the largest penalties in the evidence.',
  'headers.hsts':
    'Send Strict-Transport-Security: max-age=31536000; includeSubDomains; preload on every HTTPS response.',
  'headers.csp':
    "Send a restrictive Content-Security-Policy (default-src 'none' or 'self', no unsafe-inline or unsafe-eval, frame-ancestors set).",
  'headers.x-frame-options': "Deny framing with X-Frame-Options: DENY or CSP frame-ancestors 'none'.",
  'headers.x-content-type-options': 'Send X-Content-Type-Options: nosniff on every response.',
  'headers.referrer-policy': 'Send Referrer-Policy: no-referrer or strict-origin-when-cross-origin.',
  'headers.cookies': 'Set every cookie with Secure, HttpOnly and SameSite.',
  'headers.cors': 'Restrict Access-Control-Allow-Origin to the origins that need it.',
  'headers.redirection': 'Redirect plain http to https on the same host, with a 301 or 308.',
  'headers.sri':
    'Add integrity (and crossorigin) attributes to scripts loaded from other origins, or serve them yourself.',
  'headers.server-leak': 'Remove X-Powered-By and strip version numbers from the Server header.',
  'tls.protocols': 'Disable SSLv3, TLS 1.0 and TLS 1.1; accept TLS 1.2 and 1.3 only.',
  'tls.ciphers':
    'Accept only forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305); drop CBC, RSA key exchange, RC4 and 3DES.',
  'tls.certificate-chain':
    'Serve the full chain up to a trusted root (leaf plus intermediates), or name the private CA in target.caFile.',
  'tls.certificate-hostname': 'Issue the certificate for the host name clients use (subjectAltName).',
  'tls.certificate-expiry':
    'Renew the certificate (automate it, e.g. ACME) before fewer than params.certMinDays days are left.',
  'tls.certificate-key': 'Reissue the certificate with RSA >= 2048 bits or EC >= 256 bits and a SHA-2 signature.',
  'tls.redirect': 'Redirect plain http to https for every path.',
  'deps.advisories':
    'Upgrade the packages the evidence lists to a fixed version and commit the updated lockfile (or rebuild the host or image whose SBOM, dpkg status or pip output was audited); waive an advisory only with a reason, an owner and an expiry.',
  'load.completed':
    "Look at the load engine's output in load/: fix what stopped the run (target errors, account pool, engine crash) and run the load suite again.",
} as const satisfies Record<CatalogueId, string>;

/** A team's own check has no catalogue entry: say where to look instead. */
export function remedyFor(id: string): string {
  return (
    (REMEDIES as Record<string, string>)[id] ??
    'This check comes from a team spec: see the spec that defines it and the evidence of this run.'
  );
}

/** KPIs are the team's own numbers: the remedy names what produced the figure and the file that sets the bar. */
export function kpiRemedy(k: Pick<KpiResult, 'metric' | 'suite'>): string {
  const moved = 'if the documented number itself changed, change it in the KPI file together with its source.';
  if (!k.metric) return 'Fix the failing checks this KPI names; each has its own result with evidence and a remedy.';
  if (k.suite === 'load')
    return `Compare the measured value with the threshold and the per-endpoint figures in report.json (load.endpoints) and fix the slowest or failing endpoint; ${moved}`;
  return `The figure comes from this run's ${k.suite ? `${k.suite} ` : ''}checks: fix what their results show (each has evidence and a remedy); ${moved}`;
}
