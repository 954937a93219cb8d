/**
 * gonogo for a FastAPI platform built the common way: fastapi-users style OAuth2 password form at /auth/jwt/login
 * (the email goes in `username`), the refresh token in an HttpOnly cookie, verification codes by mail, a separate
 * `POST /orders/{id}/payment-intent` call before Stripe's payment_intent.succeeded event, 422 validation errors,
 * state words in capitals, token-bucket rate limits.
 *
 * This is the config of the bundled reference platform's `fastapi` dialect
 * (`gonogo run --reference --dialect fastapi`); the environment variables below say where the target runs.
 */
import { defineConfig } from 'gonogo';

const env = (name: string, fallback = ''): string => process.env[name] ?? fallback;
const base = env('GONOGO_BASE_URL', 'https://127.0.0.1:8443');
// The documented limits count per minute; GONOGO_RATELIMIT_WINDOW_S follows a platform started with shorter windows (the reference platform's tests).
const windowS = Number(env('GONOGO_RATELIMIT_WINDOW_S', '60'));

export default defineConfig({
  target: { baseUrl: base, ...(env('GONOGO_CA_FILE') ? { caFile: env('GONOGO_CA_FILE') } : {}) },
  kpis: env('GONOGO_KPI_FILE', './kpis.yaml'),
  smoke: {
    login: {
      path: '/auth/jwt/login',
      encoding: 'form',
      emailField: 'username',
      passwordField: 'password',
      token: { from: 'body', path: 'access_token' },
      refreshToken: { from: 'cookie', name: 'refresh_token' },
    },
    register: { path: '/auth/register', extraFields: { full_name: 'gonogo {{name}}' } },
    roles: { owner: 'customer', counterparty: 'vendor', admin: 'superuser' },
    // The mail carries a code, not a link: it is posted back.
    verifyEmail: {
      mode: 'post',
      path: '/auth/verify',
      tokenField: 'token',
      tokenPattern: 'verification code is: ([A-Za-z0-9_-]+)',
    },
    refresh: { path: '/auth/jwt/refresh', cookie: 'refresh_token' },
    logout: { method: 'POST', path: '/auth/jwt/logout' },
    me: { method: 'GET', path: '/users/me' },
    roleRoutes: { vendor: [{ path: '/vendor/orders' }], superuser: [{ path: '/admin/users' }] },
    escrow: {
      steps: [
        // The order names its counterparty by id: the counterparty account looks its own id up first.
        {
          name: 'find-counterparty',
          role: 'setup',
          as: 'counterparty',
          method: 'GET',
          path: '/users/me',
          capture: { vendor_id: { from: 'body', path: 'id' } },
        },
        {
          name: 'create-order',
          role: 'create',
          path: '/orders',
          body: {
            vendor_id: '{{vendor_id}}',
            amount: '{{amount}}',
            currency: '{{currency}}',
            description: '{{description}}',
            milestones: [
              { title: 'Design', amount: '{{milestone_amount}}' },
              { title: 'Delivery', amount: '{{milestone_amount}}' },
            ],
          },
          capture: {
            order_id: { from: 'body', path: 'order_id' },
            milestones: { from: 'body', path: 'milestones[*].id', all: true },
          },
        },
        // The payment is opened by its own call; its id is what the Stripe event names.
        {
          name: 'payment-intent',
          role: 'open-payment',
          path: '/orders/{{order_id}}/payment-intent',
          capture: { payment_id: { from: 'body', path: 'payment_intent_id' } },
        },
        { name: 'payment-succeeded', role: 'confirm-payment', event: { preset: 'payment_intent.succeeded' } },
        {
          name: 'approve-milestone',
          role: 'fulfil',
          path: '/orders/{{order_id}}/milestones/{{item}}/approve',
          forEach: 'milestones',
        },
        { name: 'release', role: 'release', path: '/orders/{{order_id}}/release' },
      ],
      order: {
        get: { method: 'GET', path: '/orders/{{order_id}}' },
        update: { method: 'PATCH', path: '/orders/{{order_id}}' },
        statePath: 'state',
        states: { funded: ['FUNDED'], released: ['RELEASED'] },
        paidAmountPath: 'amount_received',
      },
    },
    webhook: { path: '/webhooks/stripe', secretEnv: 'GONOGO_WEBHOOK_SECRET' },
    // Token buckets (one slot frees at a time): 100 a minute per user, per address when anonymous; login per address and account.
    ratelimit: {
      api: { method: 'GET', path: '/users/me', key: 'user', algorithm: 'token-bucket', windowS },
      login: { key: 'user', algorithm: 'token-bucket', windowS },
      anonymous: { method: 'GET', path: '/users/me', algorithm: 'token-bucket', windowS },
    },
    health: { routes: ['/health', '/health/live', '/health/ready', '/metrics'] },
    debugProbes: [
      { method: 'GET', path: '/gonogo-no-such-route-404' },
      { method: 'POST', path: '/orders', body: '{"amount": ', contentType: 'application/json' },
      { method: 'GET', path: '/orders/%27%22%3Cgonogo' },
    ],
    cors: { paths: ['/users/me'] },
    ...(env('GONOGO_OPENAPI') ? { openapi: env('GONOGO_OPENAPI') } : {}),
    // The price quote stores nothing, so the input probes may send it bodies; other writes stay unprobed.
    inputProbes: { writes: ['POST /catalog/quote'] },
    mailbox: { kind: 'smtp-sink', ...(env('GONOGO_MAILBOX_URL') ? { apiUrl: env('GONOGO_MAILBOX_URL') } : {}) },
    // The sample accounts our seed script creates for development: they must never exist in a deployed database.
    demoAccounts: ['sample.client@reference.local', 'sample.maker@reference.local'],
    accounts: [
      {
        role: 'customer',
        email: env('GONOGO_CUSTOMER_EMAIL', 'qa-customer@example.com'),
        passwordEnv: 'GONOGO_CUSTOMER_PASSWORD',
      },
      {
        role: 'vendor',
        email: env('GONOGO_VENDOR_EMAIL', 'qa-vendor@example.com'),
        passwordEnv: 'GONOGO_VENDOR_PASSWORD',
      },
      {
        role: 'superuser',
        email: env('GONOGO_SUPERUSER_EMAIL', 'qa-admin@example.com'),
        passwordEnv: 'GONOGO_SUPERUSER_PASSWORD',
      },
    ],
    jwtSecretEnv: 'GONOGO_JWT_SECRET',
    browser: {
      loginPage: '/login',
      successSelector: '#status[data-state="signed-in"]',
      sessionCookies: ['access_token'],
    },
  },
  security: {
    headers: { pages: ['/', '/login'], apiPath: '/users/me', errorPath: '/gonogo-missing-page-404' },
    tls: {
      endpoint: new URL(base).host,
      ...(env('GONOGO_CA_FILE') ? { caFile: env('GONOGO_CA_FILE') } : {}),
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
          { name: 'health', path: '/health' },
          { name: 'login-page', path: '/login' },
        ],
      },
      {
        name: 'orders',
        weight: 2,
        steps: [
          {
            name: 'login',
            method: 'POST',
            path: '/auth/jwt/login',
            form: true,
            once: true,
            body: {
              username: env('GONOGO_CUSTOMER_EMAIL', 'qa-customer@example.com'),
              password: '{{env.GONOGO_CUSTOMER_PASSWORD}}',
            },
            capture: { token: 'access_token' },
          },
          { name: 'list-orders', path: '/orders', bearer: 'token' },
        ],
      },
    ],
    ...(env('GONOGO_LOAD_SOURCE') ? { sourceAddress: env('GONOGO_LOAD_SOURCE') } : {}),
  },
});
