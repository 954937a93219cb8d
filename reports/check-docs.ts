import type { CatalogueId } from '../core/catalogue.ts';

/**
 * What docs/checks.md says of each built-in check beyond its catalogue title: the positive control that must
 * hold before a negative result counts (without it the check is an `error`, never a `pass`), and the config keys
 * it reads (dot paths of the config schema). The flaws that show it failing come from reference-app/flaws.ts.
 */
export interface CheckDoc {
  control: string;
  keys: string[];
  /** More than the title says, when the title alone would mislead. */
  proves?: string;
}

const LOGIN = ['smoke.login', 'smoke.me'];
const ACCOUNT = [...LOGIN, 'smoke.register', 'smoke.verifyEmail', 'smoke.mailbox'];
const FLOW = [
  'smoke.escrow.steps',
  'smoke.escrow.order.get',
  'smoke.escrow.order.states',
  'smoke.webhook.secretEnv',
  'smoke.accounts',
];
const HAPPY = 'escrow.happy-path passed in this run: the whole flow worked for the owner';
const FUNDED = `${HAPPY}, and the order this check bends was funded and released as the flow says when sent by the owner`;
const PAGE = 'every audited page (`pages`, `apiPath`, `errorPath`) could be read';
const HANDSHAKE = 'a TLS handshake with the endpoint succeeded';
const CSRF = [
  ...LOGIN,
  'smoke.login.csrf',
  'smoke.login.csrf.probe',
  'smoke.login.csrf.refusedStatuses',
  'smoke.logout',
];
const CSRF_CONTROL =
  'a fresh session of the suite sends the state-changing request (`smoke.login.csrf.probe`, default `smoke.logout`) with its token and a same-site Origin and gets a 2xx; without `smoke.login.csrf` a credential that travels in a header skips as not applicable (a browser never attaches it to a cross-site request) unless login also set a cookie that authenticates alone (`smoke.me` with only that cookie is accepted) and is not SameSite=Strict or Lax: then the checks send that cookie instead of a token, and the control is the request with the header credential; a cookie credential without `smoke.login.csrf` is not configured';

export const CHECK_DOCS = {
  'auth.login-roles': {
    control: 'none: it is itself the control of every check that logs in',
    keys: [...LOGIN, 'smoke.accounts'],
  },
  'auth.login-uniform-failure': {
    control: 'in the same check, an account of the suite logs in with its right password',
    keys: [...ACCOUNT, 'smoke.debugFields'],
  },
  'auth.token-expiry': {
    control:
      "login returns a JWT access token with an `exp` claim (a token that is no JWT skips); without `iat` the token is a fresh login's",
    keys: LOGIN,
    proves: 'exp - iat is at most the KPI `params.tokenLifetimeMaxS`',
  },
  'auth.alg-none-rejected': { control: 'the genuine token is accepted on the `me` route', keys: LOGIN },
  'auth.tampered-rejected': {
    control:
      'the genuine token is accepted on the `me` route, where the forged one is judged (and on the first admin route, when it refuses anonymous callers)',
    keys: [...LOGIN, 'smoke.roleClaim', 'smoke.roles.admin', 'smoke.roleRoutes'],
  },
  'auth.expired-rejected': {
    control:
      'a token minted with the configured secret and a future expiry is accepted (without `smoke.jwtSecretEnv` no validly signed expired token can be made: the check skips)',
    keys: [...LOGIN, 'smoke.jwtSecretEnv'],
  },
  'auth.weak-secret': {
    control:
      'login returns an HMAC-signed JWT (another token skips as not applicable) and the wordlist is not empty; the secrets are tried on it locally, no request is sent',
    keys: [...LOGIN, 'smoke.weakSecrets', 'smoke.weakSecretsFile'],
  },
  'auth.refresh-rotation': {
    control:
      'a fresh refresh token works once, and after the reuse a fresh refresh token of another session still works',
    keys: [...LOGIN, 'smoke.login.refreshToken', 'smoke.refresh'],
  },
  'auth.logout-revokes': {
    control:
      "the fresh token works before logout and logout answers 2xx (for `refresh`, a second session's refresh token still works)",
    keys: [...LOGIN, 'smoke.logout', 'smoke.refresh', 'smoke.login.refreshToken'],
  },
  'auth.password-policy': {
    control: 'a password that meets the KPI policy is accepted at registration, before and after the weak ones',
    keys: ['smoke.register'],
  },
  'auth.mass-assignment': {
    control:
      'the same registration without the fields succeeds, verifies and logs in, and the `me` route answers for it and for a baseline account',
    keys: [
      ...ACCOUNT,
      'smoke.massAssignment.fields',
      'smoke.massAssignment.refusalStatuses',
      'smoke.roleClaim',
      'smoke.roles.admin',
    ],
  },
  'auth.rbac': {
    control:
      'the owner role logs in, and for every route an account of its role or of a role in its `allowedRoles` reaches it; a route without one is unproven (an error), never a pass',
    keys: [...LOGIN, 'smoke.roleRoutes', 'smoke.roles.owner', 'smoke.accounts'],
  },
  'input.schema-invalid': {
    control:
      "each operation's valid request (its parameters' examples, `inputProbes.values`; a write on the run's own order, filled from the flow) answers 2xx to a session of the suite's own before the forbidden values are sent; an operation whose valid request answers otherwise is named and leaves the check warn (401/403: the operation is another role's, left out)",
    keys: [
      'smoke.escrow.steps',
      'smoke.authzMatrix.params',
      'smoke.openapi',
      'smoke.inputProbes.budget',
      'smoke.inputProbes.writes',
      'smoke.inputProbes.values',
      'smoke.inputProbes.enabled',
      'smoke.refusal.statuses',
    ],
  },
  'input.sql-injection': {
    control:
      "each query parameter is first sent its example value: an error signature counts only when that control's answer lacks it, and the true/false pair only when the control answered 2xx",
    keys: [
      'smoke.openapi',
      'smoke.inputProbes.budget',
      'smoke.inputProbes.writes',
      'smoke.inputProbes.values',
      'smoke.inputProbes.enabled',
      'smoke.inputProbes.sqlErrorSignatures',
      'smoke.inputProbes.sqlErrorPayloads',
      'smoke.inputProbes.sqlBooleanPairs',
    ],
  },
  'input.nosql-injection': {
    control:
      'each query parameter is sent its example value and left out; an operator counts only when its 2xx answer is unlike both. A body field is judged against the valid body, which must answer 2xx',
    keys: [
      'smoke.escrow.steps',
      'smoke.authzMatrix.params',
      'smoke.openapi',
      'smoke.inputProbes.budget',
      'smoke.inputProbes.writes',
      'smoke.inputProbes.values',
      'smoke.inputProbes.enabled',
      'smoke.inputProbes.nosqlQueryOperators',
      'smoke.inputProbes.nosqlBodyOperators',
    ],
  },
  'input.template-injection': {
    control:
      'each query parameter is first sent a random marker; only a parameter whose answer echoes it is probed (none echoed: not applicable)',
    keys: [
      'smoke.openapi',
      'smoke.inputProbes.budget',
      'smoke.inputProbes.writes',
      'smoke.inputProbes.values',
      'smoke.inputProbes.enabled',
      'smoke.inputProbes.templatePayloads',
    ],
  },
  'input.path-traversal': {
    control:
      "each file-like parameter is first sent its example value; a file signature counts only when that control's answer lacks it (no file-like parameter: not applicable)",
    keys: [
      'smoke.openapi',
      'smoke.inputProbes.budget',
      'smoke.inputProbes.writes',
      'smoke.inputProbes.values',
      'smoke.inputProbes.enabled',
      'smoke.inputProbes.fileParams',
      'smoke.inputProbes.traversalPayloads',
      'smoke.inputProbes.fileSignatures',
    ],
  },
  'auth.authz-matrix': {
    control:
      'the owner reads its new order through `order.get`, and each judged operation shows the owner that order (its id and another of its fields); an operation reserved to a role is judged only where an account of a permitted role (smoke.accounts) is answered 2xx, else the check is an error; a secured operation whose path parameter nothing fills, past `maxOperations`, or cut short by `maxRequests` or `maxSeconds` leaves the check warn',
    keys: [
      'smoke.openapi',
      ...FLOW,
      'smoke.authzMatrix.params',
      'smoke.authzMatrix.genericParams',
      'smoke.authzMatrix.idFields',
      'smoke.authzMatrix.maxOperations',
      'smoke.authzMatrix.maxRequests',
      'smoke.authzMatrix.maxSeconds',
      'smoke.authzMatrix.writes',
      'smoke.roleRoutes',
      'smoke.roles.owner',
      'smoke.roles.admin',
      'smoke.accounts',
      'smoke.refusal.statuses',
    ],
    proves:
      "every GET of the document (and, with `writes`, every write on the run's own objects, or every write) that names or lists the owner's order or an object of the owner's list operations, called as a second user of the owner's role, does not show or change it (BOLA); every operation reserved to a role by the document's security scopes or `smoke.roleRoutes` refuses each lesser role with a session (BFLA); every secured operation refuses an anonymous call (security `[{jwt: []}, {}]` is optional auth, not secured)",
  },
  'auth.object-ownership': {
    control: "the owner changes its own order's description through `order.update` and reads it back",
    keys: [...FLOW, 'smoke.escrow.order.update', 'smoke.escrow.order.descriptionPath'],
  },
  'auth.no-demo-accounts': {
    control:
      "an account of the suite logs in through the same mapping first; a list not covered within the login model's budget ends `warn`, naming the pairs not tried",
    keys: [
      ...LOGIN,
      'smoke.demoAccounts',
      'smoke.demoPasswords',
      'smoke.demoDefaults',
      'smoke.demoAttemptsMax',
      'smoke.demoWaitS',
      'smoke.ratelimit.login',
    ],
  },
  'auth.lockout': {
    control: 'the account logs in with its right password before the failures, and a wrong password does not log in',
    keys: [...ACCOUNT, 'smoke.ratelimit.login'],
    proves: 'after the KPI `params.lockout.attempts` failures the right password is refused',
  },
  'auth.openapi-sweep': {
    control:
      'the document declares at least one secured operation, every anonymous answer is 2xx or one of `smoke.openapiSweep.refusedStatuses`, and a session of the suite gets a 2xx from one refused GET',
    keys: ['smoke.openapi', 'smoke.openapiSweep.refusedStatuses'],
  },
  'email.delivery': {
    control: 'none: it is itself the control of the email checks',
    keys: ['smoke.register', 'smoke.mailbox', 'smoke.verifyEmail.timeoutMs'],
  },
  'email.unverified-blocked': {
    control:
      'registration succeeds and its verification mail arrives (a credential the registration answer hands out is tried on `me` too)',
    keys: [...ACCOUNT],
  },
  'email.link-verifies': {
    control: 'registration succeeds and its verification mail arrives (it is itself the control of the token checks)',
    keys: ['smoke.register', 'smoke.mailbox', 'smoke.verifyEmail'],
  },
  'email.token-single-use': {
    control: 'the token verifies the account the first time',
    keys: ['smoke.register', 'smoke.mailbox', 'smoke.verifyEmail'],
  },
  'email.random-token-rejected': {
    control: 'registration succeeds, its verification mail arrives and its genuine token verifies',
    keys: ['smoke.register', 'smoke.mailbox', 'smoke.verifyEmail'],
  },
  'email.token-not-exposed': {
    control: 'the mail carries a token to look for',
    keys: ['smoke.register', 'smoke.mailbox', 'smoke.verifyEmail'],
  },
  'escrow.happy-path': { control: 'none: it is the control of every other escrow check', keys: FLOW },
  'escrow.unfunded-release-refused': { control: HAPPY, keys: FLOW },
  'escrow.mark-paid-refused': {
    control: `${HAPPY}; the owner changes its order's description through \`order.update\` and reads it back; the order's state is where \`order.statePath\` says`,
    keys: [
      ...FLOW,
      'smoke.escrow.order.update',
      'smoke.escrow.order.statePath',
      'smoke.escrow.order.markPaidBody',
      'smoke.escrow.order.paidFlags',
      'smoke.escrow.order.descriptionPath',
    ],
  },
  'escrow.webhook-bad-signature': {
    control: `${HAPPY}; after the bent events the correctly signed one funds the same order`,
    keys: [...FLOW, 'smoke.webhook'],
  },
  'escrow.webhook-stale': {
    control: `${HAPPY}; after the stale event the correctly signed one funds the same order`,
    keys: [...FLOW, 'smoke.webhook.staleAgeS'],
  },
  'escrow.amount-mismatch': {
    control: `${HAPPY}; after the bent events the right payment funds the same order`,
    keys: [...FLOW, 'smoke.escrow.amount', 'smoke.escrow.currency', 'smoke.escrow.otherCurrency'],
  },
  'escrow.replay-funds-once': { control: FUNDED, keys: [...FLOW, 'smoke.escrow.order.paidAmountPath'] },
  'escrow.release-other-user': {
    control: `${HAPPY}; a second user of the suite logs in and the order is ready for release`,
    keys: FLOW,
  },
  'escrow.release-counterparty': {
    control: `${HAPPY}; an account of \`smoke.roles.counterparty\` logs in`,
    keys: [...FLOW, 'smoke.roles.counterparty'],
  },
  'escrow.release-anonymous': { control: `${HAPPY}; the order is ready for release`, keys: FLOW },
  'escrow.release-needs-approval': { control: `${HAPPY}; the order is funded`, keys: FLOW },
  'escrow.steps-other-user': {
    control: `${HAPPY}; each step refused to a second user of the suite then works for the owner`,
    keys: FLOW,
  },
  'escrow.invalid-amount': {
    control: `${HAPPY}; an order with the configured amount is created in the same check`,
    keys: [...FLOW, 'smoke.escrow.invalidAmounts'],
  },
  'ratelimit.api': {
    control: 'the probed route answers before any limit applies',
    keys: ['smoke.ratelimit.api', 'smoke.ratelimit.maxWaitS'],
    proves:
      'the 429 comes within the KPI tolerance of what the rate-limit model predicts, announces a wait, and the route answers again after it (an announced wait beyond smoke.ratelimit.maxWaitS leaves it warn, unproven)',
  },
  'ratelimit.forwarded-for': {
    control:
      'requests without credentials are limited at all, and a correct limiter could not have answered every spoofed request',
    keys: ['smoke.ratelimit.anonymous', 'smoke.ratelimit.maxWaitS'],
  },
  'ratelimit.login': {
    control:
      'none: no 429 within what the model allows is the finding (an undocumented limit, derived from the lockout threshold, is only judged as an upper bound)',
    keys: ['smoke.login', 'smoke.ratelimit.login', 'smoke.ratelimit.maxWaitS'],
  },
  'health.routes': { control: 'none: a 200 within the budget is the finding', keys: ['smoke.health'] },
  'config.debug-off': {
    control: 'every probe provokes an error answer (4xx or 5xx); a debug signature in one is the finding',
    keys: ['smoke.debugProbes', 'smoke.debugSignatures', 'smoke.debugFields'],
  },
  'config.docs-hidden': {
    control: 'none: a 200 that looks like documentation is the finding (one same-origin redirect followed)',
    keys: ['smoke.docsPaths', 'smoke.docsSignatures', 'smoke.openapi'],
  },
  'cors.foreign-origin': {
    control: 'a login for the credentialed probe, and each probed route answers its GET with 2xx',
    keys: ['smoke.cors', 'smoke.accounts'],
  },
  'cors.credentials-wildcard': {
    control: 'a login for the credentialed probe, and each probed route answers its GET with 2xx',
    keys: ['smoke.cors', 'smoke.accounts'],
  },
  'browser.login-page': {
    control:
      'none: a page that does not load clean is the finding (without Chromium at `executablePath`, or with `enabled: false`, it skips)',
    keys: ['smoke.browser.enabled', 'smoke.browser.executablePath', 'smoke.browser.loginPage'],
  },
  'browser.login-flow': {
    control:
      'an account of `smoke.roles.owner` (or the first account) is configured to log in with; without `smoke.browser.successSelector` the login answer must carry the credential `smoke.login.token` names',
    keys: ['smoke.browser', 'smoke.login.path', 'smoke.accounts'],
  },
  'browser.cookies': {
    control: 'logging in through the page succeeds and sets a session cookie',
    proves:
      "each session cookie (`smoke.browser.sessionCookies`, default every cookie) is Secure, HttpOnly and SameSite=Strict or Lax, SameSite as the platform's Set-Cookie header states it (Chromium reports a cookie without one as Lax)",
    keys: ['smoke.browser', 'smoke.browser.sessionCookies', 'smoke.accounts'],
  },
  'csrf.token-required': {
    control: CSRF_CONTROL,
    keys: CSRF,
    proves:
      "the same request with the session's cookies and a same-site Origin but no token is refused (one of `refusedStatuses`) and the session still works after it; for a login cookie that authenticates alone, the request with only that cookie and no Origin is refused (`smoke.refusal.statuses`)",
  },
  'csrf.token-bound': {
    control: CSRF_CONTROL,
    keys: CSRF,
    proves:
      "the request with the session's cookies and the token of another live session of the same account is refused, and the session still works after it",
  },
  'csrf.origin-checked': {
    control: CSRF_CONTROL,
    keys: [...CSRF, 'smoke.cors.foreignOrigin'],
    proves:
      'the request with the right token is refused from `smoke.cors.foreignOrigin` (as Origin), and again without Origin and with a Referer on that origin; the session still works after them; for a login cookie that authenticates alone, the request with only that cookie from `smoke.cors.foreignOrigin` is refused',
  },
  'headers.grade': {
    control: PAGE,
    keys: ['security.headers'],
    proves: 'the Observatory-style grade of the worst graded page meets the KPI',
  },
  'headers.hsts': { control: PAGE, keys: ['security.headers'] },
  'headers.csp': { control: PAGE, keys: ['security.headers'] },
  'headers.x-frame-options': { control: PAGE, keys: ['security.headers'] },
  'headers.x-content-type-options': { control: PAGE, keys: ['security.headers'] },
  'headers.referrer-policy': { control: PAGE, keys: ['security.headers'] },
  'headers.cookies': { control: PAGE, keys: ['security.headers'] },
  'headers.cors': { control: PAGE, keys: ['security.headers'] },
  'headers.redirection': {
    control:
      'none: an http answer other than a redirect to https on the same host is the finding (no http listener passes)',
    keys: ['security.tls.httpUrl'],
  },
  'headers.sri': { control: PAGE, keys: ['security.headers'] },
  'headers.server-leak': { control: PAGE, keys: ['security.headers'] },
  'tls.protocols': {
    control: `${HANDSHAKE} on at least one protocol version`,
    keys: ['security.tls.endpoint', 'security.tls.servername'],
  },
  'tls.ciphers': {
    control: 'at least one cipher suite was accepted',
    keys: ['security.tls.endpoint', 'security.tls.concurrency', 'security.tls.handshakeTimeoutMs'],
  },
  'tls.certificate-chain': {
    control: 'the endpoint presents a certificate',
    keys: ['security.tls.endpoint', 'security.tls.caFile', 'target.caFile'],
  },
  'tls.certificate-hostname': { control: 'the endpoint presents a certificate', keys: ['security.tls.servername'] },
  'tls.certificate-expiry': {
    control: 'the endpoint presents a certificate',
    keys: ['security.tls.endpoint'],
    proves: "the certificate stays valid for the KPI's minimum days",
  },
  'tls.certificate-key': { control: 'the endpoint presents a certificate', keys: ['security.tls.endpoint'] },
  'tls.redirect': {
    control:
      'none: an http answer other than a redirect to https on the same host is the finding (no http listener passes)',
    keys: ['security.tls.httpUrl'],
  },
  'deps.advisories': {
    control:
      'every input (lockfile, SBOM, dpkg status file, pip output) is of a known kind and parses to at least one package, and the advisory source answers and holds advisories for each ecosystem audited',
    keys: [
      'security.deps.lockfiles',
      'security.deps.none',
      'security.deps.source',
      'security.deps.ignore',
      'security.deps.timeoutS',
      'security.deps.unratedAs',
      'security.deps.debianRelease',
    ],
  },
  'load.completed': {
    control: 'none: the engine ran the planned profile',
    keys: ['load.journeys', 'load.accounts', 'load.timeouts'],
  },
} as const satisfies Record<CatalogueId, CheckDoc>;
