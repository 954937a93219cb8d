import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailSink, type MailSink } from '../../core/mail/sink.ts';
import { startReference } from '../../reference-app/index.ts';
import type { ReferenceInfo } from '../../core/reference.ts';
import { exampleConfigFile, exampleEnv } from '../../reference-app/example-env.ts';
import { loadConfigFile, parseConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { DEFAULT_KPI_FILE } from '../../core/files.ts';
import { loadKpiFile, type KpiFile } from '../../config/kpis.ts';
import { doctorConfig, doctorPlan } from '../../cli/doctor/run.ts';
import { doctorExitCode } from '../../cli/doctor/render.ts';
import { DoctorSender } from '../../cli/doctor/sender.ts';
import type { DoctorResult } from '../../cli/doctor/walk.ts';
import { login } from '../../core/signin/accounts.ts';
import { DIALECT_NAMES } from '../../reference-app/dialects.ts';
import { gonogo } from '../helpers/cli.ts';

/** A failing row that names the key, and the exit code 1. */
function failsOn(r: DoctorResult, key: string): void {
  expect(doctorExitCode(r)).toBe(1);
  const failing = r.rows.filter((row) => row.status === 'fail');
  expect(failing.map((row) => row.key ?? '').join('\n')).toContain(key);
}

const edit = (c: Config, fn: (c: Config) => void): Config => {
  const copy = structuredClone(c);
  fn(copy);
  return copy;
};

describe.each(DIALECT_NAMES)('gonogo doctor on the %s dialect', (dialect) => {
  let sink: MailSink;
  let info: ReferenceInfo;
  let config: Config;
  let dir: string;
  let params: KpiFile['params'];
  let saved: NodeJS.ProcessEnv;
  const seen: DoctorResult[] = [];
  const run = async (c: Config, p: KpiFile['params'] = params) => {
    const r = await doctorConfig(c, dir, p, {
      caFile: info.caFile,
      secrets: [info.webhookSecret, ...info.accounts.map((a) => a.password)],
    });
    seen.push(r);
    return r;
  };

  beforeAll(async () => {
    sink = await startMailSink({ host: '127.0.0.1' });
    info = await startReference({ flaws: [], dialect, smtp: sink.smtp, env: {}, limitWindowS: 60 });
    saved = { ...process.env };
    // The example config and the secrets it names are read from the environment, as a team's CI sets them.
    Object.assign(process.env, exampleEnv(info, { mailApiUrl: sink.apiUrl }));
    const loaded = await loadConfigFile(exampleConfigFile(dialect), process.env, ['smoke']);
    config = loaded.config;
    dir = loaded.dir;
    params = (await loadKpiFile(DEFAULT_KPI_FILE)).params;
  });
  afterAll(async () => {
    process.env = saved;
    await info?.stop();
    await sink?.stop();
  });

  it('walks the clean platform with every step as mapped, in seconds', async () => {
    const r = await run(config);
    expect(r.rows.filter((row) => row.status === 'fail' || row.status === 'held')).toEqual([]);
    expect(doctorExitCode(r)).toBe(0);
    const steps = r.rows.map((row) => row.step);
    for (const s of [
      'register (own account)',
      'verification mail',
      'verify email',
      'login (own account)',
      'me',
      'refresh',
      'order funded',
      'order released',
      'openapi',
    ])
      expect(steps).toContain(s);
    expect(steps.filter((s) => s.startsWith('login ')).length).toBe(1 + config.smoke.accounts.length);
    expect(steps.filter((s) => s.startsWith('flow ')).length).toBe(config.smoke.escrow.steps!.length);
    expect(steps.at(-1)).toBe('logout');
    expect(r.requests).toBe(r.sent.length);
    // "In seconds": it never waited for a rate-limit window, and met no 429 (how long it takes is a benchmark's figure).
    expect(r.pacedMs).toBe(0);
    expect(r.sent.filter((s) => s.status === 429)).toEqual([]);
  });

  it('names smoke.login.emailField for a wrong login field, and sends no team account a failing login', async () => {
    const r = await run(
      edit(config, (c) => {
        c.smoke.login.emailField = 'mail';
      }),
    );
    failsOn(r, 'smoke.login.emailField');
    expect(r.rows.filter((row) => /^login (?!\(own)/.test(row.step)).every((row) => row.status === 'skip')).toBe(true);
  });

  it('names only smoke.login.emailField when the OpenAPI document declares the login body', async () => {
    const l = config.smoke.login;
    const media = l.encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    const doc = {
      openapi: '3.1.0',
      paths: {
        [l.path!]: {
          post: { requestBody: { content: { [media]: { schema: { $ref: '#/components/schemas/Login' } } } } },
        },
      },
      components: {
        schemas: {
          Login: {
            type: 'object',
            properties: { [l.emailField]: { type: 'string' }, [l.passwordField]: { type: 'string' } },
          },
        },
      },
    };
    const file = join(await mkdtemp(join(tmpdir(), 'gonogo-doctor-doc-')), 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const r = await run(
      edit(config, (c) => {
        c.smoke.login.emailField = 'mail';
        c.smoke.openapi = pathToFileURL(file).href;
      }),
    );
    const row = r.rows.find((x) => x.step === 'login (own account)')!;
    expect(row.status).toBe('fail');
    expect(row.key).toBe(
      `smoke.login.emailField ("mail"; POST ${l.path} in the OpenAPI document takes ${l.emailField}, ${l.passwordField})`,
    );
  });

  it('names smoke.me.path for a wrong route', async () => {
    failsOn(
      await run(
        edit(config, (c) => {
          c.smoke.me.path = '/api/gonogo-no-such-me';
        }),
      ),
      'smoke.me.path',
    );
  });

  it('names the capture of the create step for a wrong capture path', async () => {
    const i = config.smoke.escrow.steps!.findIndex((s) => s.role === 'create');
    const r = await run(
      edit(config, (c) => {
        c.smoke.escrow.steps![i]!.capture.order_id = { from: 'body', path: 'order.identifier', all: false };
      }),
    );
    failsOn(r, `smoke.escrow.steps[${i}].capture.order_id`);
  });

  it('names smoke.mailbox when the verification mail is not where the config reads it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'gonogo-doctor-mail-'));
    const r = await run(
      edit(config, (c) => {
        c.smoke.mailbox = { kind: 'eml-dir', path: empty };
        c.smoke.verifyEmail.timeoutMs = 1500;
      }),
    );
    failsOn(r, 'smoke.mailbox');
  });

  it('names the webhook secret when the environment holds another one', async () => {
    const name = config.smoke.webhook.secretEnv;
    const right = process.env[name];
    process.env[name] = 'whsec_gonogo_doctor_not_the_platforms';
    try {
      failsOn(await run(config), name);
    } finally {
      process.env[name] = right;
    }
  });

  it.runIf(dialect === 'marketplace')(
    'gonogo doctor --config: the example config against the running platform, exit 0, as JSON',
    async () => {
      const r = await gonogo(['doctor', '--config', exampleConfigFile(dialect), '--json'], {
        GONOGO_KPI_FILE: DEFAULT_KPI_FILE,
      });
      expect(r.code).toBe(0);
      const out = JSON.parse(r.out) as DoctorResult & { exitCode: number };
      expect(out.exitCode).toBe(0);
      expect(out.rows.every((row) => row.status === 'ok')).toBe(true);
      seen.push(out);
    },
  );

  it.runIf(dialect === 'drf')(
    'sends no login beyond half the login model, and holds the rest back with exit 1',
    async () => {
      const r = await run(
        edit(config, (c) => {
          c.smoke.ratelimit.login = { ...c.smoke.ratelimit.login, key: 'address', limit: 4 };
        }),
      );
      expect(r.logins).toBe(2);
      expect(r.sent.filter((s) => s.path === config.smoke.login.path).length).toBe(2);
      const held = r.rows.filter((row) => row.status === 'held');
      expect(held.map((row) => row.step)).toEqual(['login seller', 'login staff']);
      expect(held[0]!.key).toContain('smoke.ratelimit.login');
      expect(doctorExitCode(r)).toBe(1);
    },
  );

  it.runIf(dialect === 'marketplace')(
    'without its own account, tries no team login when the lockout threshold leaves no room for a failure',
    async () => {
      const r = await run(
        edit(config, (c) => {
          c.smoke.register.path = '/api/gonogo-no-register';
        }),
        { ...params, lockout: { ...params.lockout, attempts: 2 } },
      );
      failsOn(r, 'smoke.register.path');
      expect(r.logins).toBe(0);
      expect(r.rows.filter((row) => row.step.startsWith('login ')).map((row) => row.status)).toEqual([
        'held',
        'held',
        'held',
      ]);
    },
  );

  it('stops at the first request when the certificate is not trusted, naming target.caFile', async () => {
    const r = await doctorConfig(config, dir, params, { secrets: [] });
    expect(r.requests).toBe(1);
    expect(r.rows.at(-1)).toMatchObject({ step: 'stopped', status: 'fail', key: 'target.caFile' });
  });

  it('caused no 429 and no lockout: every answer the doctor saw, and a normal login right after it', async () => {
    const statuses = seen.flatMap((r) => r.sent.map((s) => s.status));
    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.filter((s) => s === 429 || s === 423 || s === 0)).toEqual([]);
    expect(seen.every((r) => r.stopped === undefined)).toBe(true);
    // One login per account and run at most, well under the login model.
    const a = config.smoke.accounts[0]!;
    const plan = doctorPlan(
      config,
      dir,
      params,
      { kind: 'smtp-sink', url: sink.apiUrl },
      await mkdtemp(join(tmpdir(), 'gonogo-doctor-state-')),
    );
    const { res, session } = await login(
      new DoctorSender(plan, { caFile: info.caFile }),
      plan,
      a.email,
      process.env[a.passwordEnv]!,
    );
    expect(res.status).toBe(200);
    expect(session?.access).toBeTruthy();
  });
});

describe('gonogo doctor from the command line', () => {
  it('exits 0 on the reference platform and says how many requests it sent and how long it took', async () => {
    const r = await gonogo(['doctor', '--reference']);
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Every mapped step answered as mapped/);
    expect(r.out).toMatch(/Sent \d+ requests \(4 logins; login model \d+ per \d+ s, keyed by user\) in \d+\.\d s\./);
  });

  it('exits 2 for a config error, naming the key, before sending anything', async () => {
    const d = await mkdtemp(join(tmpdir(), 'gonogo-doctor-config-'));
    const file = join(d, 'gonogo.config.ts');
    await writeFile(
      file,
      `export default { target: { baseUrl: 'https://127.0.0.1:9' }, smoke: { login: { emailFeld: 'mail' } } };\n`,
    );
    const r = await gonogo(['doctor', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('smoke.login');
    expect(r.err).toContain('emailFeld');
  });

  it('--dialect without --reference is a usage error', async () => {
    expect((await gonogo(['doctor', '--dialect', 'drf'])).code).toBe(2);
  });
});

describe('gonogo doctor against a platform that throttles or does not answer', () => {
  let server: Server;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(429, { 'retry-after': '30', 'content-type': 'application/json' }).end('{"detail":"slow down"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const params = async () => (await loadKpiFile(DEFAULT_KPI_FILE)).params;
  // No route has a default: the platform's routes are written out (docs/config.md, "Routes").
  const ROUTES = {
    login: { path: '/login' },
    register: { path: '/register' },
    logout: { path: '/logout' },
    me: { method: 'GET', path: '/me' },
  } as const;
  const empty = () => mkdtemp(join(tmpdir(), 'gonogo-doctor-none-'));

  it('stops at the first 429 without waiting out its Retry-After or retrying', async () => {
    const dir = await empty();
    const config = parseConfig(
      {
        target: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
        smoke: { ...ROUTES, mailbox: { kind: 'eml-dir', path: dir } },
      },
      'inline',
    );
    const started = performance.now();
    const r = await doctorConfig(config, dir, await params(), { secrets: [] });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(hits).toBe(1);
    expect(r.requests).toBe(1);
    expect(r.stopped).toMatch(/answered 429 \(Retry-After 30 s\)/);
    expect(r.rows.at(-1)).toMatchObject({ step: 'stopped', status: 'fail' });
    expect(doctorExitCode(r)).toBe(1);
  });

  it('stops at a target that does not answer, naming target.baseUrl', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const dir = await empty();
    const config = parseConfig(
      {
        target: { baseUrl: `http://127.0.0.1:${port}` },
        smoke: { ...ROUTES, mailbox: { kind: 'eml-dir', path: dir } },
      },
      'inline',
    );
    const r = await doctorConfig(config, dir, await params(), { secrets: [] });
    expect(r.requests).toBe(1);
    expect(r.rows.at(-1)).toMatchObject({ step: 'stopped', status: 'fail', key: 'target.baseUrl' });
  });
});
