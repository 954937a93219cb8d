import { describe, expect, it } from 'vitest';
import { SmokeConfig } from '../../smoke/config.ts';
import { ConfigSchema } from '../../config/schema.ts';

describe('SmokeConfig', () => {
  it('parses {} into a complete mapping with defaults', () => {
    const c = SmokeConfig.parse({});
    expect(c.login).toMatchObject({ path: '/api/auth/login', encoding: 'json', token: { from: 'body', path: 'access_token' }, send: { as: 'bearer' } });
    expect(c.mailbox).toEqual({ kind: 'smtp-sink' });
    expect(c.browser.executablePath).toBe('/usr/bin/chromium');
    expect(c.weakSecrets).toEqual([]);
    expect(c.weakSecretsFile).toBeUndefined();
    expect(ConfigSchema.parse({ target: { baseUrl: 'https://staging.example.com' } }).smoke.login.path).toBe('/api/auth/login');
  });

  it('maps a form-encoded login with the token in a cookie and a Mailpit mailbox', () => {
    const c = SmokeConfig.parse({
      login: { path: '/session', encoding: 'form', emailField: 'username', token: { from: 'cookie', name: 'sid' }, send: { as: 'cookie', name: 'sid' } },
      mailbox: { kind: 'mailpit', url: 'http://127.0.0.1:8025' },
      accounts: [{ role: 'client', email: 'qa@example.com', passwordEnv: 'QA_CLIENT_PASSWORD' }],
    });
    expect(c.login.token).toEqual({ from: 'cookie', name: 'sid' });
    expect(c.login.method).toBe('POST');
    expect(c.mailbox).toEqual({ kind: 'mailpit', url: 'http://127.0.0.1:8025' });
  });

  it('rejects unknown keys, passwords in the file and paths without a leading slash', () => {
    expect(SmokeConfig.safeParse({ logn: {} }).success).toBe(false);
    expect(SmokeConfig.safeParse({ accounts: [{ role: 'client', email: 'a@b.c', password: 'hunter2' }] }).success).toBe(false);
    expect(SmokeConfig.safeParse({ accounts: [{ role: 'client', email: 'a@b.c', passwordEnv: 'hunter2' }] }).success).toBe(false);
    expect(SmokeConfig.safeParse({ login: { path: 'api/login' } }).success).toBe(false);
    expect(SmokeConfig.safeParse({ login: { token: { from: 'header', name: 'x' } } }).success).toBe(false);
    expect(SmokeConfig.safeParse({ mailbox: { kind: 'mailpit' } }).success).toBe(false);
  });
});
