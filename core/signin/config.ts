/**
 * The config schemas of signing in (smoke.login, .register, .verifyEmail, .refresh, .ratelimit): smoke/config.ts
 * composes them under their keys, and the account client both suites use is typed by them.
 */
import { z } from 'zod';

export const path = z.string().regex(/^\//, 'a path starting with "/" (resolved against target.baseUrl)');
export const method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** A dot path into a JSON body: `access_token`, `data.token`, `milestones[0].id`, `items[*].id`. */
export const jsonPath = z.string().min(1);
/** A regular expression, checked here so a typo is a config error and not a failed check. */
export const regex = z
  .string()
  .min(1)
  .refine((p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  }, 'a valid regular expression (JavaScript syntax)');
/** JSON body template: string values "{{name}}" are replaced by the named variable (typed), "a{{b}}c" by text. */
export const template = z.record(z.string(), z.unknown());
/** The fields every sign-in route shares: a POST by default, its path (required where a check sends it: smoke/routes.ts), JSON or a form. */
export const postRoute = {
  method: method.default('POST'),
  path: path.optional(),
  encoding: z.enum(['json', 'form']).default('json'),
};

/** Where a credential comes back: a JSON path in the body, or a named cookie. */
export const TokenSource = z.union([
  z.object({ from: z.literal('body'), path: jsonPath }).strict(),
  z.object({ from: z.literal('cookie'), name: z.string().min(1) }).strict(),
  /** A response header, e.g. Devise-JWT's `Authorization: Bearer <jwt>`; `prefix` is stripped. */
  z.object({ from: z.literal('header'), name: z.string().min(1), prefix: z.string().default('') }).strict(),
]);
export type TokenSource = z.infer<typeof TokenSource>;

/** How an authenticated request carries the credential. */
export const SendToken = z.union([
  z.object({ as: z.literal('bearer') }).strict(),
  z.object({ as: z.literal('header'), name: z.string().min(1), prefix: z.string().default('') }).strict(),
  z.object({ as: z.literal('cookie'), name: z.string().min(1) }).strict(),
]);

/** Where a CSRF token is read: a cookie, a `<meta name>` tag, a hidden form field, a JSON path of the body, or a response header. */
export const CsrfSource = z.union([
  z.object({ from: z.literal('cookie'), name: z.string().min(1) }).strict(),
  z.object({ from: z.literal('meta'), name: z.string().min(1) }).strict(),
  z.object({ from: z.literal('field'), name: z.string().min(1) }).strict(),
  z.object({ from: z.literal('body'), path: jsonPath }).strict(),
  z.object({ from: z.literal('header'), name: z.string().min(1) }).strict(),
]);
export type CsrfSource = z.infer<typeof CsrfSource>;
/** The conventions of Django, Laravel/Angular, Rails, csurf and Spring, tried in this order. */
export const DEFAULT_CSRF_SOURCES: CsrfSource[] = [
  { from: 'cookie', name: 'csrftoken' },
  { from: 'cookie', name: 'XSRF-TOKEN' },
  { from: 'meta', name: 'csrf-token' },
  { from: 'field', name: 'csrfmiddlewaretoken' },
  { from: 'field', name: 'authenticity_token' },
  { from: 'field', name: '_token' },
  { from: 'field', name: '_csrf' },
  { from: 'body', path: 'csrfToken' },
  { from: 'body', path: 'csrf_token' },
  { from: 'header', name: 'X-CSRF-Token' },
];

/**
 * A login that first fetches a CSRF token and sends it back, on the login and on every state-changing request
 * (not GET/HEAD/OPTIONS) of the session, together with the target's own Origin. Django, Rails, Laravel, csurf.
 */
export const Csrf = z
  .object({
    /** GET that hands out the token before login; default: smoke.browser.loginPage. */
    path: path.optional(),
    /** Where the token is read, first found wins; the login's answer is read again (a token rotated at login replaces it). */
    sources: z.array(CsrfSource).min(1).default(DEFAULT_CSRF_SOURCES),
    /** How it goes back; default: the header named after the source that matched (csrftoken: X-CSRFToken, XSRF-TOKEN: X-XSRF-TOKEN, else X-CSRF-Token). */
    send: z
      .union([
        z.object({ as: z.literal('header'), name: z.string().min(1) }).strict(),
        z.object({ as: z.literal('field'), name: z.string().min(1) }).strict(),
      ])
      .optional(),
    /** The state-changing request the csrf.* checks send; default: smoke.logout's route and body. */
    probe: z
      .object({
        method: method.default('POST'),
        path,
        encoding: z.enum(['json', 'form']).default('json'),
        body: template.optional(),
      })
      .strict()
      .optional(),
    /** Answers that mean the CSRF protection refused a request (Django and csurf 403, Laravel 419, Rails 422); other non-2xx answers prove nothing. */
    refusedStatuses: z.array(z.number().int().min(400).max(499)).min(1).default([403, 419, 422, 400]),
  })
  .strict();
export type CsrfConfig = z.infer<typeof Csrf>;

export const Login = z
  .object({
    ...postRoute,
    emailField: z.string().default('email'),
    passwordField: z.string().default('password'),
    extraFields: template.default({}),
    token: TokenSource.default({ from: 'body', path: 'access_token' }),
    refreshToken: TokenSource.optional(),
    send: SendToken.default({ as: 'bearer' }),
    /** A cookie session with a CSRF token (absent: no token is fetched or sent; for a credential sent in a header the csrf.* checks are not applicable unless a login cookie authenticates alone and rides cross-site requests). */
    csrf: Csrf.optional(),
  })
  .strict();

export const Register = z
  .object({
    ...postRoute,
    emailField: z.string().default('email'),
    passwordField: z.string().default('password'),
    /** Other required fields; "{{email}}" and "{{name}}" are available. */
    extraFields: template.default({ full_name: 'gonogo smoke {{name}}' }),
    /** Domain of the addresses the suite registers (its own throwaway accounts; mail goes to the configured mailbox). */
    emailDomain: z.string().default('gonogo.test'),
    defaultRole: z.never({ error: 'moved to smoke.roles.owner' }).optional(),
  })
  .strict();

export const VerifyEmail = z
  .object({
    /** link: GET the link found in the mail; post: POST the token to `path`. */
    mode: z.enum(['link', 'post']).default('link'),
    method: method.default('POST'),
    path: path.optional(),
    tokenField: z.string().default('token'),
    /** Regex whose first capture group (or whole match) finds the token or code in the mail's text, then its HTML, e.g. `code is (\\d{6})`; default: the link's `token` query parameter. */
    tokenPattern: regex.optional(),
    /** Regex a link must match to count as the verification link. */
    linkPattern: regex.default('verif'),
    /** How long to wait for the mail. */
    timeoutMs: z.number().int().positive().default(15_000),
  })
  .strict();

export const Refresh = z
  .object({
    ...postRoute,
    field: z.string().default('refresh_token'),
    /** Send the refresh token as a cookie of this name instead of a body field. */
    cookie: z.string().optional(),
    /** Body template replacing `{ [field]: token }`; "{{refresh_token}}" and "{{access_token}}" are the session's tokens. */
    body: template.optional(),
  })
  .strict();

/**
 * How a limiter counts, for the model the probes judge against. `limit` and `windowS` default to the KPI
 * file's params; `scope: 'all'` counts every route but those with a limiter of their own.
 */
export const limitModel = (key: 'user' | 'address' | 'anonymous', scope: 'route' | 'all') => ({
  key: z.enum(['user', 'address', 'anonymous']).default(key),
  limit: z.number().int().positive().optional(),
  windowS: z.number().positive().optional(),
  algorithm: z.enum(['fixed', 'sliding', 'token-bucket']).default('fixed'),
  /** Fixed windows: opened by the key's first request, or aligned to the clock (multiples of windowS). */
  windowStart: z.enum(['first-request', 'clock']).default('first-request'),
  scope: z.enum(['route', 'all']).default(scope),
});
export const LimitedRoute = (key: 'user' | 'address' | 'anonymous', scope: 'route' | 'all') =>
  z
    .object({
      method: method.default('POST'),
      path,
      /** JSON body template; "{{email}}" and "{{password}}" are filled with a throwaway account's. */
      body: template.optional(),
      ...limitModel(key, scope),
    })
    .strict();

export const Ratelimit = z
  .object({
    /** The API limiter and the route it is probed on (with a fresh account of the suite's own when keyed by user). */
    api: LimitedRoute('user', 'all').optional(),
    /** The login route's own limiter (the route is `login`'s). */
    login: z.object(limitModel('address', 'route')).strict().prefault({}),
    /** The limiter anonymous clients meet, probed with a rotating X-Forwarded-For; default: `api`'s route and numbers, sent without credentials. */
    anonymous: LimitedRoute('anonymous', 'all').optional(),
    /** Longest Retry-After the suite honours before giving up on a request (seconds); default the longest limit window + 5 s, at least 65 (smoke/lib/budget.ts). */
    maxWaitS: z.number().positive().optional(),
    /** The longest a limit probe's burst lasts (seconds): a longer one proves nothing a shorter one does not, and the check's own time must still hold the Retry-After wait. */
    burstS: z.number().positive().max(600).default(45),
  })
  .strict();

export type LoginConfig = z.infer<typeof Login>;
export type RegisterConfig = z.infer<typeof Register>;
export type VerifyEmailConfig = z.infer<typeof VerifyEmail>;
export type RefreshConfig = z.infer<typeof Refresh>;
export type RatelimitConfig = z.infer<typeof Ratelimit>;
