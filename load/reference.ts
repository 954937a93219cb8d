import type { LoadConfigInput } from './config.ts';
import type { ReferenceInfo } from '../reference-app/types.ts';

/** The client account's password reaches the engines through this variable, never through plan files. */
export const REFERENCE_PASSWORD_ENV = 'GONOGO_REFERENCE_CLIENT_PASSWORD';

function client(info: ReferenceInfo): ReferenceInfo['accounts'][number] {
  const c = info.accounts.find((a) => a.role === 'client');
  if (!c) throw new Error('the reference app reported no client account');
  return c;
}

/** Environment the default journeys need (the password template). */
export function referenceLoadEnv(info: ReferenceInfo): Record<string, string> {
  return { [REFERENCE_PASSWORD_ENV]: client(info).password };
}

/** The default journeys against the bundled platform: browse/health, log in then list orders, create an order. */
export function loadReferenceConfig(info: ReferenceInfo): LoadConfigInput {
  const login = {
    name: 'login', method: 'POST' as const, path: '/api/auth/login', once: true,
    body: { email: '{{account.email}}', password: '{{account.password}}' },
    capture: { token: 'access_token' }, check: 'login returns a token',
  };
  const manufacturer = info.accounts.find((a) => a.role === 'manufacturer');
  return {
    journeys: [
      { name: 'browse', weight: 2, steps: [
        { name: 'health', path: '/health', check: 'health answers 200' },
        { name: 'login-page', path: '/login', check: 'login page answers 200' },
      ] },
      { name: 'orders', weight: 2, steps: [login, { name: 'list-orders', path: '/api/orders', bearer: 'token', check: 'orders are listed' }] },
      ...(manufacturer ? [{ name: 'create-order', weight: 1, steps: [login, {
        name: 'create-order', method: 'POST' as const, path: '/api/orders', bearer: 'token', expect: [201], check: 'order is created',
        body: { manufacturer_id: manufacturer.id, amount_cents: 5000, currency: 'usd', description: 'load test order {{vu}}-{{iter}}', milestones: [{ title: 'all', amount_cents: 5000 }] },
      }] }] : []),
    ],
    // The seeded client, as a pool of one: every VU logs in as it, and the report says so.
    accounts: { list: [{ email: client(info).email, passwordEnv: REFERENCE_PASSWORD_ENV }] },
    thinkTimeS: 1,
    health: { path: '/health', intervalMs: 1000 },
    ...(info.unlimitedAddresses[0] ? { sourceAddress: info.unlimitedAddresses[0] } : {}),
  };
}
