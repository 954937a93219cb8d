import { mkdtempSync, writeFileSync, copyFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { gonogo as run } from '../helpers/cli.ts';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';

const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;

function project(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-cfg-'));
  writeFileSync(join(dir, 'gonogo.config.ts'), config);
  copyFileSync(DEFAULT_KPI_FILE, join(dir, 'kpis.yaml'));
  return join(dir, 'gonogo.config.ts');
}

describe('config errors exit 2 naming the file and the dot-path', () => {
  it('a typo in a key', async () => {
    const file = project(`export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMS: 5000 } };\n`);
    const r = await run(['run', '--config', file, '--suite', 'security']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(file);
    expect(r.err).toMatch(/target: unknown key "timeoutMS"/);
  });

  it("a route left out: every key named in one paragraph, nothing started, never another platform's path", async () => {
    const routes = `login: { path: '/session' }, register: { path: '/signup' }, me: { path: '/whoami' }, health: { routes: ['/up'] }, browser: { enabled: false }`;
    const file = project(`export default { target: { baseUrl: 'https://127.0.0.1:9' }, smoke: { ${routes} } };\n`);
    const r = await run(['run', '--config', file, '--suite', 'smoke'], { GONOGO_WEBHOOK_SECRET: 'whsec_test' });
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `Config error in ${file}: smoke.logout.path: required (received: nothing): auth.logout-revokes logs out; gonogo guesses no route (docs/config.md, "Routes")`,
    );
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out + r.err).not.toMatch(/starting|\/api\/auth/);
    // The same config without the smoke suite asks for no smoke route.
    const security = await run(['run', '--config', file, '--suite', 'security', '--out', join(file, '..', 'out')]);
    expect(security.err).not.toContain('smoke.logout.path');
  });

  it('a wrong type, with the received value', async () => {
    const file = project(`export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: '5s' } };\n`);
    const r = await run(['run', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/target\.timeoutMs: .*expected number.*\(received: "5s"\)/);
  });

  it('a malformed base URL', async () => {
    const file = project(`export default { target: { baseUrl: 'staging.example.com' } };\n`);
    const r = await run(['run', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/target\.baseUrl: an absolute http\(s\) URL/);
  });

  it('a missing secret variable, named with where the config asks for it', async () => {
    const file = project(
      `export default { target: { baseUrl: 'https://127.0.0.1:9' }, smoke: { accounts: [{ role: 'client', email: 'qa@example.com', passwordEnv: 'GONOGO_TEST_UNSET_PW' }] } };\n`,
    );
    const r = await run(['run', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(file);
    expect(r.err).toMatch(/smoke\.accounts\[0\]\.passwordEnv: environment variable GONOGO_TEST_UNSET_PW is not set/);
  });

  it('a live payment key is refused', async () => {
    const { resolveSecrets } = await import('../../config/load.ts');
    expect(() =>
      resolveSecrets({ smoke: { webhookSecretEnv: 'K' } } as never, 'gonogo.config.ts', { K: 'sk_live_abc123' }),
    ).toThrow(/live Stripe key/);
  });

  it('a config file that does not load (syntax error) and one that does not exist', async () => {
    const broken = await run(['run', '--config', project('export default { target: { baseUrl: ')]);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/could not be loaded/);
    const missing = await run(['run', '--config', '/nonexistent/gonogo.config.ts']);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toMatch(/no config file here; create one with `gonogo init`/);
  });

  it('a symlink loop is named as one, not as a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-cfg-'));
    symlinkSync(join(dir, 'b.ts'), join(dir, 'a.ts'));
    symlinkSync(join(dir, 'a.ts'), join(dir, 'b.ts'));
    const r = await run(['run', '--config', join(dir, 'a.ts')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/symbolic link that loops back on itself \(ELOOP\)/);
    expect(r.err).not.toMatch(/no config file here|at .*\.js:\d+/);
  });

  it('unknown suite, engine or flaw and bad numbers are usage errors', async () => {
    for (const argv of [
      ['--suite', 'smoke,perf'],
      ['--engine', 'jmeter'],
      ['--vus', '0'],
      ['--duration', '5 minutes'],
      ['--flaws', 'no-such-flaw'],
    ]) {
      const r = await run(['run', '--reference', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/^Usage error: --/);
    }
  });

  it('prints one paragraph and no stack trace from the real binary', async () => {
    const file = project(`export default { target: { baseUrl: 'https://127.0.0.1:9', extra: 1 } };\n`);
    const r = await execa('node', [BIN, 'run', '--config', file], { reject: false, env: { GONOGO_DEBUG: '' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(r.stdout).toBe('');
  });
});

describe('a renamed key is refused with the name it has now', () => {
  it.each([
    [
      'smoke.orders',
      `smoke: { orders: { create: { method: 'POST', path: '/api/orders' }, statusPath: 'state' } }`,
      /smoke\.orders: moved to smoke\.escrow: the payment flow is smoke\.escrow\.steps/,
    ],
    [
      'smoke.webhook.event',
      `smoke: { webhook: { event: { type: 'payment_intent.succeeded' } } }`,
      /smoke\.webhook\.event: moved to the confirm-payment step of smoke\.escrow\.steps/,
    ],
    [
      'smoke.escrow.counterpartyRole',
      `smoke: { escrow: { counterpartyRole: 'seller' } }`,
      /smoke\.escrow\.counterpartyRole: moved to smoke\.roles\.counterparty/,
    ],
    ['smoke.adminRole', `smoke: { adminRole: 'root' }`, /smoke\.adminRole: moved to smoke\.roles\.admin/],
    [
      'smoke.register.defaultRole',
      `smoke: { register: { defaultRole: 'member' } }`,
      /smoke\.register\.defaultRole: moved to smoke\.roles\.owner/,
    ],
  ])('%s', async (_key, section, message) => {
    const file = project(`export default { target: { baseUrl: 'https://127.0.0.1:9' }, ${section} };\n`);
    const r = await run(['run', '--config', file, '--suite', 'smoke']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(file);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/typo/);
  });
});
