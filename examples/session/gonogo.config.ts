/**
 * gonogo for a marketplace that signs in with Django's session auth: a form login at /accounts/login/ sets a
 * `sessionid` cookie and rotates the `csrftoken` cookie, and every state-changing request of the session sends
 * that token back in X-CSRFToken with a same-site Origin. No refresh token. The JSON API under /api is the
 * marketplace's: verification links by mail, a PaymentIntent created with the order, milestones, fixed windows.
 *
 * This is the config of the bundled reference platform's session dialect (`gonogo run --reference --dialect
 * session`); the environment variables below say where the target runs.
 */
import { defineConfig } from 'gonogo';

const env = (name: string, fallback = ''): string => process.env[name] ?? fallback;
const base = env('GONOGO_BASE_URL', 'https://127.0.0.1:8443');
const ca = env('GONOGO_CA_FILE') ? { caFile: env('GONOGO_CA_FILE') } : {};
// The documented limits count per minute; GONOGO_RATELIMIT_WINDOW_S follows a platform started with shorter windows (the reference platform's tests).
const windowS = Number(env('GONOGO_RATELIMIT_WINDOW_S', '60'));

export default defineConfig({
  target: { baseUrl: base, ...ca },
  kpis: env('GONOGO_KPI_FILE', './kpis.yaml'),
  smoke: {
    // The login page (browser.loginPage, csrf.path's default) sets the csrftoken cookie; the default sources find it and the default header for it is X-CSRFToken.
    login: {
      path: '/accounts/login/',
      encoding: 'form',
      emailField: 'username',
      token: { from: 'cookie', name: 'sessionid' },
      send: { as: 'cookie', name: 'sessionid' },
      csrf: {},
    },
    register: { path: '/api/auth/register', extraFields: { full_name: 'gonogo smoke {{name}}' } },
    roles: { owner: 'client', counterparty: 'manufacturer', admin: 'admin' },
    verifyEmail: { mode: 'link', linkPattern: 'verify-email' },
    // The csrf.* checks bend logout, a state-changing request every session may send (smoke.login.csrf.probe).
    logout: { method: 'POST', path: '/accounts/logout/' },
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
    // The session cookie is judged; a CSRF cookie that scripts read is not HttpOnly by design (this one is: the page's form carries the token).
    browser: { loginPage: '/login', successSelector: '#status[data-state="signed-in"]', sessionCookies: ['sessionid'] },
  },
  notApplicable: {
    'auth.refresh-rotation': 'session auth: the session cookie is the only credential, there is no refresh token',
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
      // The load journeys carry a token only as `bearer`, not yet a cookie session with its CSRF token: anonymous pages only.
      { name: 'home', weight: 1, steps: [{ name: 'home', path: '/', check: 'home answers 200' }] },
    ],
    thinkTimeS: 1,
    health: { path: '/health', intervalMs: 1000 },
    ...(env('GONOGO_LOAD_SOURCE') ? { sourceAddress: env('GONOGO_LOAD_SOURCE') } : {}),
  },
});
