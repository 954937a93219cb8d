import { z } from 'zod';

/**
 * The smoke suite's part of gonogo.config.ts: how the abstract flows (login, register, verify,
 * orders/escrow...) map onto the target's real routes. Every field has a default or is optional so
 * `{}` parses; the defaults describe a common JSON API and teams override what differs.
 * Secrets are never written here: accounts and the webhook secret name environment variables.
 */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name (secrets are read from the environment, never written in the file)');
const path = z.string().regex(/^\//, 'a path starting with "/" (resolved against target.baseUrl)');
const method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** A dot path into a JSON body: `access_token`, `data.token`, `milestones[0].id`, `items[*].id`. */
const jsonPath = z.string().min(1);
/** JSON body template: string values "{{name}}" are replaced by the named variable (typed), "a{{b}}c" by text. */
const template = z.record(z.string(), z.unknown());

/** Where a credential comes back: a JSON path in the body, or a named cookie. */
const TokenSource = z.union([
  z.object({ from: z.literal('body'), path: jsonPath }).strict(),
  z.object({ from: z.literal('cookie'), name: z.string().min(1) }).strict(),
]);
export type TokenSource = z.infer<typeof TokenSource>;

/** How an authenticated request carries the credential. */
const SendToken = z.union([
  z.object({ as: z.literal('bearer') }).strict(),
  z.object({ as: z.literal('header'), name: z.string().min(1), prefix: z.string().default('') }).strict(),
  z.object({ as: z.literal('cookie'), name: z.string().min(1) }).strict(),
]);

const Route = z.object({ method: method.default('POST'), path }).strict();
const route = (m: z.infer<typeof method>, p: string) => Route.prefault({ method: m, path: p });

const Login = z.object({
  method: method.default('POST'),
  path: path.default('/api/auth/login'),
  encoding: z.enum(['json', 'form']).default('json'),
  emailField: z.string().default('email'),
  passwordField: z.string().default('password'),
  extraFields: template.default({}),
  token: TokenSource.default({ from: 'body', path: 'access_token' }),
  refreshToken: TokenSource.optional(),
  send: SendToken.default({ as: 'bearer' }),
}).strict();

const Register = z.object({
  method: method.default('POST'),
  path: path.default('/api/auth/register'),
  encoding: z.enum(['json', 'form']).default('json'),
  emailField: z.string().default('email'),
  passwordField: z.string().default('password'),
  /** Other required fields; "{{email}}" and "{{name}}" are available. */
  extraFields: template.default({ full_name: 'gonogo smoke {{name}}' }),
  /** Domain of the addresses the suite registers (its own throwaway accounts; mail goes to the configured mailbox). */
  emailDomain: z.string().default('gonogo.test'),
  /** The role a self-registered account gets; mass-assignment is judged against it. */
  defaultRole: z.string().default('client'),
}).strict();

const VerifyEmail = z.object({
  /** link: GET the link found in the mail; post: POST the token to `path`. */
  mode: z.enum(['link', 'post']).default('link'),
  method: method.default('POST'),
  path: path.default('/api/auth/verify-email'),
  tokenField: z.string().default('token'),
  /** Regex with one capture group that finds the token in the mail text; default: the link's `token` query parameter. */
  tokenPattern: z.string().optional(),
  /** Regex a link must match to count as the verification link. */
  linkPattern: z.string().default('verif'),
  /** How long to wait for the mail. */
  timeoutMs: z.number().int().positive().default(15_000),
}).strict();

const Refresh = z.object({
  method: method.default('POST'),
  path: path.default('/api/auth/refresh'),
  encoding: z.enum(['json', 'form']).default('json'),
  field: z.string().default('refresh_token'),
  /** Send the refresh token as a cookie of this name instead of a body field. */
  cookie: z.string().optional(),
}).strict();

const Orders = z.object({
  create: route('POST', '/api/orders'),
  body: template.default({
    manufacturer_id: '{{manufacturer_id}}', amount_cents: '{{amount}}', currency: '{{currency}}', description: '{{description}}',
    milestones: [{ title: 'Design', amount_cents: '{{milestone_amount}}' }, { title: 'Delivery', amount_cents: '{{milestone_amount}}' }],
  }),
  /** Extra template variables, e.g. `{ manufacturer_id: 12 }`. */
  vars: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  amount: z.number().int().positive().default(20_000),
  currency: z.string().default('usd'),
  get: route('GET', '/api/orders/{id}'),
  patch: route('PATCH', '/api/orders/{id}'),
  /** Body sent to try to mark an order paid without paying. */
  markPaidBody: template.default({ status: 'funded', paid: true, funded: true, description: 'gonogo mark-paid probe' }),
  approve: route('POST', '/api/orders/{id}/milestones/{milestone}/approve'),
  release: route('POST', '/api/orders/{id}/release'),
  idPath: jsonPath.default('id'),
  statusPath: jsonPath.default('status'),
  descriptionPath: jsonPath.default('description'),
  milestoneIdsPath: jsonPath.default('milestones[*].id'),
  paymentIdPath: jsonPath.default('payment_intent_id'),
  /** Amount the order has received, when the API exposes it: the replay check then also compares it. */
  paidAmountPath: jsonPath.optional(),
  fundedStatus: z.string().default('funded'),
  releasedStatus: z.string().default('released'),
}).strict();

const Webhook = z.object({
  path: path.default('/api/webhooks/stripe'),
  /** Env var holding the webhook signing secret (whsec_...). */
  secretEnv: envName.default('GONOGO_WEBHOOK_SECRET'),
  signatureHeader: z.string().default('Stripe-Signature'),
  event: template.default({
    id: '{{event_id}}', object: 'event', type: 'payment_intent.succeeded', created: '{{created}}',
    data: { object: { id: '{{payment_id}}', object: 'payment_intent', amount: '{{amount}}', currency: '{{currency}}', status: 'succeeded', metadata: { order_id: '{{order_id}}' } } },
  }),
  /** Age of the "stale" signature; Stripe's default tolerance is 300 s. */
  staleAgeS: z.number().int().positive().default(3600),
}).strict();

const RoleRoutes = z.object({ method: method.default('GET'), path }).strict();

const Account = z.object({
  role: z.string().min(1),
  email: z.string().min(3),
  /** Env var holding this account's password. */
  passwordEnv: envName,
}).strict();

const Mailbox = z.union([
  /** gonogo's own sink; `apiUrl` is its Mailpit-compatible API (set by gonogo when it starts the sink). */
  z.object({ kind: z.literal('smtp-sink'), apiUrl: z.url().optional() }).strict(),
  z.object({ kind: z.literal('mailpit'), url: z.url() }).strict(),
]);

const Browser = z.object({
  executablePath: z.string().default('/usr/bin/chromium'),
  loginPage: path.default('/login'),
  emailSelector: z.string().default('input[name="email"]'),
  passwordSelector: z.string().default('input[name="password"]'),
  submitSelector: z.string().default('button[type="submit"]'),
  /** Shown after a successful login; when unset, success is the login route answering 2xx. */
  successSelector: z.string().optional(),
  /** Cookies that carry the session; default: every cookie the target set during login. */
  sessionCookies: z.array(z.string()).default([]),
  timeoutMs: z.number().int().positive().default(10_000),
}).strict();

const DebugProbe = z.object({ method: method.default('GET'), path, body: z.string().optional(), contentType: z.string().optional() }).strict();

/**
 * How a limiter counts, for the model the probes judge against. `limit` and `windowS` default to the KPI
 * file's params; `scope: 'all'` counts every route but those with a limiter of their own.
 */
const limitModel = (key: 'user' | 'address' | 'anonymous', scope: 'route' | 'all') => ({
  key: z.enum(['user', 'address', 'anonymous']).default(key),
  limit: z.number().int().positive().optional(),
  windowS: z.number().positive().optional(),
  algorithm: z.enum(['fixed', 'sliding', 'token-bucket']).default('fixed'),
  /** Fixed windows: opened by the key's first request, or aligned to the clock (multiples of windowS). */
  windowStart: z.enum(['first-request', 'clock']).default('first-request'),
  scope: z.enum(['route', 'all']).default(scope),
});
const LimitedRoute = (key: 'user' | 'address' | 'anonymous', scope: 'route' | 'all') => z.object({
  method: method.default('POST'),
  path,
  /** JSON body template; "{{email}}" and "{{password}}" are filled with a throwaway account's. */
  body: template.optional(),
  ...limitModel(key, scope),
}).strict();

export const SmokeConfig = z.object({
  login: Login.prefault({}),
  register: Register.prefault({}),
  verifyEmail: VerifyEmail.prefault({}),
  refresh: Refresh.prefault({}),
  logout: route('POST', '/api/auth/logout'),
  me: route('GET', '/api/auth/me'),
  /** Routes only a role may reach, keyed by role: `{ admin: [{ path: '/api/admin/users' }] }`. */
  roleRoutes: z.record(z.string(), z.array(RoleRoutes)).default({}),
  /** JWT claim holding the role (the tampered-token check escalates it). */
  roleClaim: z.string().default('role'),
  /** Role name to escalate to in the tampered token. */
  adminRole: z.string().default('admin'),
  orders: Orders.prefault({}),
  webhook: Webhook.prefault({}),
  ratelimit: z.object({
    /** The API limiter and the route it is probed on (with a fresh account of the suite's own when keyed by user). */
    api: LimitedRoute('user', 'all').prefault({ method: 'GET', path: '/api/auth/me' }),
    /** The login route's own limiter (the route is `login`'s). */
    login: z.object(limitModel('address', 'route')).strict().prefault({}),
    /** The limiter anonymous clients meet, probed with a rotating X-Forwarded-For; default: `api`'s route and numbers, sent without credentials. */
    anonymous: LimitedRoute('anonymous', 'all').optional(),
    /** Longest Retry-After the suite honours before giving up on a request (seconds). */
    maxWaitS: z.number().positive().default(65),
  }).strict().prefault({}),
  health: z.object({
    routes: z.array(path).default(['/health']),
    latencyBudgetMs: z.number().positive().default(500),
  }).strict().prefault({}),
  /** OpenAPI document (URL path on the target, or a local file) for the anonymous-access sweep. */
  openapi: z.string().optional(),
  debugProbes: z.array(DebugProbe).default([
    { method: 'GET', path: '/gonogo-no-such-route-404' },
    { method: 'POST', path: '/api/auth/login', body: '{"email": ', contentType: 'application/json' },
    { method: 'GET', path: '/api/orders/%27%22%3Cgonogo' },
  ]),
  docsPaths: z.array(path).default(['/docs', '/redoc', '/openapi.json', '/swagger', '/swagger-ui', '/swagger.json', '/api/docs', '/api-docs', '/api/schema', '/__debug__']),
  cors: z.object({
    paths: z.array(path).default(['/api/auth/me']),
    foreignOrigin: z.string().default('https://evil.gonogo.invalid'),
  }).strict().prefault({}),
  mailbox: Mailbox.default({ kind: 'smtp-sink' }),
  /** The team's QA accounts, one or more per role (never used for destructive probes). */
  accounts: z.array(Account).default([]),
  /** Signing secrets that must not verify the target's tokens. */
  weakSecrets: z.array(z.string()).default([
    'secret', 'changeme', 'change-me', 'password', 'jwt-secret', 'jwtsecret', 'secret-key', 'secretkey', 'your-secret-key',
    'supersecret', 'development', 'test', 'dev', 'django-insecure', 'your-super-secure-production-secret-key-here',
    'your-jwt-production-secret-here', '<generate-strong-jwt-key>', '<generate-strong-production-key>', 'your_jwt_secret_key',
  ]),
  /** Demo accounts that must not log in (001 step 1.1, 000 section 4). */
  demoAccounts: z.array(z.string()).default(['client@demo.com', 'manufacturer@demo.com', 'admin@demo.com']),
  /** Tried against every demo account: bounded on purpose, each attempt spends the target's login limit. */
  demoPasswords: z.array(z.string()).default(['password123', 'password', 'demo123']),
  /** Env var with the token signing secret, when the team shares it: lets the expired-token check mint a validly signed expired token. */
  jwtSecretEnv: envName.optional(),
  browser: Browser.prefault({}),
  /** Folder of the team's own Playwright specs; they join the verdict (test titles carry `[area.name]`). */
  specsDir: z.string().optional(),
  /** Whole smoke run deadline. */
  timeoutS: z.number().int().positive().default(300),
  workers: z.number().int().positive().max(8).default(2),
}).strict();
export type SmokeConfig = z.infer<typeof SmokeConfig>;
export type SmokeConfigInput = z.input<typeof SmokeConfig>;
