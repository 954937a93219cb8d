import { pathToFileURL } from 'node:url';
import type { ReferenceInfo } from '../reference-app/types.ts';
import { SmokeConfig, type SmokeConfigInput } from './config.ts';

/** Env var names the reference mapping reads its secrets from (filled by `referenceEnv`). */
const ENV = {
  client: 'GONOGO_REF_CLIENT_PASSWORD',
  manufacturer: 'GONOGO_REF_MANUFACTURER_PASSWORD',
  admin: 'GONOGO_REF_ADMIN_PASSWORD',
  webhook: 'GONOGO_REF_WEBHOOK_SECRET',
  jwt: 'GONOGO_REF_JWT_SECRET',
} as const;

/**
 * The smoke mapping of the bundled reference platform: written exactly as a team would write theirs
 * (routes, JSON paths, accounts by env var name), so the reference proves the mapping, not a special case.
 */
export function smokeReferenceConfig(info: ReferenceInfo, o: { mailApiUrl?: string } = {}): SmokeConfig {
  const first = (role: string) => info.accounts.find((a) => a.role === role);
  const manufacturer = first('manufacturer');
  const input: SmokeConfigInput = {
    login: { path: '/api/auth/login', token: { from: 'body', path: 'access_token' }, refreshToken: { from: 'body', path: 'refresh_token' } },
    register: { path: '/api/auth/register', extraFields: { full_name: 'gonogo smoke {{name}}' } },
    roles: { owner: 'client', counterparty: 'manufacturer', admin: 'admin' },
    verifyEmail: { mode: 'link', linkPattern: 'verify-email' },
    refresh: { path: '/api/auth/refresh', field: 'refresh_token' },
    logout: { method: 'POST', path: '/api/auth/logout' },
    me: { method: 'GET', path: '/api/auth/me' },
    roleRoutes: { manufacturer: [{ path: '/api/manufacturer/orders' }], admin: [{ path: '/api/admin/users' }] },
    openapi: pathToFileURL(info.openapiFile).href,
    escrow: {
      steps: [
        {
          name: 'create-order', role: 'create', method: 'POST', path: '/api/orders',
          body: {
            manufacturer_id: '{{manufacturer_id}}', amount_cents: '{{amount}}', currency: '{{currency}}', description: '{{description}}',
            milestones: [{ title: 'Design', amount_cents: '{{milestone_amount}}' }, { title: 'Delivery', amount_cents: '{{milestone_amount}}' }],
          },
          capture: { order_id: { from: 'body', path: 'id' }, payment_id: { from: 'body', path: 'payment_intent_id' }, milestones: { from: 'body', path: 'milestones[*].id', all: true } },
          expect: { status: [201] },
        },
        { name: 'payment-succeeded', role: 'confirm-payment', event: { preset: 'payment_intent.succeeded', metadata: { order_id: '{{order_id}}' } } },
        { name: 'approve-milestone', role: 'fulfil', method: 'POST', path: '/api/orders/{{order_id}}/milestones/{{item}}/approve', forEach: 'milestones' },
        { name: 'release', role: 'release', method: 'POST', path: '/api/orders/{{order_id}}/release' },
      ],
      vars: { manufacturer_id: manufacturer?.id ?? 0 },
      order: { get: { method: 'GET', path: '/api/orders/{{order_id}}' }, update: { method: 'PATCH', path: '/api/orders/{{order_id}}' }, states: { funded: ['funded'], released: ['released'] }, paidAmountPath: 'funded_cents' },
    },
    webhook: { path: '/api/webhooks/stripe', secretEnv: ENV.webhook },
    health: { routes: ['/health', '/health/live', '/health/ready', '/metrics'] },
    // @fastify/rate-limit: fixed windows; the API keyed by user (anonymous by address), login by address and account.
    ratelimit: { api: { method: 'GET', path: '/api/auth/me', key: 'user', algorithm: 'fixed' }, login: { key: 'user', algorithm: 'fixed' } },
    mailbox: { kind: 'smtp-sink', ...(o.mailApiUrl ? { apiUrl: o.mailApiUrl } : {}) },
    accounts: (['client', 'manufacturer', 'admin'] as const).filter((r) => first(r)).map((r) => ({ role: r, email: first(r)!.email, passwordEnv: ENV[r] })),
    jwtSecretEnv: ENV.jwt,
    browser: { loginPage: '/login', successSelector: '#status[data-state="signed-in"]', sessionCookies: ['access_token'] },
  };
  return SmokeConfig.parse(input);
}

/** The secret values behind the env var names of `smokeReferenceConfig`. */
export function referenceEnv(info: ReferenceInfo): Record<string, string> {
  const env: Record<string, string> = { [ENV.webhook]: info.webhookSecret, [ENV.jwt]: info.jwtSecret };
  for (const role of ['client', 'manufacturer', 'admin'] as const) {
    const a = info.accounts.find((x) => x.role === role);
    if (a) env[ENV[role]] = a.password;
  }
  return env;
}
