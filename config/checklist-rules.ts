import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';

/** Numbers a claim can state that gonogo measures; each is compared with the measured value by judge.ts. */
export const quantities = [
  'rate-limit',
  'latency',
  'error-rate',
  'success-rate',
  'availability',
  'token-lifetime',
  'lockout-attempts',
  'password-length',
] as const;
export type Quantity = (typeof quantities)[number];

/** Maps claims by meaning to the evidence that proves or disproves them. */
export interface ChecklistRule {
  id: string;
  /** Any of these matching the claim text selects the rule (case-insensitive). */
  match: RegExp[];
  /** ...unless one of these matches (a more specific rule covers it). */
  unless?: RegExp[];
  /** Check ids or `area.*` patterns. */
  checks: string[];
  /** KPI ids. */
  kpis: string[];
  quantity?: Quantity;
}

/** The config form (`checklist.rules`): patterns as strings. A rule with a built-in id replaces it. */
export const ChecklistRuleConfig = z
  .object({
    id: z.string().min(1),
    match: z.array(z.string().min(1)).min(1),
    unless: z.array(z.string().min(1)).optional(),
    checks: z.array(z.string().min(1)).default([]),
    kpis: z.array(z.string().min(1)).default([]),
    quantity: z.enum(quantities).optional(),
  })
  .strict()
  .refine((r) => r.checks.length + r.kpis.length > 0, 'a rule names at least one check or KPI');
export type ChecklistRuleConfig = z.input<typeof ChecklistRuleConfig>;

const r = (
  id: string,
  match: RegExp[],
  checks: string[],
  kpis: string[] = [],
  extra: Partial<ChecklistRule> = {},
): ChecklistRule => ({ id, match, checks, kpis, ...extra });

/** Built-in rules, written against the wording of real launch checklists (see KPIS.md for where each comes from). */
export const BUILTIN_RULES: ChecklistRule[] = [
  r('ratelimit-login', [/rate.?limit\w*.{0,30}login|login.{0,30}rate.?limit|brute.?force/i], ['ratelimit.login']),
  r('ratelimit-api', [/rate.?limit|throttl/i], ['ratelimit.api', 'ratelimit.forwarded-for'], ['ratelimit.api'], {
    unless: [/login/i],
    quantity: 'rate-limit',
  }),
  r('lockout', [/lock.?out|locked after|failed (login )?attempts/i], ['auth.lockout'], ['auth.lockout'], {
    quantity: 'lockout-attempts',
  }),
  r(
    'password-policy',
    [/password.{0,20}(complexity|policy|strength|requirement|min)/i],
    ['auth.password-policy'],
    ['auth.password-policy'],
    { quantity: 'password-length' },
  ),
  r(
    'token-expiry',
    [/token.{0,20}(expir|lifetime|ttl)|ACCESS_TOKEN_EXPIRE/i],
    ['auth.token-expiry', 'auth.expired-rejected'],
    ['auth.token-expiry'],
    { quantity: 'token-lifetime' },
  ),
  r('refresh-rotation', [/refresh.?token/i], ['auth.refresh-rotation']),
  r(
    'jwt',
    [/\bjwt\b/i],
    [
      'auth.login-roles',
      'auth.alg-none-rejected',
      'auth.tampered-rejected',
      'auth.expired-rejected',
      'auth.weak-secret',
    ],
    [],
    { unless: [/expir|refresh/i] },
  ),
  r(
    'authentication',
    [/(user )?authentication (flow|working|system)|\buser authentication\b|login (works|working|flow)|can log ?in/i],
    ['auth.login-roles', 'auth.login-uniform-failure', 'browser.login-flow'],
    [],
    { unless: [/two.?factor|\b2fa\b|multi.?factor|\bmfa\b|oauth|api.?key/i] },
  ),
  // What "no bypass" means from outside: forged, tampered, expired and anonymous requests are all refused.
  r(
    'auth-bypass',
    [/\b(development|dev|debug|test(ing)?|auth\w*) bypass(es)?\b|\bbypass(es)? (eliminated|removed|disabled)/i],
    [
      'auth.openapi-sweep',
      'auth.alg-none-rejected',
      'auth.tampered-rejected',
      'auth.expired-rejected',
      'auth.weak-secret',
    ],
  ),
  r(
    'credentials-work',
    [
      /credentials? (are )?(work|working|valid)|(qa|test|user|role) (accounts?|logins?) (work|working|can log ?in)|log ?in (as|for) (all|every|each) (user )?roles?/i,
    ],
    ['auth.login-roles'],
    [],
    { unless: [/demo|api|external/i] },
  ),
  r(
    'sessions',
    [
      /session (management|security|handling|expir\w*|timeouts?|invalidation|revocation)|logout (revokes|invalidates|works)|(tokens?|sessions?) (are )?(revoked|invalidated) (on|at|after) log ?out/i,
    ],
    ['auth.logout-revokes', 'auth.refresh-rotation', 'auth.token-expiry', 'headers.cookies', 'browser.cookies'],
    [],
    { unless: [/redis|store|storage|database|backend for/i] },
  ),
  r(
    'registration',
    [
      /registration (flow|works|working|process)|user registration|sign.?up (flow|works|working)|can (register|sign ?up)/i,
    ],
    ['email.delivery', 'email.link-verifies'],
    [],
    { unless: [/monitor|dashboard|analytics/i] },
  ),
  r(
    'frontend-loads',
    [
      /(can )?access (the )?(frontend|web app|site)\b|(frontend|web app|login page) (loads|is reachable|is accessible|accessible|reachable)/i,
    ],
    ['browser.login-page'],
  ),
  r('mass-assignment', [/mass.?assignment|over.?posting/i], ['auth.mass-assignment']),
  r(
    'endpoint-auth',
    [
      /(all|every|secured|protected) (api )?(endpoints?|routes?) (require|need|are protected by|enforce) (auth\w*|login|a token)|(unauthenticated|anonymous) (access|requests?|calls?) (is |are )?(blocked|refused|rejected|denied)/i,
    ],
    ['auth.openapi-sweep', 'auth.authz-matrix'],
  ),
  // A periodic review of access rights is a process, not a property gonogo can measure.
  r(
    'rbac',
    [/role.?based|\brbac\b|access control|permissions|privilege escalation|function.level authori[sz]ation|\bbfla\b/i],
    ['auth.rbac', 'auth.object-ownership', 'auth.authz-matrix'],
    [],
    { unless: [/\breview/i] },
  ),
  // One user's or tenant's objects kept from another's: what the matrix's second user of the same role proves.
  r(
    'object-isolation',
    [
      /multi.?tenan\w*|tenant (isolation|separation)|data (isolation|segregation)|\bidor\b|\bbola\b|object.level authori[sz]ation|(users?|customers?|clients?|tenants?) (can )?(only|cannot) (see|access|read|view|edit) (their|its) own/i,
    ],
    ['auth.authz-matrix', 'auth.object-ownership'],
    [],
    { unless: [/\breview/i] },
  ),
  r(
    'secrets',
    [/secret.?key|weak secret|strong secret|secrets? (managed|in environment)|hardcoded credentials/i],
    ['auth.weak-secret'],
  ),
  // The check logs in on the target; a claim about the team's own test code (test files, fixtures, conftest) is not what it measures.
  r(
    'demo-data',
    [/demo (data|users?|accounts?|email|domains?)|test (users?|data)\b|example\.com|demo\/test data/i],
    ['auth.no-demo-accounts'],
    [],
    { unless: [/conftest|fixtures?|test files|test data integrity/i] },
  ),
  r('escrow', [/escrow|funds? release|milestone.{0,20}release/i], ['escrow.*'], ['escrow.non-bypass']),
  r(
    'payment-verification',
    [
      /payment verification|verif\w* payments?|mock payment|webhook|stripe|payment (processing|integration|flows?|handling)/i,
    ],
    // Not the KPI escrow.non-bypass: it stands for every escrow check, and a release-permission flaw says nothing about payment verification.
    [
      'escrow.happy-path',
      'escrow.webhook-bad-signature',
      'escrow.webhook-stale',
      'escrow.mark-paid-refused',
      'escrow.amount-mismatch',
      'escrow.replay-funds-once',
    ],
    [],
    { unless: [/live mode|monitor/i] },
  ),
  r(
    'order-flow',
    [/order (processing|lifecycle|management|flow)s?|orders? (processing )?(functional|working|operational)/i],
    ['escrow.happy-path'],
    [],
    { unless: [/monitor|dashboard|sales orders?/i] },
  ),
  r(
    'transaction-validation',
    [
      /(transaction|payment|amount)s? validation|validat\w* (of )?(transactions?|payments?|amounts?)|proper field validation/i,
    ],
    ['escrow.invalid-amount', 'escrow.amount-mismatch'],
  ),
  r(
    'input-validation',
    [
      /input validation|validat\w* (of )?(all )?(user )?inputs?|request validation|pydantic (model )?validation|input saniti[sz]ation|sanitiz\w* (of )?(all )?(user )?inputs?|schema validation/i,
    ],
    [
      'escrow.invalid-amount',
      'auth.mass-assignment',
      'input.schema-invalid',
      'input.sql-injection',
      'input.nosql-injection',
      'input.template-injection',
      'input.path-traversal',
    ],
    [],
    { unless: [/file upload/i] },
  ),
  r('sql-injection', [/sql.?injection|\bsqli\b|parameteri[sz]ed (sql )?quer(y|ies)/i], ['input.sql-injection']),
  r('nosql-injection', [/nosql|(mongo\w*|operator) injection/i], ['input.nosql-injection']),
  r('template-injection', [/template injection|\bssti\b/i], ['input.template-injection']),
  r('path-traversal', [/(path|directory) traversal|\.\.\//i], ['input.path-traversal']),
  r(
    'email-verification',
    [
      /e-?mail verification|verif\w* e-?mail|ENABLE_EMAIL_VERIFICATION|unverified users?|verification (tokens?|links?)/i,
    ],
    ['email.*'],
    ['email.verification'],
  ),
  r('email-delivery', [/e-?mail (service|functionality|delivery|sending)/i], ['email.delivery']),
  // A setting that turns debug on ("DEBUG = True") is no claim that it is off.
  r('debug-off', [/\bdebug\b|stack traces?|debug pages?/i], ['config.debug-off'], ['config.debug-off'], {
    unless: [/\bdebug\b\W*(bool\W*)?[=:]\W*(true|on|1)\b|debug bypass/i],
  }),
  r('api-docs', [/api docs? (hidden|not public)|swagger.{0,20}(disabled|hidden)/i], ['config.docs-hidden']),
  r('cors', [/\bcors\b|allowed.?origins/i], ['cors.*', 'headers.cors'], ['cors']),
  r('hsts', [/\bhsts\b|strict.transport.security/i], ['headers.hsts']),
  r('x-frame-options', [/x.frame.options|clickjack|frame.ancestors/i], ['headers.x-frame-options']),
  r('nosniff', [/nosniff|content.type.options/i], ['headers.x-content-type-options']),
  r('csp', [/content.security.policy|\bcsp\b/i], ['headers.csp']),
  r('referrer-policy', [/referrer.policy/i], ['headers.referrer-policy']),
  r(
    'server-leak',
    [/server_tokens|server (header|version|banner|tokens)|x-powered-by|version (leak\w*|disclosure|hidden)/i],
    ['headers.server-leak'],
  ),
  r('sri', [/subresource integrity|\bsri\b/i], ['headers.sri']),
  r('security-headers', [/security headers|headers? (hardening|configured)/i], ['headers.*'], ['headers.grade']),
  r(
    'cookies',
    [/cookies?.{0,30}(secure|httponly|samesite)|(secure|httponly) cookies|SESSION_COOKIE_SECURE|CSRF_COOKIE_SECURE/i],
    ['headers.cookies', 'browser.cookies'],
  ),
  // The CSRF cookie's own flags are a cookie claim (above); the protection is the csrf checks'.
  r('csrf', [/\bc?xsrf\b|\bcsrf\b|cross.site request forgery/i], ['csrf.*'], [], {
    unless: [/CSRF_COOKIE_(SECURE|HTTPONLY|SAMESITE)/i],
  }),
  r(
    'https-redirect',
    [/ssl.?redirect|force https|https (enforce|redirect|only)|http\s*(->|→|to)\s*https|redirect\w* to https/i],
    ['tls.redirect', 'headers.redirection'],
  ),
  r(
    'tls-protocols',
    [/tls\s*v?1\.[0-3]|ssl_protocols|tls (versions?|protocols?)/i],
    ['tls.protocols'],
    ['tls.protocols'],
  ),
  r('tls-ciphers', [/cipher/i], ['tls.ciphers'], ['tls.ciphers']),
  r(
    'tls-certificate',
    [/(ssl|tls)?\s*certificates?/i],
    ['tls.certificate-chain', 'tls.certificate-hostname', 'tls.certificate-expiry', 'tls.certificate-key'],
    ['tls.certificate'],
    { unless: [/cipher/i] },
  ),
  r(
    'tls-config',
    [/ssl\/tls|tls\/ssl|(ssl|tls) config/i],
    ['tls.*'],
    ['tls.protocols', 'tls.ciphers', 'tls.certificate'],
  ),
  // A disclosure process is a policy; the advisories check measures the lockfiles, SBOMs, dpkg status and pip output it reads.
  r(
    'vulnerabilities',
    [
      /vulnerabilit|\bcves?\b|npm audit|pip-audit|osv-scanner|\btrivy\b|\bgrype\b|\bsafety\b|advisor(y|ies)|dependency (audit|scan)|security (patches|updates)|(os|system|debian|apt|base image) packages? (are )?(patched|up.to.date|updated)|(container|image) (vulnerability )?scan/i,
    ],
    ['deps.advisories'],
    ['deps.critical', 'deps.high'],
    { unless: [/disclosure/i] },
  ),
  // "Readiness" alone is the document's own word ("production readiness"); only the probe is a health route.
  r(
    'health',
    [
      /health.?(check|endpoint|route)s?|\/health|\((liveness|readiness)\)|(liveness|readiness) (probe|check|endpoint|route)s?|metrics endpoint|monitoring endpoints?|\/metrics\b/i,
    ],
    ['health.routes'],
    ['health'],
    { unless: [/database health|external (services|api)/i] },
  ),
  r('latency-mean', [/(average|mean|\bavg\b).{0,20}(response time|latency)/i], [], ['http.mean'], {
    unless: [/database|db query|quer(y|ies)|ml prediction|monitor/i],
    quantity: 'latency',
  }),
  r(
    'latency-p99',
    [/(response times?|latency).{0,30}(\bp99\b|99th)|(\bp99\b|99th).{0,30}(response time|latency)/i],
    [],
    ['http.p99'],
    { unless: [/database|db query|quer(y|ies)|ml prediction|monitor/i], quantity: 'latency' },
  ),
  r('latency', [/response times?|latency|\bp(90|95)\b|percentile/i], [], ['http.p95'], {
    unless: [/database|db query|quer(y|ies)|ml prediction|monitor|average|mean|\bavg\b|\bp99\b|99th/i],
    quantity: 'latency',
  }),
  r('error-rate', [/error.?rates?/i], [], ['http.errors'], {
    unless: [/monitor|dashboard|alert/i],
    quantity: 'error-rate',
  }),
  r('success-rate', [/success rate|transaction success/i], [], ['checks.success'], {
    unless: [/prediction/i],
    quantity: 'success-rate',
  }),
  r('availability', [/uptime|availability/i], [], ['availability'], {
    unless: [/monitoring|robot/i],
    quantity: 'availability',
  }),
  r(
    'load-test',
    [/load test|stress test|performance (test|benchmark)s?|\bk6\b/i],
    ['load.completed'],
    ['http.p95', 'http.errors'],
  ),
  // A recurring watch ("hourly", "monitor") is a process; a one-off look at the figures is what the load run gives.
  r(
    'performance-metrics',
    [
      /performance (metrics|targets?|figures) (are )?(acceptable|met|exceeded|achieved|within)|(check|verify|review) (the )?performance (metrics|figures)/i,
    ],
    ['load.completed'],
    ['http.p95', 'http.mean', 'http.p99', 'http.errors'],
    { unless: [/hourly|daily|weekly|monthly|every|monitor|dashboard|alert/i] },
  ),
];

/** Compiles config rules, team rules first; a team rule with a built-in id replaces it. Bad patterns are config errors (of `file` when given). */
export function mergeRules(
  builtIn: ChecklistRule[],
  extra: ChecklistRuleConfig[] = [],
  where = 'checklist.rules',
  file?: string,
): ChecklistRule[] {
  const issues: string[] = [];
  const compile = (p: string, path: string): RegExp => {
    try {
      return new RegExp(p, 'i');
    } catch (e) {
      issues.push(`${path}: ${(e as Error).message}`);
      return /$^/;
    }
  };
  const team = extra.map((raw, i) => {
    const parsed = ChecklistRuleConfig.safeParse(raw);
    if (!parsed.success) {
      issues.push(...parsed.error.issues.map((x) => `${where}[${i}].${x.path.join('.')}: ${x.message}`));
      return null;
    }
    const c = parsed.data;
    return {
      id: c.id,
      checks: c.checks,
      kpis: c.kpis,
      quantity: c.quantity,
      match: c.match.map((p, j) => compile(p, `${where}[${i}].match[${j}]`)),
      unless: c.unless?.map((p, j) => compile(p, `${where}[${i}].unless[${j}]`)),
    } satisfies ChecklistRule;
  });
  if (issues.length) throw new ConfigError(file ?? where, issues);
  const teamRules = team.filter((x): x is NonNullable<typeof x> => x !== null);
  const replaced = new Set(teamRules.map((t) => t.id));
  return [...teamRules, ...builtIn.filter((b) => !replaced.has(b.id))];
}

/** Every rule whose meaning the claim carries. */
export function matchRules(text: string, rules: ChecklistRule[]): ChecklistRule[] {
  return rules.filter((rule) => rule.match.some((m) => m.test(text)) && !(rule.unless ?? []).some((u) => u.test(text)));
}
