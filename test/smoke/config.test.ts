import { describe, expect, it } from 'vitest';
import { SmokeConfig } from '../../smoke/config.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { formatZodIssues } from '../../core/errors.ts';

describe('SmokeConfig', () => {
  it('parses {} into a mapping whose routes are left out: no route is guessed', () => {
    const c = SmokeConfig.parse({});
    for (const r of [c.login, c.register, c.verifyEmail, c.refresh, c.logout, c.me, c.webhook])
      expect(r.path).toBeUndefined();
    expect([c.browser.loginPage, c.health.routes, c.ratelimit.api, c.cors.paths]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(c.debugProbes).toEqual([{ method: 'GET', path: '/gonogo-no-such-route-404' }]);
    expect(c.login).toMatchObject({
      encoding: 'json',
      token: { from: 'body', path: 'access_token' },
      send: { as: 'bearer' },
    });
    expect(c.mailbox).toEqual({ kind: 'smtp-sink' });
    expect(c.browser.executablePath).toBe('/usr/bin/chromium');
    expect(c.weakSecrets).toEqual([]);
    expect(c.logout.revokes).toEqual(['access']);
    expect(SmokeConfig.safeParse({ logout: { revokes: [] } }).success).toBe(false);
    expect(SmokeConfig.safeParse({ logout: { revokes: ['session'] } }).success).toBe(false);
    expect(c.weakSecretsFile).toBeUndefined();
    expect(ConfigSchema.parse({ target: { baseUrl: 'https://staging.example.com' } }).smoke.login.path).toBeUndefined();
  });

  it('maps a form-encoded login with the token in a cookie and a Mailpit mailbox', () => {
    const c = SmokeConfig.parse({
      login: {
        path: '/session',
        encoding: 'form',
        emailField: 'username',
        token: { from: 'cookie', name: 'sid' },
        send: { as: 'cookie', name: 'sid' },
      },
      mailbox: { kind: 'mailpit', url: 'http://127.0.0.1:8025' },
      accounts: [{ role: 'client', email: 'qa@example.com', passwordEnv: 'QA_CLIENT_PASSWORD' }],
    });
    expect(c.login.token).toEqual({ from: 'cookie', name: 'sid' });
    expect(c.login.method).toBe('POST');
    expect(c.mailbox).toEqual({ kind: 'mailpit', url: 'http://127.0.0.1:8025' });
  });

  it('aims the probes that default to a route at the routes the config names, and keeps what the config sets', () => {
    const c = SmokeConfig.parse({
      login: { path: '/api/v1/token/' },
      me: { method: 'GET', path: '/api/v1/users/me/' },
    });
    expect(c.ratelimit.api).toMatchObject({
      method: 'GET',
      path: '/api/v1/users/me/',
      key: 'user',
      algorithm: 'fixed',
    });
    expect(c.cors.paths).toEqual(['/api/v1/users/me/']);
    expect(c.debugProbes.map((p) => `${p.method} ${p.path}`)).toEqual([
      'GET /gonogo-no-such-route-404/',
      'POST /api/v1/token/',
      'GET /api/v1/users/me/%27%22%3Cgonogo/',
    ]);
    const set = SmokeConfig.parse({
      me: { method: 'GET', path: '/me' },
      cors: { paths: ['/api/x'] },
      debugProbes: [{ path: '/boom' }],
      ratelimit: { api: { method: 'GET', path: '/api/y', limit: 5 } },
    });
    expect(set.cors.paths).toEqual(['/api/x']);
    expect(set.debugProbes).toEqual([{ method: 'GET', path: '/boom' }]);
    expect(set.ratelimit.api).toMatchObject({ path: '/api/y', limit: 5 });
  });

  it('rejects unknown keys, passwords in the file and paths without a leading slash', () => {
    expect(SmokeConfig.safeParse({ logn: {} }).success).toBe(false);
    expect(SmokeConfig.safeParse({ accounts: [{ role: 'client', email: 'a@b.c', password: 'hunter2' }] }).success).toBe(
      false,
    );
    expect(
      SmokeConfig.safeParse({ accounts: [{ role: 'client', email: 'a@b.c', passwordEnv: 'hunter2' }] }).success,
    ).toBe(false);
    expect(SmokeConfig.safeParse({ login: { path: 'api/login' } }).success).toBe(false);
    expect(SmokeConfig.safeParse({ login: { token: { from: 'query', name: 'x' } } }).success).toBe(false);
    expect(SmokeConfig.safeParse({ mailbox: { kind: 'mailpit' } }).success).toBe(false);
  });

  it('parses every mailbox kind', () => {
    for (const mailbox of [
      { kind: 'smtp-sink', host: '0.0.0.0', port: 2525 },
      { kind: 'mailpit', url: 'http://127.0.0.1:8025' },
      { kind: 'mailhog', url: 'http://127.0.0.1:8025' },
      { kind: 'maildir', path: 'var/mail/qa' },
      { kind: 'eml-dir', path: '/srv/app/sent-mail' },
    ])
      expect(SmokeConfig.parse({ mailbox }).mailbox).toEqual(mailbox);
  });

  it('names what is wrong with a mailbox or a pattern', () => {
    const issues = (input: Record<string, unknown>) => {
      const r = SmokeConfig.safeParse(input);
      return r.success ? [] : formatZodIssues(r.error, input);
    };
    expect(issues({ mailbox: { kind: 'mailhgo', url: 'http://127.0.0.1:8025' } })).toEqual([
      `mailbox.kind: Invalid discriminator value. Expected 'smtp-sink' | 'mailpit' | 'mailhog' | 'maildir' | 'eml-dir' (received: "mailhgo")`,
    ]);
    expect(issues({ mailbox: { kind: 'smtp-sink', port: 70000 } })).toEqual([
      'mailbox.port: Too big: expected number to be <=65535 (received: 70000)',
    ]);
    expect(issues({ mailbox: { kind: 'maildir', url: 'http://x' } })[0]).toMatch(/^mailbox/);
    expect(issues({ mailbox: { kind: 'smtp-sink', port: 2525, apiUrl: 'http://127.0.0.1:8025' } })[0]).toMatch(
      /^mailbox: apiUrl names a sink that is already running; host and port are for the sink gonogo starts/,
    );
    expect(issues({ verifyEmail: { mode: 'post', tokenPattern: 'code is (\\d{6}' } })).toEqual([
      'verifyEmail.tokenPattern: a valid regular expression (JavaScript syntax) (received: "code is (\\\\d{6}")',
    ]);
    expect(issues({ verifyEmail: { mode: 'post', tokenPattern: 'code is (\\d{6})' } })).toEqual([]);
  });
});

describe('smoke.roles against the accounts', () => {
  const flow = {
    steps: [
      {
        name: 'create',
        role: 'create',
        path: '/orders',
        capture: { order_id: { from: 'body', path: 'id' }, payment_id: { from: 'body', path: 'payment_id' } },
      },
      { name: 'paid', role: 'confirm-payment', event: { preset: 'payment_intent.succeeded' } },
      { name: 'ship', role: 'fulfil', as: 'counterparty', path: '/orders/{{order_id}}/ship' },
      { name: 'release', role: 'release', path: '/orders/{{order_id}}/release' },
    ],
    order: {
      get: { method: 'GET', path: '/orders/{{order_id}}' },
      update: { method: 'PATCH', path: '/orders/{{order_id}}' },
    },
  };
  const accounts = [
    { role: 'buyer', email: 'b@x.test', passwordEnv: 'B_PW' },
    { role: 'seller', email: 's@x.test', passwordEnv: 'S_PW' },
  ];

  it("refuses a counterparty role no account has when a flow step is the counterparty's, naming smoke.roles", () => {
    const r = SmokeConfig.safeParse({ accounts, escrow: flow });
    expect(r.success).toBe(false);
    expect(formatZodIssues(r.error!)).toEqual([
      `roles.counterparty: is "manufacturer", but no smoke.accounts entry has that role (theirs: buyer, seller), and the escrow step "ship" is sent by the counterparty: set smoke.roles to your platform's role names`,
    ]);
  });

  it("accepts the platform's own names, and a flow no counterparty sends", () => {
    expect(
      SmokeConfig.safeParse({ accounts, escrow: flow, roles: { owner: 'buyer', counterparty: 'seller' } }).success,
    ).toBe(true);
    const ownerOnly = { ...flow, steps: flow.steps.map(({ as: _, ...step }) => step) };
    expect(SmokeConfig.safeParse({ accounts, escrow: ownerOnly }).success).toBe(true);
  });
});
