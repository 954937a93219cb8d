import { z } from 'zod';
import { EscrowConfig } from './flow/schema.ts';
import { EnvName as envName } from '../core/env-name.ts';
import { Mailbox } from '../core/mail/config.ts';
import {
  LimitedRoute,
  Login,
  Ratelimit,
  Refresh,
  Register,
  VerifyEmail,
  method,
  path,
  postRoute,
  template,
} from '../core/signin/config.ts';
import { InputProbes } from './input-config.ts';
import {
  DEFAULT_DEBUG_FIELDS,
  DEFAULT_DEBUG_SIGNATURES,
  DEFAULT_DOCS_SIGNATURES,
  DEFAULT_REFUSAL_STATUSES,
  DebugSignature,
  MassAssignment,
  Roles,
  defaultMassAssignmentFields,
} from './vocab.ts';

/**
 * The smoke suite's part of gonogo.config.ts: how the abstract flows (login, register, verify,
 * orders/escrow...) map onto the target's real routes. Every field has a default or is optional so
 * `{}` parses; the defaults describe a common JSON API and teams override what differs.
 * Secrets are never written here: accounts and the webhook secret name environment variables.
 */
const Logout = z
  .object({
    ...postRoute,
    /** Body template, e.g. `{ refresh: '{{refresh_token}}' }` for a token blacklist; "{{access_token}}" is available too. */
    body: template.optional(),
    /**
     * What logout must end: the access token (a session store or a revocation list), and/or the refresh token
     * (a token blacklist such as simplejwt's, where the short-lived access token is stateless and lives on).
     */
    revokes: z
      .array(z.enum(['access', 'refresh']))
      .min(1)
      .default(['access']),
  })
  .strict();

const Webhook = z
  .object({
    path: path.optional(),
    /** Env var holding the webhook signing secret (whsec_...). */
    secretEnv: envName.default('GONOGO_WEBHOOK_SECRET'),
    signatureHeader: z.string().default('Stripe-Signature'),
    /** Age of the "stale" signature; Stripe's default tolerance is 300 s. */
    staleAgeS: z.number().int().positive().default(3600),
    event: z
      .never({
        error:
          'moved to the confirm-payment step of smoke.escrow.steps: its `event` (e.g. { preset: "payment_intent.succeeded" }, docs/flows.md)',
      })
      .optional(),
  })
  .strict();

const RoleRoutes = z
  .object({
    method: method.default('GET'),
    path,
    /**
     * Other roles that may reach the route (e.g. an admin on a seller's route). The check needs a positive control per
     * route: an account of the route's role, or of one of these, that reaches it; without one the route is unproven.
     */
    allowedRoles: z.array(z.string().min(1)).default([]),
  })
  .strict();

const Account = z
  .object({
    role: z.string().min(1),
    email: z.string().min(3),
    /** Env var holding this account's password. */
    passwordEnv: envName,
  })
  .strict();

const Browser = z
  .object({
    /** false for an API-only platform: the browser checks skip as not-configured (the report stays incomplete) unless notApplicable declares them. */
    enabled: z.boolean().default(true),
    executablePath: z.string().default('/usr/bin/chromium'),
    /** The page holding the login form; required while the browser checks run (smoke/routes.ts). */
    loginPage: path.optional(),
    emailSelector: z.string().default('input[name="email"]'),
    passwordSelector: z.string().default('input[name="password"]'),
    submitSelector: z.string().default('button[type="submit"]'),
    /** Shown after a successful login; when unset, success is the login route answering 2xx. */
    successSelector: z.string().optional(),
    /** Cookies that carry the session; default: every cookie the target set during login. */
    sessionCookies: z.array(z.string()).default([]),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

const DebugProbe = z
  .object({ method: method.default('GET'), path, body: z.string().optional(), contentType: z.string().optional() })
  .strict();

/**
 * Defaults that follow from the routes the config names, so a platform whose routes are not the defaults gets
 * its probes on its own routes rather than on someone else's: the API limiter and the CORS preflight go to `me`,
 * the malformed-body probe to the login route, the odd-id probe under `me`'s route; the default mass-assignment
 * list escalates the platform's own `roleClaim`.
 */
function derivedDefaults<
  T extends {
    login: { path?: string };
    me: { method: z.infer<typeof method>; path?: string };
    ratelimit: { api?: z.infer<ReturnType<typeof LimitedRoute>> };
    cors: { paths?: string[] };
    debugProbes?: z.infer<typeof DebugProbe>[];
    roleClaim: string;
    massAssignment: z.infer<typeof MassAssignment>;
  },
>(c: T) {
  // Nothing derives from a route left out: the suites name the missing key (smoke/routes.ts).
  const mePath = c.me.path;
  const me = mePath?.replace(/\/+$/, '');
  const slash = mePath?.endsWith('/') ? '/' : '';
  return {
    ...c,
    ratelimit: {
      ...c.ratelimit,
      api:
        c.ratelimit.api ??
        (mePath ? LimitedRoute('user', 'all').parse({ method: c.me.method, path: mePath }) : undefined),
    },
    cors: { ...c.cors, paths: c.cors.paths ?? (mePath ? [mePath] : undefined) },
    // The role claim joins only the default list: a team's own list is sent as written.
    massAssignment: {
      ...c.massAssignment,
      fields: c.massAssignment.fields ?? defaultMassAssignmentFields(c.roleClaim),
    },
    debugProbes:
      c.debugProbes ??
      DebugProbe.array().parse([
        { method: 'GET', path: `/gonogo-no-such-route-404${slash}` },
        ...(c.login.path
          ? [{ method: 'POST', path: c.login.path, body: '{"email": ', contentType: 'application/json' }]
          : []),
        ...(me !== undefined ? [{ method: 'GET', path: `${me}/%27%22%3Cgonogo${slash}` }] : []),
      ]),
  };
}

export const SmokeConfig = z
  .object({
    login: Login.prefault({}),
    register: Register.prefault({}),
    verifyEmail: VerifyEmail.prefault({}),
    refresh: Refresh.prefault({}),
    logout: Logout.prefault({}),
    me: z
      .object({ method: method.default('GET'), path: path.optional() })
      .strict()
      .prefault({}),
    /** Routes only a role may reach, keyed by role: `{ admin: [{ path: '/api/admin/users' }] }`. */
    roleRoutes: z.record(z.string(), z.array(RoleRoutes)).default({}),
    /** JWT claim holding the role (the tampered-token check escalates it). */
    roleClaim: z.string().default('role'),
    /** The platform's role names for the suite's abstract roles. */
    roles: Roles.prefault({}),
    adminRole: z.never({ error: 'moved to smoke.roles.admin' }).optional(),
    /** The payment/escrow flow as data; the non-bypass checks are derived from it (smoke/flow/schema.ts). */
    escrow: EscrowConfig.prefault({}),
    orders: z
      .never({
        error:
          'moved to smoke.escrow: the payment flow is smoke.escrow.steps (docs/flows.md); amount, currency and vars are smoke.escrow.amount, .currency and .vars; the routes get and patch are smoke.escrow.order.get and .update; statusPath is smoke.escrow.order.statePath; fundedStatus and releasedStatus are smoke.escrow.order.states; markPaidBody, descriptionPath and paidAmountPath are under smoke.escrow.order',
      })
      .optional(),
    webhook: Webhook.prefault({}),
    ratelimit: Ratelimit.prefault({}),
    /** The authorization matrix over the OpenAPI document's operations, per role, owner and anonymous caller (auth.authz-matrix). */
    authzMatrix: z
      .object({
        /** Path parameter name -> the flow variable that fills it, where neither the same name nor the collection rule finds one. */
        params: z
          .record(
            z.string().min(1),
            z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a flow variable name such as order_id'),
          )
          .default({}),
        /** Parameter names that stand for "the id of the collection before it" (`/orders/{id}` -> order_id). */
        genericParams: z.array(z.string().min(1)).default(['id', 'pk', 'uuid', 'slug']),
        /** Fields that carry an object's id in an answer, besides the field the flow captures order_id from. */
        idFields: z.array(z.string().min(1)).min(1).default(['id', 'pk', 'uuid']),
        /** Read operations called at most (each costs three requests); past it the check is warn, naming the rest. */
        maxOperations: z.number().int().positive().max(500).default(60),
        /** Requests the matrix sends at most; a matrix cut short by it is warn, naming this key. */
        maxRequests: z.number().int().positive().max(5000).default(400),
        /** Seconds the matrix runs at most; a matrix cut short by it is warn, naming this key. */
        maxSeconds: z.number().positive().max(900).default(60),
        /**
         * none: read operations only (GET, HEAD); own: also write operations (POST, PUT, PATCH, DELETE) on the objects the
         * run created itself; all: every write operation of the document, another role's too (only against a disposable
         * environment).
         */
        writes: z.enum(['none', 'own', 'all']).default('none'),
      })
      .strict()
      .prefault({}),
    /** The input probes over the OpenAPI document's operations (input.*): payloads, signatures and budget. */
    inputProbes: InputProbes.prefault({}),
    /** What counts as the platform refusing a request a negative check sends (a forged token, a replayed event, another user's order). */
    refusal: z
      .object({
        /** Statuses and inclusive ranges ("400-428") within 300-599; default every 4xx but 429 (a throttled request proves nothing) and every 5xx. Add 302 for a platform that redirects refused browser requests to its login page. */
        statuses: z
          .array(
            z.union([
              // A 2xx is never a refusal: a platform that answers 200 to a forged request has let it through.
              z.number().int().min(300).max(599),
              z
                .string()
                .regex(/^[3-5]\d\d-[3-5]\d\d$/, 'a status range within 300-599 such as "400-428"')
                .refine(
                  (r) => Number(r.slice(0, 3)) <= Number(r.slice(4)),
                  'a range from the lower status to the higher, such as "400-428"',
                ),
            ]),
          )
          .min(1)
          .default(DEFAULT_REFUSAL_STATUSES),
      })
      .strict()
      .prefault({}),
    health: z
      .object({
        /** Required while health.routes runs (smoke/routes.ts). */
        routes: z.array(path).min(1).optional(),
        latencyBudgetMs: z.number().positive().default(500),
        /** Requests per route: a route is judged by its median, so one slow answer (a pause on a busy host) is not the verdict. */
        samples: z.number().int().min(1).max(20).default(3),
      })
      .strict()
      .prefault({}),
    /** OpenAPI document (URL path on the target, or a local file) for the anonymous-access sweep. */
    openapi: z.string().optional(),
    openapiSweep: z
      .object({
        /** Answers to an anonymous call that mean the auth layer refused it; anything else but 2xx leaves the operation unproven. */
        refusedStatuses: z.array(z.number().int().min(300).max(499)).min(1).default([401, 403]),
        /** The value of every path parameter in the sweep: an id no object has, so a route without auth answers not found rather than acting on a real object. */
        pathParamValue: z
          .string()
          .min(1)
          .regex(/^[^/?#]+$/, 'one path segment: no "/", "?" or "#"')
          .default('999999999'),
      })
      .strict()
      .prefault({}),
    /** Requests that provoke error pages; default: an unknown route, a truncated JSON body to the login route, and a quote-laden segment under `me`'s route (see derivedDefaults). */
    debugProbes: z.array(DebugProbe).min(1).optional(),
    /** What a debug page or stack trace looks like in a body (replaces the default list; extend it with DEFAULT_DEBUG_SIGNATURES). */
    debugSignatures: z.array(DebugSignature).default(DEFAULT_DEBUG_SIGNATURES),
    /** JSON fields that must not carry a stack-shaped value in an error body. */
    debugFields: z.array(z.string().min(1)).default(DEFAULT_DEBUG_FIELDS),
    /** What counts as documentation on a docs path that answers 200. */
    docsSignatures: z.array(DebugSignature).default(DEFAULT_DOCS_SIGNATURES),
    docsPaths: z
      .array(path)
      .default([
        '/docs',
        '/redoc',
        '/openapi.json',
        '/swagger',
        '/swagger-ui',
        '/swagger.json',
        '/api/docs',
        '/api-docs',
        '/api/schema',
        '/__debug__',
      ]),
    cors: z
      .object({
        /** Default: `me`'s route. */
        paths: z.array(path).min(1).optional(),
        foreignOrigin: z.string().default('https://evil.gonogo.invalid'),
      })
      .strict()
      .prefault({}),
    mailbox: Mailbox.default({ kind: 'smtp-sink' }),
    /** The team's QA accounts, one or more per role (never used for destructive probes). */
    accounts: z.array(Account).default([]),
    /** Signing secrets tried besides the shipped wordlist (smoke/vocab/weak-secrets.txt). */
    weakSecrets: z.array(z.string().min(1)).default([]),
    /** A wordlist (one secret a line, "#" comments) that replaces the shipped one; relative to the config file. */
    weakSecretsFile: z.string().min(1).optional(),
    /** Privileged fields the mass-assignment probe sends at registration, and the statuses that count as refusing them. */
    massAssignment: MassAssignment.prefault({}),
    /** Demo and seed addresses of the team's own (from its seed data) that must not log in (001 step 1.1, 000 section 4): tried first, then the shipped list. */
    demoAccounts: z.array(z.string().min(1)).default([]),
    /** Passwords of the team's own seed data: tried on every address before the shipped list's. */
    demoPasswords: z.array(z.string().min(1)).default([]),
    /** false: only demoAccounts and demoPasswords, without the shipped lists (smoke/vocab/demo-accounts.txt, demo-passwords.txt). */
    demoDefaults: z.boolean().default(true),
    /** A cap on the demo probe's login attempts under the budget the login limit and lockout allow (absent: that budget alone). */
    demoAttemptsMax: z.number().int().positive().optional(),
    /** Seconds the demo probe may wait for login windows to free (absent: two login windows). */
    demoWaitS: z.number().nonnegative().optional(),
    /** Env var with the token signing secret, when the team shares it: lets the expired-token check mint a validly signed expired token. */
    jwtSecretEnv: envName.optional(),
    browser: Browser.prefault({}),
    /** Folder of the team's own Playwright specs; they join the verdict (test titles carry `[area.name]`). */
    specsDir: z.string().optional(),
    /** Whole smoke run deadline; default derived from the login model (smoke/lib/budget.ts), at least 300 s. */
    timeoutS: z.number().int().positive().optional(),
    /** Time limit of one check; default `ratelimit.maxWaitS` + 60 s, so a check can wait out one Retry-After and still finish. */
    checkTimeoutS: z.number().int().positive().optional(),
    workers: z.number().int().positive().max(8).default(2),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A route the probed role may reach cannot prove that it is refused it.
    for (const [role, routes] of Object.entries(c.roleRoutes)) {
      routes.forEach((r, i) => {
        if (r.allowedRoles.includes(c.roles.owner))
          ctx.addIssue({
            code: 'custom',
            path: ['roleRoutes', role, i, 'allowedRoles'],
            message: `names "${c.roles.owner}", the role auth.rbac probes (smoke.roles.owner): a route that role may reach is not restricted from it`,
          });
      });
    }
    // A flow step the counterparty sends needs an account of that role: a role name left at its default (or
    // misspelt) would otherwise surface only minutes into a run, as every escrow check's error.
    const byCounterparty = (c.escrow.steps ?? []).find((s) => s.as === 'counterparty');
    if (byCounterparty && c.accounts.length && !c.accounts.some((a) => a.role === c.roles.counterparty))
      ctx.addIssue({
        code: 'custom',
        path: ['roles', 'counterparty'],
        message: `is "${c.roles.counterparty}", but no smoke.accounts entry has that role (theirs: ${[...new Set(c.accounts.map((a) => a.role))].join(', ')}), and the escrow step "${byCounterparty.name}" is sent by the counterparty: set smoke.roles to your platform's role names`,
      });
  })
  .transform(derivedDefaults);
export type SmokeConfig = z.infer<typeof SmokeConfig>;
export type SmokeConfigInput = z.input<typeof SmokeConfig>;
