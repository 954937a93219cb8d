/**
 * gonogo for a JSON API marketplace: login and registration under /api/auth, the access and refresh tokens in
 * the login answer, verification links by mail, a Stripe PaymentIntent created together with the order,
 * milestones the client approves before releasing the escrow, a fixed-window rate limit.
 *
 * This is the config of the bundled reference platform's default dialect (`gonogo run --reference --dialect
 * marketplace`); the environment variables below say where the target runs.
 */
import { defineConfig } from 'gonogo';

const env = (name: string, fallback = ''): string => process.env[name] ?? fallback;
const base = env('GONOGO_BASE_URL', 'https://127.0.0.1:8443');
const ca = env('GONOGO_CA_FILE') ? { caFile: env('GONOGO_CA_FILE') } : {};
// The documented limits count per minute; GONOGO_RATELIMIT_WINDOW_S follows a platform started with shorter windows (the reference platform's tests).
const windowS = Number(env('GONOGO_RATELIMIT_WINDOW_S', '60'));

const login = {
  name: 'login',
  method: 'POST' as const,
  path: '/api/auth/login',
  once: true,
  body: { email: '{{account.email}}', password: '{{account.password}}' },
  capture: { token: 'access_token' },
  check: 'login returns a token',
};

export default defineConfig({
  target: { baseUrl: base, ...ca },
  kpis: env('GONOGO_KPI_FILE', './kpis.yaml'),
  smoke: {
    login: {
      path: '/api/auth/login',
      token: { from: 'body', path: 'access_token' },
      refreshToken: { from: 'body', path: 'refresh_token' },
    },
    register: { path: '/api/auth/register', extraFields: { full_name: 'gonogo smoke {{name}}' } },
    roles: { owner: 'client', counterparty: 'manufacturer', admin: 'admin' },
    verifyEmail: { mode: 'link', linkPattern: 'verify-email' },
    refresh: { path: '/api/auth/refresh', field: 'refresh_token' },
    logout: { method: 'POST', path: '/api/auth/logout' },
    me: { method: 'GET', path: '/api/auth/me' },
    roleRoutes: { manufacturer: [{ path: '/api/manufacturer/orders' }], admin: [{ path: '/api/admin/users' }] },
    escrow: {
      steps: [
        // The order names its counterparty by id: the counterparty account looks its own id up first.
        {
          name: 'find-counterparty',
          role: 'setup',
          as: 'counterparty',
          method: 'GET',
          path: '/api/auth/me',
          capture: { manufacturer_id: { from: 'body', path: 'id' } },
        },
        {
          name: 'create-order',
          role: 'create',
          path: '/api/orders',
          body: {
            manufacturer_id: '{{manufacturer_id}}',
            amount_cents: '{{amount}}',
            currency: '{{currency}}',
            description: '{{description}}',
            milestones: [
              { title: 'Design', amount_cents: '{{milestone_amount}}' },
              { title: 'Delivery', amount_cents: '{{milestone_amount}}' },
            ],
          },
          // The PaymentIntent exists as soon as the order does; Stripe's event names it.
          capture: {
            order_id: { from: 'body', path: 'id' },
            payment_id: { from: 'body', path: 'payment_intent_id' },
            milestones: { from: 'body', path: 'milestones[*].id', all: true },
          },
          expect: { status: [201] },
        },
        { name: 'payment-succeeded', role: 'confirm-payment', event: { preset: 'payment_intent.succeeded' } },
        {
          name: 'approve-milestone',
          role: 'fulfil',
          path: '/api/orders/{{order_id}}/milestones/{{item}}/approve',
          forEach: 'milestones',
        },
        { name: 'release', role: 'release', path: '/api/orders/{{order_id}}/release' },
      ],
      order: {
        get: { method: 'GET', path: '/api/orders/{{order_id}}' },
        update: { method: 'PATCH', path: '/api/orders/{{order_id}}' },
        states: { funded: ['funded'], released: ['released'] },
        paidAmountPath: 'funded_cents',
      },
    },
    webhook: { path: '/api/webhooks/stripe', secretEnv: 'GONOGO_WEBHOOK_SECRET' },
    // 100/min per user on the API (anonymous callers per address), fixed windows; login has its own limit per address and account.
    ratelimit: {
      api: { method: 'GET', path: '/api/auth/me', key: 'user', algorithm: 'fixed', windowS },
      login: { key: 'user', algorithm: 'fixed', windowS },
    },
    health: { routes: ['/health', '/health/live', '/health/ready', '/metrics'] },
    ...(env('GONOGO_OPENAPI') ? { openapi: env('GONOGO_OPENAPI') } : {}),
    // The price quote stores nothing, so the input probes may send it bodies; other writes stay unprobed.
    inputProbes: { writes: ['POST /api/catalog/quote'] },
    mailbox: { kind: 'smtp-sink', ...(env('GONOGO_MAILBOX_URL') ? { apiUrl: env('GONOGO_MAILBOX_URL') } : {}) },
    // The sample accounts our seed script creates for development: they must never exist in a deployed database.
    demoAccounts: ['sample.client@reference.local', 'sample.maker@reference.local'],
    accounts: [
      {
        role: 'client',
        email: env('GONOGO_CLIENT_EMAIL', 'qa-client@example.com'),
        passwordEnv: 'GONOGO_CLIENT_PASSWORD',
      },
      {
        role: 'manufacturer',
        email: env('GONOGO_MANUFACTURER_EMAIL', 'qa-maker@example.com'),
        passwordEnv: 'GONOGO_MANUFACTURER_PASSWORD',
      },
      { role: 'admin', email: env('GONOGO_ADMIN_EMAIL', 'qa-admin@example.com'), passwordEnv: 'GONOGO_ADMIN_PASSWORD' },
    ],
    jwtSecretEnv: 'GONOGO_JWT_SECRET',
    browser: {
      loginPage: '/login',
      successSelector: '#status[data-state="signed-in"]',
      sessionCookies: ['access_token'],
    },
  },
  security: {
    headers: { pages: ['/', '/login'], apiPath: '/api/auth/me', errorPath: '/gonogo-missing-page-404' },
    tls: {
      endpoint: new URL(base).host,
      ...ca,
      ...(env('GONOGO_HTTP_URL') ? { httpUrl: env('GONOGO_HTTP_URL') } : {}),
    },
    deps: {
      lockfiles: [env('GONOGO_LOCKFILE', './package-lock.json')],
      source: env('GONOGO_OSV_DIR') ? { kind: 'osv-dir', path: env('GONOGO_OSV_DIR') } : { kind: 'osv-api' },
    },
  },
  load: {
    journeys: [
      {
        name: 'browse',
        weight: 2,
        steps: [
          { name: 'health', path: '/health', check: 'health answers 200' },
          { name: 'login-page', path: '/login', check: 'login page answers 200' },
        ],
      },
      {
        name: 'orders',
        weight: 2,
        steps: [login, { name: 'list-orders', path: '/api/orders', bearer: 'token', check: 'orders are listed' }],
      },
      {
        name: 'create-order',
        weight: 1,
        steps: [
          login,
          {
            name: 'create-order',
            method: 'POST',
            path: '/api/orders',
            bearer: 'token',
            expect: [201],
            check: 'order is created',
            body: {
              manufacturer_id: Number(env('GONOGO_MANUFACTURER_ID', '0')),
              amount_cents: 5000,
              currency: 'usd',
              description: 'load test order {{vu}}-{{iter}}',
              milestones: [{ title: 'all', amount_cents: 5000 }],
            },
          },
        ],
      },
    ],
    // The QA client as a pool of one: every VU logs in as it, and the report says so (list more to spread per-user limits).
    accounts: {
      list: [{ email: env('GONOGO_CLIENT_EMAIL', 'qa-client@example.com'), passwordEnv: 'GONOGO_CLIENT_PASSWORD' }],
    },
    thinkTimeS: 1,
    health: { path: '/health', intervalMs: 1000 },
    ...(env('GONOGO_LOAD_SOURCE') ? { sourceAddress: env('GONOGO_LOAD_SOURCE') } : {}),
  },
});
