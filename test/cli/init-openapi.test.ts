import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gonogo as run } from '../helpers/cli.ts';
import { loadConfigFile, loadConfigWithoutSecrets } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { DIALECT_NAMES, DIALECTS } from '../../reference-app/dialects.ts';
import { openApiDocument } from '../../reference-app/openapi.ts';
import { exampleConfigFile } from '../../reference-app/example-env.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/openapi');
const tmp = () => mkdtempSync(join(tmpdir(), 'gonogo-init-openapi-'));

/** Every variable .env.example lists, with a stand-in value: the draft must load with exactly these. */
function envOf(dir: string): Record<string, string> {
  const lines = readFileSync(join(dir, '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z0-9_]+=/.test(l));
  // A listed variable has no value: .env.example names secrets, it never holds one.
  for (const l of lines) expect(l).toMatch(/^[A-Z0-9_]+=$/);
  return Object.fromEntries(
    lines
      .map((l) => l.slice(0, -1))
      .filter((n) => !['GONOGO_BASE_URL', 'GONOGO_CA_FILE'].includes(n))
      .map((n) => [n, `stand-in-${n.length}`]),
  );
}

/** Drafts from a document file and loads the draft as `gonogo run --config` does (smoke secrets from .env.example's names). */
async function draft(
  doc: string,
  extra: string[] = [],
): Promise<{ dir: string; text: string; config: Config; out: string }> {
  const dir = tmp();
  const r = await run(['init', '--from-openapi', doc, '--dir', dir, ...extra]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const loaded = await loadConfigFile(join(dir, 'gonogo.config.ts'), { ...process.env, ...envOf(dir) }, ['smoke']);
  return { dir, text: readFileSync(join(dir, 'gonogo.config.ts'), 'utf8'), config: loaded.config, out: r.out };
}

/** What the auth mapping is, field by field (the register's extra fields by name: their text is the team's). */
function authOf(c: Config) {
  const s = c.smoke;
  return {
    login: s.login,
    register: { ...s.register, extraFields: Object.keys(s.register.extraFields).sort() },
    refresh: s.refresh,
    logout: s.logout,
    me: s.me,
    roles: s.roles,
  };
}

/** The flow's shape: who sends what to which route, what it captures, how the order is read. */
function flowOf(c: Config) {
  const e = c.smoke.escrow;
  return {
    steps: (e.steps ?? []).map((s) => ({
      role: s.role,
      as: s.as,
      method: s.method,
      path: s.path,
      forEach: s.forEach,
      capture: Object.keys(s.capture).sort(),
      preset: s.event?.preset,
    })),
    currency: e.currency,
    order: {
      get: e.order.get,
      update: e.order.update,
      statePath: e.order.statePath,
      states: e.order.states,
      paidAmountPath: e.order.paidAmountPath,
      paidAmountUnit: e.order.paidAmountUnit,
    },
    webhook: c.smoke.webhook.path,
  };
}

describe("gonogo init --from-openapi on each reference dialect's document", () => {
  it.each(DIALECT_NAMES)(
    "%s: the draft loads and maps auth, roles and the flow as the dialect's example config does",
    async (name) => {
      const file = join(tmp(), 'openapi.json');
      writeFileSync(file, JSON.stringify(openApiDocument('https://127.0.0.1:8443', DIALECTS[name])));
      const { config, text, out, dir } = await draft(file);
      const example = await loadConfigWithoutSecrets(exampleConfigFile(name), {});
      expect(authOf(config)).toEqual(authOf(example));
      expect(flowOf(config)).toEqual(flowOf(example));
      // The DRF document says nothing about roles (permission classes are not documented): that one stays a TODO.
      if (name === 'drf') expect(text).toMatch(/TODO: roleRoutes/);
      else
        expect(config.smoke.roleRoutes).toEqual(
          Object.fromEntries(
            Object.entries(example.smoke.roleRoutes).map(([r, routes]) => [
              r,
              routes.map((x) => ({ ...x, method: 'GET' })),
            ]),
          ),
        );
      // The document itself for the sweep, by its path from the config file.
      expect(resolve(dir, config.smoke.openapi!)).toBe(file);
      // Each pick names its operation and why.
      expect(text).toMatch(
        new RegExp(`// login: POST ${DIALECTS[name].paths.login.replace(/\//g, '\\/')}.*score \\d+: `),
      );
      expect(out).toMatch(/TODO\(s\) in gonogo\.config\.ts|No TODO left/);
    },
  );
});

describe("the reference dialects' documents", () => {
  it.each(DIALECT_NAMES)(
    '%s: valid against the OpenAPI schema, and printed by gonogo reference --openapi',
    async (name) => {
      const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
      await SwaggerParser.validate(openApiDocument('https://127.0.0.1:8443', DIALECTS[name]) as never);
      const r = await run(['reference', '--openapi', '--dialect', name, '--base-url', 'https://staging.example.test/']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual(openApiDocument('https://staging.example.test', DIALECTS[name]));
    },
  );
});

describe('gonogo init --from-openapi on other documents', () => {
  it('reads a Swagger 2 document: form login, a nested token, an API key header, the basePath', async () => {
    const { config, text } = await draft(join(FIXTURES, 'swagger2-shop.yaml'));
    expect(config.target.baseUrl).toBe('https://shop.example.test/v1');
    expect(config.smoke.login).toMatchObject({
      method: 'POST',
      path: '/sessions',
      encoding: 'form',
      emailField: 'login',
      passwordField: 'passwd',
      token: { from: 'body', path: 'data.token' },
      send: { as: 'header', name: 'X-Auth-Token', prefix: '' },
    });
    expect(config.smoke.register).toMatchObject({
      path: '/accounts',
      emailField: 'email',
      passwordField: 'password',
      extraFields: { display_name: 'gonogo {{name}}', country: 'US' },
    });
    expect(config.smoke.me).toEqual({ method: 'GET', path: '/accounts/self' });
    // No refresh or logout route: logout gets a placeholder with a TODO; refresh, needed only with a refresh token, no path.
    expect(text).toMatch(/TODO: no operation of the document looks like logout.*placeholder/);
    expect(text).toMatch(/refresh: .*no path written/);
    expect(config.smoke.refresh.path).toBeUndefined();
    expect(text).toMatch(/TODO: no operation creates an order/);
  });

  it("keeps the document's server path under --target", async () => {
    const { config } = await draft(join(FIXTURES, 'swagger2-shop.yaml'), ['--target', 'https://127.0.0.1:9443']);
    expect(config.target.baseUrl).toBe('https://127.0.0.1:9443/v1');
  });

  it('makes an ambiguous login a TODO that names both candidates, and never writes a secret', async () => {
    const { config, text, dir } = await draft(join(FIXTURES, 'ambiguous-login.json'));
    expect(text).toMatch(
      /TODO: ambiguous: POST \/(api|admin-panel)\/login score close to POST \/(api|admin-panel)\/login; check which one is login/,
    );
    expect(['/api/login', '/admin-panel/login']).toContain(config.smoke.login.path);
    // The document's example values (a password, a token) appear nowhere; accounts name environment variables.
    for (const f of readdirSync(dir))
      expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/Hunter2|eyJhbGci|qa@example\.test/);
    expect(config.smoke.accounts.map((a) => a.passwordEnv)).toEqual([
      'GONOGO_CLIENT_PASSWORD',
      'GONOGO_MANUFACTURER_PASSWORD',
      'GONOGO_ADMIN_PASSWORD',
    ]);
  });

  it('recognises operations with the words of --vocabulary, not with words in its code', async () => {
    const dir = tmp();
    const vocab = readFileSync(
      join(import.meta.dirname, '../../config/defaults/openapi-vocabulary.yaml'),
      'utf8',
    ).replace(/( {2}login:\n {4}methods: \[POST\]\n {4}words: )\[[^\]]*\]/, '$1[anmelden]');
    writeFileSync(join(dir, 'vocab.yaml'), vocab);
    const doc = {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {
        '/konto/anmelden': { post: { responses: { 200: { description: 'ok' } } } },
        '/auth/login': { post: { responses: { 200: { description: 'ok' } } } },
      },
    };
    writeFileSync(join(dir, 'doc.json'), JSON.stringify(doc));
    expect((await draft(join(dir, 'doc.json'))).config.smoke.login.path).toBe('/auth/login');
    expect(
      (await draft(join(dir, 'doc.json'), ['--vocabulary', join(dir, 'vocab.yaml')])).config.smoke.login.path,
    ).toBe('/konto/anmelden');
  });

  it('fetches a document from loopback and refers to it by its path on the target', async () => {
    const body = JSON.stringify(openApiDocument('http://127.0.0.1:1', DIALECTS.fastapi));
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { config } = await draft(`${base}/openapi.json`, ['--target', base]);
      expect(config.target.baseUrl).toBe(base);
      expect(config.smoke.openapi).toBe('/openapi.json');
      expect(config.smoke.login.encoding).toBe('form');
    } finally {
      server.close();
    }
  });
});

describe('gonogo init --from-openapi refuses what it cannot read: exit 2, one paragraph, nothing written', () => {
  const bad = tmp();
  writeFileSync(join(bad, 'not-api.json'), '{"name": "a package.json, not an API"}');
  writeFileSync(join(bad, 'garbage.yaml'), 'openapi: [unclosed');
  writeFileSync(
    join(bad, 'broken-ref.json'),
    JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'x', version: '1' },
      paths: { '/a': { get: { responses: { 200: { $ref: '#/components/responses/Nope' } } } } },
    }),
  );
  it.each([
    ['a missing file', join(bad, 'nope.json'), /could not be read \(cannot read the OpenAPI document .*ENOENT\)/],
    ['a JSON file that is no API document', join(bad, 'not-api.json'), /no "openapi" or "swagger" version field/],
    ['text that is neither JSON nor YAML', join(bad, 'garbage.yaml'), /neither JSON nor YAML/],
    ['a $ref to nothing', join(bad, 'broken-ref.json'), /swagger-parser refused it/],
    [
      'a URL on a host that is neither loopback nor the target',
      'https://api.example.com/openapi.json',
      /api\.example\.com is neither loopback nor the target/,
    ],
  ])('%s', async (_what, source, message) => {
    const dir = join(tmp(), 'out');
    const r = await run(['init', '--from-openapi', source, '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });
});
