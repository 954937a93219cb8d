/**
 * gonogo for a Django REST Framework platform built the common way: dj-rest-auth registration with
 * allauth-style confirmation links, simplejwt (`access`/`refresh`, rotation, the token blacklist at logout),
 * Stripe Checkout (the session id only in the redirect to the hosted page, `checkout.session.completed`
 * confirming it), amounts in DecimalFields ("200.00") and currencies in upper case, the seller marking delivery and the buyer confirming it, DRF sliding-window throttles
 * (per user on the API, per address on login), and Django's file email backend.
 *
 * This is the config of the bundled reference platform's `drf` dialect (`gonogo run --reference --dialect drf`);
 * the environment variables below say where the target runs.
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
    login: {
      method: 'POST',
      path: '/api/v1/auth/token/',
      token: { from: 'body', path: 'access' },
      refreshToken: { from: 'body', path: 'refresh' },
    },
    register: {
      method: 'POST',
      path: '/api/v1/auth/registration/',
      passwordField: 'password1',
      extraFields: { first_name: 'gonogo {{name}}' },
    },
    // The mail links to the front end (/account-confirm-email/<key>/); the key is posted to the API.
    verifyEmail: {
      mode: 'post',
      method: 'POST',
      path: '/api/v1/auth/registration/verify-email/',
      tokenField: 'key',
      linkPattern: 'account-confirm-email',
      tokenPattern: 'account-confirm-email/([A-Za-z0-9_-]+)/',
    },
    refresh: { method: 'POST', path: '/api/v1/auth/token/refresh/', field: 'refresh' },
    // simplejwt's blacklist ends the refresh token; the access token is stateless and lives out its few minutes.
    logout: {
      method: 'POST',
      path: '/api/v1/auth/token/blacklist/',
      body: { refresh: '{{refresh_token}}' },
      revokes: ['refresh'],
    },
    me: { method: 'GET', path: '/api/v1/auth/user/' },
    roles: { owner: 'buyer', counterparty: 'seller', admin: 'staff' },
    roleRoutes: {
      seller: [{ method: 'GET', path: '/api/v1/seller/orders/' }],
      staff: [{ method: 'GET', path: '/api/v1/staff/users/' }],
    },
    escrow: {
      steps: [
        // The order names its counterparty by id: the counterparty account looks its own id up first.
        {
          name: 'find-counterparty',
          role: 'setup',
          as: 'counterparty',
          method: 'GET',
          path: '/api/v1/auth/user/',
          capture: { seller_id: { from: 'body', path: 'id' } },
        },
        {
          name: 'create-order',
          role: 'create',
          method: 'POST',
          path: '/api/v1/orders/',
          // A DecimalField takes decimal major units ("200.00"); gonogo keeps cents for the Stripe event.
          body: {
            seller: '{{seller_id}}',
            amount: '{{amount_major}}',
            currency: '{{currency}}',
            description: '{{description}}',
          },
          capture: { order_id: { from: 'body', path: 'id' } },
          expect: { status: [201] },
        },
        // Stripe Checkout: the API redirects to the hosted page; the session id is only in that URL.
        {
          name: 'checkout',
          role: 'open-payment',
          method: 'POST',
          path: '/api/v1/orders/{{order_id}}/checkout/',
          capture: { session_id: { from: 'redirect', pattern: '/pay/(cs_test_[0-9a-f]+)' } },
          expect: { status: [303] },
        },
        { name: 'checkout-completed', role: 'confirm-payment', event: { preset: 'checkout.session.completed' } },
        {
          name: 'deliver',
          role: 'fulfil',
          as: 'counterparty',
          method: 'POST',
          path: '/api/v1/orders/{{order_id}}/deliver/',
        },
        {
          name: 'confirm-delivery',
          role: 'release',
          method: 'POST',
          path: '/api/v1/orders/{{order_id}}/confirm-delivery/',
        },
      ],
      // The currency ChoiceField speaks upper case; the signed events carry "usd", as Stripe sends it.
      currency: 'USD',
      order: {
        get: { method: 'GET', path: '/api/v1/orders/{{order_id}}/' },
        update: { method: 'PATCH', path: '/api/v1/orders/{{order_id}}/' },
        states: { funded: ['paid', 'delivered'], released: ['completed'] },
        paidAmountPath: 'amount_paid',
        paidAmountUnit: 'major',
      },
    },
    webhook: { path: '/api/v1/payments/stripe/webhook/', secretEnv: 'GONOGO_WEBHOOK_SECRET' },
    // DRF throttles keep a sliding log: UserRateThrottle 100/min on the API, a scoped 60/min per address on login.
    ratelimit: {
      api: { method: 'GET', path: '/api/v1/auth/user/', key: 'user', algorithm: 'sliding', windowS },
      // GONOGO_LOGIN_LIMIT / GONOGO_LOGIN_WINDOW_S: a platform started with another login limit (the reference platform's load tests).
      login: {
        key: 'address',
        limit: Number(env('GONOGO_LOGIN_LIMIT', '60')),
        windowS: Number(env('GONOGO_LOGIN_WINDOW_S', String(windowS))),
        algorithm: 'sliding',
      },
      anonymous: { method: 'GET', path: '/api/v1/auth/user/', algorithm: 'sliding', windowS },
    },
    health: { routes: ['/health', '/health/live', '/health/ready', '/metrics'] },
    debugProbes: [
      { method: 'GET', path: '/gonogo-no-such-route-404/' },
      { method: 'POST', path: '/api/v1/orders/', body: '{"amount": ', contentType: 'application/json' },
      { method: 'GET', path: '/api/v1/orders/%27%22%3Cgonogo/' },
    ],
    cors: { paths: ['/api/v1/auth/user/'] },
    ...(env('GONOGO_OPENAPI') ? { openapi: env('GONOGO_OPENAPI') } : {}),
    // The price quote stores nothing, so the input probes may send it bodies; other writes stay unprobed.
    inputProbes: { writes: ['POST /api/v1/catalog/quote/'] },
    // EMAIL_BACKEND = 'django.core.mail.backends.filebased.EmailBackend', EMAIL_FILE_PATH = this folder.
    mailbox: { kind: 'eml-dir', path: env('GONOGO_MAIL_DIR', './sent-mail') },
    // The sample accounts our seed script creates for development: they must never exist in a deployed database.
    demoAccounts: ['sample.client@reference.local', 'sample.maker@reference.local'],
    accounts: [
      { role: 'buyer', email: env('GONOGO_BUYER_EMAIL', 'qa-buyer@example.com'), passwordEnv: 'GONOGO_BUYER_PASSWORD' },
      {
        role: 'seller',
        email: env('GONOGO_SELLER_EMAIL', 'qa-seller@example.com'),
        passwordEnv: 'GONOGO_SELLER_PASSWORD',
      },
      { role: 'staff', email: env('GONOGO_STAFF_EMAIL', 'qa-staff@example.com'), passwordEnv: 'GONOGO_STAFF_PASSWORD' },
    ],
    jwtSecretEnv: 'GONOGO_JWT_SECRET',
    browser: {
      loginPage: '/login',
      successSelector: '#status[data-state="signed-in"]',
      sessionCookies: ['access_token'],
    },
  },
  security: {
    headers: { pages: ['/', '/login'], apiPath: '/api/v1/auth/user/', errorPath: '/gonogo-missing-page-404/' },
    tls: {
      endpoint: new URL(base).host,
      ...ca,
      ...(env('GONOGO_HTTP_URL') ? { httpUrl: env('GONOGO_HTTP_URL') } : {}),
    },
    deps: {
      lockfiles: [env('GONOGO_LOCKFILE', './poetry.lock')],
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
            path: '/api/v1/auth/token/',
            once: true,
            body: {
              email: env('GONOGO_BUYER_EMAIL', 'qa-buyer@example.com'),
              password: '{{env.GONOGO_BUYER_PASSWORD}}',
            },
            capture: { token: 'access' },
          },
          { name: 'list-orders', path: '/api/v1/orders/', bearer: 'token' },
        ],
      },
    ],
    ...(env('GONOGO_LOAD_SOURCE') ? { sourceAddress: env('GONOGO_LOAD_SOURCE') } : {}),
  },
});
