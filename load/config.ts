import { isIP } from 'node:net';
import { z } from 'zod';
import { EnvName } from '../core/env-name.ts';

/** Names travel into k6 tags and report keys: keep them plain. */
const Name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_" and "-" only (used as a k6 tag)');

export const JourneyStep = z
  .object({
    /** Endpoint name: the k6 `name` tag and the per-endpoint row in the report. */
    name: Name,
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
    /** Path on the target, may use {{var}} templates (e.g. /api/orders/{{orderId}}). */
    path: z.string().startsWith('/', 'a path on the target, starting with /'),
    /** JSON body; string values may use {{var}}, {{env.NAME}} (secrets), {{vu}}, {{iter}}, {{uuid}}. */
    body: z.unknown().optional(),
    /** Form-encoded instead of JSON. */
    form: z.boolean().default(false),
    headers: z.record(z.string(), z.string()).default({}),
    /** Statuses that count as success; anything else is a failed request (k6 http_req_failed). */
    expect: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
    /** k6 check name; defaults to "<name> status is expected". */
    check: z.string().min(1).optional(),
    /** Variables taken from the JSON response: { token: "access_token" } (dot path into the body). */
    capture: z.record(Name, z.string().min(1)).default({}),
    /** Variable sent as `Authorization: Bearer <value>`. */
    bearer: Name.optional(),
    /** Runs only in a virtual user's first iteration (log in once, reuse the token); with a pool and load.logins.mode setup, once per account before the load. */
    once: z.boolean().default(false),
  })
  .strict();
export type JourneyStep = z.infer<typeof JourneyStep>;

export const Journey = z
  .object({
    name: Name,
    /** Share of virtual users running this journey, relative to the other journeys' weights. */
    weight: z.number().positive().default(1),
    steps: z.array(JourneyStep).min(1),
  })
  .strict();
export type Journey = z.infer<typeof Journey>;

/**
 * The accounts the virtual users log in as (VU i as account i mod pool size), so a target that limits
 * per user sees the load spread as real users would spread it. Journeys use {{account.email}} and
 * {{account.password}}. Exactly one source.
 */
export const LoadAccounts = z
  .object({
    /** Accounts of the team's own, each password in its own environment variable. */
    list: z
      .array(z.object({ email: z.string().min(3), passwordEnv: EnvName }).strict())
      .min(1)
      .optional(),
    /** One environment variable holding every account: JSON [{"email","password"}] or CSV lines `email,password`. */
    listEnv: EnvName.optional(),
    /** gonogo registers and verifies accounts of its own before the load, with the smoke mapping (smoke.register, smoke.verifyEmail, smoke.mailbox). */
    register: z
      .object({
        count: z.number().int().min(1).max(1000),
        /** Registrations in flight at once: each costs the target a password hash and a mail. */
        concurrency: z.number().int().min(1).max(16).default(4),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine(
    (a) => [a.list, a.listEnv, a.register].filter((x) => x !== undefined).length === 1,
    'set exactly one of list, listEnv or register',
  );
export type LoadAccounts = z.infer<typeof LoadAccounts>;

const ACCOUNT_TEMPLATE = /\{\{\s*account\./;

/** The load suite's part of gonogo.config.ts: journeys and engine options. */
export const LoadConfig = z
  .object({
    /** Empty: one journey that GETs the target's base URL. */
    journeys: z.array(Journey).default([]),
    /** Absent: every VU runs with the credentials written in the journeys (one account for all). */
    accounts: LoadAccounts.optional(),
    /**
     * How the pool's accounts log in. `setup`: gonogo runs the journeys' `once` steps for every account before the load,
     * the ones on the login route (smoke.login) paced by the login model (smoke.ratelimit.login), and each VU starts
     * with its account's token; `journey`: each VU runs them in its first iteration, all at once. Either way a token
     * is renewed before it expires: through smoke.refresh when smoke.login.refreshToken is set, else by logging in again.
     */
    logins: z
      .object({
        mode: z.enum(['setup', 'journey']).default('setup'),
        /** Longest the login phase may take; a pool the model cannot log in within it is refused before any login. */
        maxS: z.number().positive().max(3600).default(300),
        /** Logins in flight at once during the phase (each costs the target a password hash). */
        concurrency: z.number().int().min(1).max(16).default(4),
        /** Lifetime of an access token that is not a JWT with `exp`; absent: such a token is never renewed. */
        tokenLifetimeS: z.number().positive().optional(),
        /** Renew a token this long before it expires. */
        renewBeforeS: z.number().min(0).default(30),
      })
      .strict()
      .prefault({}),
    /** Pause at the end of each iteration, per virtual user (k6 `sleep`). */
    thinkTimeS: z.number().min(0).max(60).default(1),
    /**
     * Route polled once a second during the run for the availability KPI; null switches polling off. A poll holds
     * when it answers 2xx within `timeoutMs` (an uptime monitor's patience, not the poll interval: a slow answer is
     * the latency KPIs' business; polls overlap when answers are slower than the interval).
     */
    health: z
      .object({
        path: z.string().startsWith('/').nullable().default('/health'),
        intervalMs: z.number().int().min(100).default(1000),
        timeoutMs: z.number().int().min(100).max(60_000).default(5000),
      })
      .strict()
      .prefault({}),
    /** Source address of the load generator (the one the target allowlists from rate limits), e.g. 127.0.0.2. */
    sourceAddress: z
      .string()
      .refine((s) => isIP(s) !== 0, 'an IP address')
      .optional(),
    /** k6 binary; default: `k6` on PATH. */
    k6Path: z.string().min(1).optional(),
    /** Worker threads of the autocannon engine; 0 = one per core, at most 2, and one core left to a target on a loopback address. */
    workers: z.number().int().min(0).max(64).default(0),
    /** Skip certificate verification in the load generator (the TLS suite still verifies). */
    insecureTls: z.boolean().default(false),
    timeouts: z
      .object({
        requestS: z.number().positive().default(10),
        /** How long running iterations may finish after the duration (k6 gracefulStop). */
        gracefulStopS: z.number().min(0).default(5),
        /** Extra time past duration + gracefulStop before the engine process is killed. */
        slackS: z.number().positive().default(60),
      })
      .strict()
      .default({ requestS: 10, gracefulStopS: 5, slackS: 60 }),
  })
  .strict()
  .superRefine((c, ctx) => {
    const templated = c.journeys.some((j) =>
      j.steps.some((s) => ACCOUNT_TEMPLATE.test(JSON.stringify([s.path, s.body ?? null, s.headers]))),
    );
    if (templated && !c.accounts)
      ctx.addIssue({
        code: 'custom',
        path: ['accounts'],
        message:
          'the journeys use {{account.*}} templates but no account pool is set: add load.accounts (list, listEnv or register)',
      });
    if (!templated && c.accounts)
      ctx.addIssue({
        code: 'custom',
        path: ['accounts'],
        message:
          'an account pool is set but no journey step uses {{account.email}} or {{account.password}}: the pool would never be used',
      });
  });
export type LoadConfig = z.infer<typeof LoadConfig>;
export type LoadConfigInput = z.input<typeof LoadConfig>;

/**
 * The journeys carry a token only as `bearer`: a cookie session with a CSRF token (smoke.login.csrf) would load the
 * target as an anonymous client. The message names the settings, for a config error and for the load run alike.
 */
export function cookieSessionProblem(
  login: { method: string; path?: string | undefined; csrf?: unknown },
  journeys: ReadonlyArray<{
    name: string;
    steps: ReadonlyArray<{ name: string; method: string; path: string; bearer?: string | undefined }>;
  }>,
): string | undefined {
  if (!login.csrf) return undefined;
  const signedIn = journeys.flatMap((j) =>
    j.steps
      .filter((s) => s.bearer || (s.method === login.method.toUpperCase() && s.path === login.path))
      .map((s) => `${j.name}.${s.name}`),
  );
  if (signedIn.length === 0) return undefined;
  return `load.journeys: ${signedIn.join(', ')} log in or send a token, but smoke.login.csrf is set (a cookie session with a CSRF token), which the load journeys do not carry yet: they would load the target as an anonymous client. Keep anonymous journeys only, or leave load out (--suite smoke,security)`;
}
