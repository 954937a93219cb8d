/**
 * Load logins within the login model, measured (`npx tsx bench/load-logins.ts [k6|autocannon] [VUS] [DURATION]`,
 * default autocannon 50 5m): the reference platform's drf dialect with a login route that allows 30 logins a minute
 * per address for every address (GONOGO_REFERENCE_LOGIN_LIMIT) and access tokens that live 5 minutes
 * (GONOGO_REFERENCE_ACCESS_TTL_S), driven by its example config with a registered pool of one account per VU.
 * Prints the figures the goal is judged on: requests, error rate, 429s on login, the login phase, accounts used.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceTarget } from '../cli/reference-target.ts';
import { ConfigSchema } from '../config/schema.ts';
import { parseKpiText } from '../config/kpis.ts';
import { loadExampleConfig } from '../reference-app/example-env.ts';
import { ACCESS_TTL_ENV, LOGIN_RATE_LIMIT_ENV } from '../reference-app/index.ts';
import { runLoad } from '../load/index.ts';
import { loadNotes } from '../reports/render/load-status.ts';
import { k6OnPath } from '../test/load/helpers.ts';

const engine = (process.argv[2] ?? 'autocannon') as 'k6' | 'autocannon';
const vus = Number(process.argv[3] ?? 50);
const duration = process.argv[4] ?? '5m';
const LOGIN_LIMIT = process.env[LOGIN_RATE_LIMIT_ENV] ?? '30/60000';
const TTL_S = process.env[ACCESS_TTL_ENV] ?? '300';

const k6 = k6OnPath();
if (engine === 'k6' && k6) process.env.PATH = `${k6.replace(/\/k6$/, '')}:${process.env.PATH}`;
const kpis = parseKpiText(readFileSync(new URL('../config/defaults/kpis.yaml', import.meta.url), 'utf8'), 'kpis.yaml');
const t = await startReferenceTarget(
  [],
  { ...process.env, [LOGIN_RATE_LIMIT_ENV]: LOGIN_LIMIT, [ACCESS_TTL_ENV]: TTL_S },
  'drf',
);
try {
  const base = await loadExampleConfig(t.info, { suites: ['load'] });
  const config = ConfigSchema.parse({
    ...base,
    load: {
      ...base.load,
      journeys: [
        {
          name: 'orders',
          steps: [
            {
              name: 'login',
              method: 'POST',
              path: '/api/v1/auth/token/',
              once: true,
              body: { email: '{{account.email}}', password: '{{account.password}}' },
              capture: { token: 'access' },
            },
            { name: 'list-orders', path: '/api/v1/orders/', bearer: 'token' },
          ],
        },
      ],
      accounts: { register: { count: vus } },
    },
  });
  const started = Date.now();
  const out = await runLoad({
    config,
    configDir: process.cwd(),
    kpis,
    outDir: mkdtempSync(join(tmpdir(), 'gonogo-bench-logins-')),
    signal: new AbortController().signal,
    progress: (e) => {
      if (e.kind !== 'tick') console.error(`[load] ${e.message}`);
    },
    reference: t.info,
    load: { vus, duration, engine },
    secrets: new Set(t.secrets),
  });
  const r = out.load;
  const codes = (name: string) => r?.endpoints.find((e) => e.name === name)?.statusCodes ?? [];
  const login429InLoad = codes('login').find((c) => c.status === 429)?.count ?? 0;
  console.log(
    JSON.stringify(
      {
        engine,
        vus,
        duration,
        loginLimit: LOGIN_LIMIT,
        accessTtlS: Number(TTL_S),
        check: out.checks[0]?.status,
        message: out.checks[0]?.evidence.message,
        requests: r?.requests,
        errorRate: r?.errorRate,
        accounts: r?.accounts,
        loginPhaseS: r?.accounts?.logins ? r.accounts.logins.ms / 1000 : null,
        login429: (r?.accounts?.logins?.throttled ?? 0) + login429InLoad,
        loginInLoad: codes('login'),
        refresh: codes('token-refresh'),
        listOrders: codes('list-orders'),
        wallS: (Date.now() - started) / 1000,
      },
      null,
      2,
    ),
  );
  if (r) for (const n of loadNotes(r)) console.log(n.text);
} finally {
  await t.stop();
}
