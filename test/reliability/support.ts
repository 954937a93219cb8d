import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import { OSV_DEMO_DIR } from '../../reference-app/index.ts';

const CLEAN_LOCK = new URL('../../reference-app/fixtures/package-lock.json', import.meta.url).pathname;

/** Secrets the fault-target configs name; their values are known so leaks can be searched for. */
export const FAULT_ENV = {
  GONOGO_FAULT_CLIENT_PW: 'Fault-Client-Pw-7781!',
  GONOGO_FAULT_CLIENT2_PW: 'Fault-Client2-Pw-7782!',
  GONOGO_FAULT_MAKER_PW: 'Fault-Maker-Pw-7783!',
  GONOGO_FAULT_ADMIN_PW: 'Fault-Admin-Pw-7784!',
  GONOGO_FAULT_WEBHOOK: 'whsec_faultsecret77850000',
};

/** A gonogo project (config + default KPIs) aimed at one misbehaving loopback target, with short timeouts. */
export function faultProject(baseUrl: string, caFile: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-fault-'));
  writeFileSync(join(dir, 'kpis.yaml'), readFileSync(DEFAULT_KPI_FILE, 'utf8'));
  writeFileSync(
    join(dir, 'gonogo.config.ts'),
    `export default {
  target: { baseUrl: ${JSON.stringify(baseUrl)}, caFile: ${JSON.stringify(caFile)}, timeoutMs: 1500, deadlineS: 120 },
  smoke: {
    accounts: [
      { role: 'client', email: 'c1@fault.test', passwordEnv: 'GONOGO_FAULT_CLIENT_PW' },
      { role: 'client', email: 'c2@fault.test', passwordEnv: 'GONOGO_FAULT_CLIENT2_PW' },
      { role: 'manufacturer', email: 'm@fault.test', passwordEnv: 'GONOGO_FAULT_MAKER_PW' },
      { role: 'admin', email: 'a@fault.test', passwordEnv: 'GONOGO_FAULT_ADMIN_PW' },
    ],
    // The fault server's routes, written out: no route has a default (docs/config.md, "Routes").
    login: { path: '/api/auth/login' },
    register: { path: '/api/auth/register' },
    refresh: { path: '/api/auth/refresh' },
    logout: { path: '/api/auth/logout' },
    me: { method: 'GET', path: '/api/auth/me' },
    health: { routes: ['/health'] },
    webhook: { path: '/api/webhooks/stripe', secretEnv: 'GONOGO_FAULT_WEBHOOK' },
    mailbox: { kind: 'mailpit', url: 'http://127.0.0.1:9' },
    verifyEmail: { timeoutMs: 1500 },
    ratelimit: { maxWaitS: 2 },
    browser: { timeoutMs: 1500, loginPage: '/login' },
    timeoutS: 90,
  },
  security: {
    tls: { handshakeTimeoutMs: 800 },
    deps: { lockfiles: [${JSON.stringify(CLEAN_LOCK)}], source: { kind: 'osv-dir', path: ${JSON.stringify(OSV_DEMO_DIR)} } },
  },
  load: {
    thinkTimeS: 0,
    timeouts: { requestS: 1, gracefulStopS: 1, slackS: 20 },
    // A journey that depends on the API's JSON: a 200 with HTML or garbage must not look healthy.
    journeys: [{ name: 'orders', steps: [
      { name: 'login', method: 'POST', path: '/api/auth/login', once: true, body: { email: 'c1@fault.test', password: '{{env.GONOGO_FAULT_CLIENT_PW}}' }, capture: { token: 'access_token' } },
      { name: 'list-orders', path: '/api/orders', bearer: 'token' },
    ] }],
  },
  ${extra}
};
`,
  );
  return join(dir, 'gonogo.config.ts');
}

export { gonogo } from '../helpers/cli.ts';
