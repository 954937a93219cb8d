import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SmokeConfig } from '../../smoke/config.ts';
import { DEFAULT_DEBUG_SIGNATURES, DEFAULT_MASS_ASSIGNMENT_FIELDS } from '../../smoke/vocab.ts';
import { debugFieldsIn, debugFindings, signatureMatchers } from '../../smoke/lib/debug.ts';
import { parseWordlist, weakSecretList } from '../../smoke/lib/wordlist.ts';
import { assignedFields, privilegedFields } from '../../smoke/lib/mass-assignment.ts';
import { placeholders } from '../../core/template.ts';
import { ROUTES } from '../helpers/routes.ts';

const FIXTURES = new URL('./fixtures/debug/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const defaults = SmokeConfig.parse({});
const findings = (text: string, json?: unknown) =>
  debugFindings(text, json, signatureMatchers(defaults.debugSignatures), defaults.debugFields);

describe('debug signatures', () => {
  it('recognise the real debug output of Django, Starlette, Werkzeug, Express, Rails and Spring', () => {
    expect(findings(fixture('django-500.html'))).toEqual(
      expect.arrayContaining(['Django debug page', 'Django version banner', 'Python traceback']),
    );
    expect(findings(fixture('django-404.html'))).toEqual(
      expect.arrayContaining(['Django debug page', 'Django URL listing']),
    );
    expect(findings(fixture('django-500.txt'))).toEqual(
      expect.arrayContaining(['Django debug page', 'Python traceback']),
    );
    expect(findings(fixture('starlette-500.html'))).toEqual(
      expect.arrayContaining(['Starlette debugger', 'Starlette traceback frame']),
    );
    expect(findings(fixture('starlette-500.txt'))).toEqual(
      expect.arrayContaining(['Python traceback', 'Python frame', 'Python install path']),
    );
    expect(findings(fixture('werkzeug-500.html'))).toContain('Werkzeug debugger');
    expect(findings(fixture('express-500.html'))).toEqual(
      expect.arrayContaining(['Express stack frame', 'Node install path']),
    );
    expect(findings(fixture('rails-500.html'))).toEqual(['Rails debug page']);
    expect(findings(fixture('spring-500.html'))).toEqual(['Spring Whitelabel error page']);
  });

  it('find nothing in the same frameworks in production mode, nor in plain JSON errors', () => {
    for (const f of readdirSync(FIXTURES).filter((n) => n.includes('-prod-')))
      expect([f, findings(fixture(f))]).toEqual([f, []]);
    expect(findings(fixture('express-404.html'))).toEqual([]);
    expect(findings('{"detail":"Not found."}', { detail: 'Not found.' })).toEqual([]);
    expect(
      findings('{"detail":[{"loc":["body","email"],"msg":"field required"}]}', {
        detail: [{ loc: ['body', 'email'], msg: 'field required' }],
      }),
    ).toEqual([]);
  });

  it('flag stack-shaped JSON fields at any depth, and not a flag or a one-line value', () => {
    const body = {
      detail: 'boom',
      error: { stack: ['Error: boom', '    at handler (/srv/app/server.js:1:1)'] },
      trace: 'id-123',
      debug: false,
    };
    expect(debugFieldsIn(body, defaults.debugFields)).toEqual(['error.stack']);
    expect(
      debugFieldsIn(
        {
          exception: 'java.lang.IllegalStateException',
          trace: 'java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)',
        },
        defaults.debugFields,
      ),
    ).toEqual(['trace']);
    expect(
      debugFieldsIn({ message: 'x', file: 'a.php', trace: [{ file: 'a.php', line: 1 }] }, defaults.debugFields),
    ).toEqual(['trace']);
  });

  it('are data: a config list replaces the default, extends it with the exported default, and a bad regex is a config error', () => {
    const mine = SmokeConfig.parse({
      debugSignatures: [...DEFAULT_DEBUG_SIGNATURES, { name: 'our framework', text: 'ACME-TRACE' }],
    });
    expect(debugFindings('ACME-TRACE 42', undefined, signatureMatchers(mine.debugSignatures), [])).toEqual([
      'our framework',
    ]);
    const only = SmokeConfig.parse({ debugSignatures: [{ name: 'x', pattern: 'boom\\d', flags: 'i' }] });
    expect(debugFindings(fixture('django-500.html'), undefined, signatureMatchers(only.debugSignatures), [])).toEqual(
      [],
    );
    const bad = SmokeConfig.safeParse({ debugSignatures: [{ name: 'x', pattern: '(' }] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['debugSignatures', 0, 'pattern']);
  });
});

describe('weak secrets', () => {
  it('ship a wordlist of framework placeholders and common passwords, extended by smoke.weakSecrets', () => {
    const list = weakSecretList(defaults);
    expect(list.length).toBeGreaterThan(1000);
    expect(list).toEqual(
      expect.arrayContaining([
        'secret',
        'your-256-bit-secret',
        'shhhhh',
        'keyboard cat',
        'SECRET',
        'changeit',
        '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7',
        'super-secret-jwt-token-with-at-least-32-characters-long',
        '123456',
        'qwerty',
      ]),
    );
    expect(list.some((s) => s.startsWith('#') || s === '')).toBe(false);
    expect(weakSecretList({ ...defaults, weakSecrets: ['our-old-staging-key'] })).toContain('our-old-staging-key');
  });

  it('reads a replacement file exactly: spaces kept, comments and blank lines skipped', () => {
    expect(parseWordlist('# ours\r\nalpha\r\n\r\nkeyboard cat\n')).toEqual(['alpha', 'keyboard cat']);
    const file = new URL('./fixtures/weak-secrets-replacement.txt', import.meta.url).pathname;
    expect(weakSecretList({ weakSecrets: ['extra'], weakSecretsFile: file })).toEqual([
      'team-secret-1',
      'team secret 2',
      'extra',
    ]);
  });
});

describe('mass assignment', () => {
  it('sends the default privileged fields with escalating values and the configured role claim', () => {
    const f = privilegedFields(SmokeConfig.parse({ roleClaim: 'user_type', roles: { admin: 'superadmin' } }));
    expect(Object.keys(f)).toEqual([...Object.keys(DEFAULT_MASS_ASSIGNMENT_FIELDS), 'user_type']);
    expect(f).toMatchObject({
      role: 'superadmin',
      user_type: 'superadmin',
      is_staff: true,
      groups: ['superadmin'],
      balance: 1_000_000,
    });
    expect(Object.keys(privilegedFields(defaults))).toEqual(Object.keys(DEFAULT_MASS_ASSIGNMENT_FIELDS));
    expect(defaults.massAssignment).toMatchObject({ refusalStatuses: [400, 422], groupSize: 12, maxRegistrations: 24 });
  });

  it("sends a team's own list as written: the role claim joins only the default list", () => {
    const own = SmokeConfig.parse({
      roleClaim: 'user_type',
      roles: { admin: 'superadmin' },
      massAssignment: { fields: { is_verified: true, plan: '{{admin_role}}' } },
    });
    expect(privilegedFields(own)).toEqual({ is_verified: true, plan: 'superadmin' });
    expect(() => SmokeConfig.parse({ massAssignment: { maxRegistrations: 1 } })).toThrow();
  });

  it('flags a field only where the probe carries the sent value and the baseline account does not', () => {
    const sent = privilegedFields(defaults);
    // Django: every account is active; the probe took is_staff and a balance (DRF renders decimals as text).
    const probe = {
      user: { id: 7, is_active: true, is_staff: true, role: 'client', balance: '1000000.00', groups: ['admin'] },
    };
    const base = { user: { id: 8, is_active: true, is_staff: false, role: 'client', balance: '0.00', groups: [] } };
    expect(assignedFields(probe, base, sent)).toEqual(['is_staff', 'groups', 'balance']);
    expect(assignedFields(base, base, sent)).toEqual([]);
    expect(
      assignedFields({ id: 1, is_verified: true, role: 'ADMIN' }, { id: 2, is_verified: false, role: 'client' }, sent),
    ).toEqual(['role', 'is_verified']);
  });
});

describe('demo credentials', () => {
  it("default to the team's own lists (empty) extended by the shipped ones, with no hand-set attempt budget", () => {
    expect(defaults).toMatchObject({ demoAccounts: [], demoPasswords: [], demoDefaults: true });
    expect(defaults.demoAttemptsMax).toBeUndefined();
    expect(defaults.demoWaitS).toBeUndefined();
  });
});

describe('roles, session bodies and the browser switch', () => {
  it('map free role names onto the abstract roles, and name the new place of the old keys', () => {
    expect(defaults.roles).toEqual({ owner: 'client', counterparty: 'manufacturer', admin: 'admin' });
    expect(SmokeConfig.parse({ roles: { owner: 'buyer', counterparty: 'seller' } }).roles).toEqual({
      owner: 'buyer',
      counterparty: 'seller',
      admin: 'admin',
    });
    const old = SmokeConfig.safeParse({ register: { defaultRole: 'member' }, adminRole: 'root' });
    expect(old.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'register.defaultRole: moved to smoke.roles.owner',
      'adminRole: moved to smoke.roles.admin',
    ]);
  });

  it('take logout and refresh body templates with the session tokens, and a browser off switch', () => {
    const c = SmokeConfig.parse({
      logout: { path: '/api/token/blacklist/', body: { refresh: '{{refresh_token}}' } },
      refresh: { body: { refresh: '{{refresh_token}}' } },
      browser: { enabled: false },
    });
    expect(c.logout).toEqual({
      method: 'POST',
      path: '/api/token/blacklist/',
      encoding: 'json',
      body: { refresh: '{{refresh_token}}' },
      revokes: ['access'],
    });
    expect([...placeholders(c.refresh.body)]).toEqual(['refresh_token']);
    expect(c.browser.enabled).toBe(false);
    expect(defaults.browser.enabled).toBe(true);
    expect(defaults.logout.body).toBeUndefined();
  });
});

describe('smoke.weakSecretsFile in a config file', () => {
  it('is resolved beside the config file, and a missing one is a config error before anything runs', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadConfigFile } = await import('../../config/load.ts');
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-wordlist-'));
    const write = (name: string, file: string) =>
      writeFile(
        join(dir, name),
        `export default { target: { baseUrl: 'http://127.0.0.1:9' }, smoke: { ...${JSON.stringify(ROUTES)}, weakSecretsFile: '${file}' } };\n`,
      );
    await write('missing.config.ts', './nope.txt');
    await expect(loadConfigFile(join(dir, 'missing.config.ts'), {}, ['smoke'])).rejects.toThrow(
      `smoke.weakSecretsFile: no readable file at ${join(dir, 'nope.txt')}`,
    );
    await writeFile(join(dir, 'ours.txt'), 'team-secret\n');
    await write('ok.config.ts', './ours.txt');
    expect(
      (await loadConfigFile(join(dir, 'ok.config.ts'), { GONOGO_WEBHOOK_SECRET: 'whsec_test' }, ['smoke'])).config.smoke
        .weakSecretsFile,
    ).toBe('./ours.txt');
  });
});
