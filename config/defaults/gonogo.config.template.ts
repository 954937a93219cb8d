// gonogo.config.ts: maps gonogo's flows onto your platform's routes.
// Every key is checked by a strict schema: a typo is an error, not a silently skipped check.
// Every key and its default: gonogo's docs/config.md, "Every key" (in node_modules/gonogo); the checks: docs/checks.md.
// Secrets are never written here: keys ending in `Env` name environment variables (see .env.example).
import { defineConfig } from 'gonogo';

export default defineConfig({
  target: {
    baseUrl: 'https://staging.example.com',
    // allowedHosts: ['api.staging.example.com'], // other hosts gonogo may contact; nothing else is ever touched
    // caFile: './staging-ca.pem',                // trust a private CA for staging certificates
  },
  kpis: './kpis.yaml',

  smoke: {
    // QA accounts per role: used for logins and role checks, never for destructive probes
    // (lockout and rate-limit probes use accounts gonogo registers itself).
    accounts: [
      { role: 'client', email: 'qa-client@example.com', passwordEnv: 'GONOGO_CLIENT_PASSWORD' },
      { role: 'client', email: 'qa-client2@example.com', passwordEnv: 'GONOGO_CLIENT2_PASSWORD' },
      { role: 'manufacturer', email: 'qa-maker@example.com', passwordEnv: 'GONOGO_MANUFACTURER_PASSWORD' },
      { role: 'admin', email: 'qa-admin@example.com', passwordEnv: 'GONOGO_ADMIN_PASSWORD' },
    ],
    // The sample accounts your seed scripts create: tried first by auth.no-demo-accounts, then gonogo's shipped list.
    demoAccounts: [],
    login: {
      path: '/api/auth/login',
      encoding: 'json', // 'form' for OAuth2 password forms (FastAPI's OAuth2PasswordRequestForm)
      emailField: 'email', // 'username' for OAuth2 forms
      token: { from: 'body', path: 'access_token' }, // or { from: 'cookie', name: 'sessionid' }
      refreshToken: { from: 'body', path: 'refresh_token' },
    },
    register: { path: '/api/auth/register', extraFields: { full_name: 'gonogo {{name}}' } },
    verifyEmail: { mode: 'link' }, // follow the link in the mail; or mode: 'post' with path + tokenField
    refresh: { path: '/api/auth/refresh', field: 'refresh_token' },
    logout: { method: 'POST', path: '/api/auth/logout' },
    me: { method: 'GET', path: '/api/auth/me' },
    roleRoutes: {
      admin: [{ path: '/api/admin/users' }],
      manufacturer: [{ path: '/api/manufacturer/orders' }],
    },
    // The payment flow, step by step; every escrow non-bypass check is derived from it (gonogo's docs/flows.md).
    escrow: {
      steps: [
        {
          name: 'create-order',
          role: 'create',
          path: '/api/orders',
          body: { manufacturer_id: '{{manufacturer_id}}', amount_cents: '{{amount}}', currency: '{{currency}}' },
          capture: { order_id: { from: 'body', path: 'id' }, payment_id: { from: 'body', path: 'payment_intent_id' } },
        },
        // {{amount}} is in cents; a decimal field ("200.00") takes '{{amount_major}}' instead, and currency is as your API spells it ('USD').
        // A Stripe Checkout platform: { preset: 'checkout.session.completed' } and capture session_id instead.
        { name: 'payment-succeeded', role: 'confirm-payment', event: { preset: 'payment_intent.succeeded' } },
        { name: 'release', role: 'release', path: '/api/orders/{{order_id}}/release' },
      ],
      vars: { manufacturer_id: 2 },
      order: {
        get: { method: 'GET', path: '/api/orders/{{order_id}}' },
        update: { method: 'PATCH', path: '/api/orders/{{order_id}}' },
        states: { funded: ['funded'], released: ['released'] },
      },
    },
    webhook: { path: '/api/webhooks/stripe', secretEnv: 'GONOGO_WEBHOOK_SECRET' },
    health: { routes: ['/health', '/health/ready', '/health/live', '/metrics'] },
    // The page with the login form the browser checks fill in; { enabled: false } for an API-only platform.
    browser: { loginPage: '/login' },
    // Verification mail: Mailpit here; or { kind: 'smtp-sink', port: 2525 } (your SMTP settings point at gonogo),
    // 'mailhog' (url), 'maildir' (path), 'eml-dir' (path: .eml files or Django's file backend). See gonogo's docs/config.md, "The mailbox".
    mailbox: { kind: 'mailpit', url: 'http://127.0.0.1:8025' },
    // openapi: '/openapi.json',              // sweep every secured operation for anonymous access
  },

  security: {
    headers: { pages: ['/', '/login'] },
    deps: {
      lockfiles: ['../backend/poetry.lock', '../frontend/package-lock.json'],
      source: { kind: 'osv-api' }, // or { kind: 'osv-dir', path: './osv' } offline
    },
  },

  load: {
    journeys: [
      { name: 'browse', steps: [{ name: 'health', path: '/health' }] },
      {
        name: 'orders',
        steps: [
          {
            name: 'login',
            method: 'POST',
            path: '/api/auth/login',
            once: true,
            body: { email: 'qa-client@example.com', password: '{{env.GONOGO_CLIENT_PASSWORD}}' },
            capture: { token: 'access_token' },
          },
          { name: 'list-orders', path: '/api/orders', bearer: 'token' },
        ],
      },
    ],
    // sourceAddress: '10.0.0.5',             // the load generator address your rate limiter allowlists
  },

  // Checks with nothing to check on this platform, each with the reason; a declared check that runs and fails still fails.
  // notApplicable: { 'auth.refresh-rotation': 'sessions have no refresh tokens' },
});
