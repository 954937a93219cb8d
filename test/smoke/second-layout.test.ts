import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import nodemailer from 'nodemailer';
import { startMailSink, type MailSink } from '../../core/mail/sink.ts';
import { runSmoke } from '../../smoke/index.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { parseKpiText } from '../../config/kpis.ts';
import type { SuiteOutput } from '../../config/suite.ts';

/**
 * A platform laid out nothing like the reference: form-encoded login at /session with `username`/`passwd`,
 * an opaque session token in the `sid` cookie, sign-up at /signup, activation links with `code=`,
 * logout by DELETE, the profile at /whoami. Only the config mapping tells gonogo about it.
 */
async function startOtherPlatform(smtp: {
  host: string;
  port: number;
}): Promise<{ app: FastifyInstance; url: string; adminPassword: string }> {
  const app = Fastify();
  await app.register(formbody);
  await app.register(cookie);
  const adminPassword = `Adm1n!${randomBytes(8).toString('hex')}`;
  const users = new Map<string, { password: string; role: string; active: boolean }>([
    ['boss@other.test', { password: adminPassword, role: 'admin', active: true }],
  ]);
  const codes = new Map<string, string>();
  const sessions = new Map<string, string>();
  const mailer = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
  let base = '';
  const who = (sid: string | undefined) => (sid ? sessions.get(sid) : undefined);

  app.post('/signup', async (req, reply) => {
    const { mail, pass } = req.body as { mail?: string; pass?: string };
    if (
      !mail ||
      !pass ||
      pass.length < 12 ||
      !/[A-Z]/.test(pass) ||
      !/[a-z]/.test(pass) ||
      !/\d/.test(pass) ||
      !/[^A-Za-z0-9]/.test(pass)
    )
      return reply.code(400).send({ error: 'weak' });
    if (users.has(mail)) return reply.code(409).send({ error: 'exists' });
    users.set(mail, { password: pass, role: 'member', active: false });
    const code = randomBytes(16).toString('hex');
    codes.set(code, mail);
    await mailer.sendMail({
      from: 'noreply@other.test',
      to: mail,
      subject: 'Activate',
      text: `Activate: ${base}/activate?code=${code}`,
    });
    return reply.code(201).send({ created: true });
  });
  app.get('/activate', async (req, reply) => {
    const mail = codes.get((req.query as { code?: string }).code ?? '');
    if (!mail) return reply.code(410).send({ error: 'gone' });
    codes.delete((req.query as { code: string }).code);
    users.get(mail)!.active = true;
    return { active: true };
  });
  app.post('/session', async (req, reply) => {
    const { username, passwd } = req.body as { username?: string; passwd?: string };
    const u = username ? users.get(username) : undefined;
    if (!u || u.password !== passwd || !u.active) return reply.code(401).send({ error: 'no' });
    const sid = randomBytes(24).toString('hex');
    sessions.set(sid, username!);
    return reply.setCookie('sid', sid, { path: '/', httpOnly: true, sameSite: 'strict' }).send({ ok: true });
  });
  app.delete('/session', async (req, reply) => {
    sessions.delete(req.cookies.sid ?? '');
    return reply.code(204).send();
  });
  app.get('/whoami', async (req, reply) => {
    const mail = who(req.cookies.sid);
    return mail ? { email: mail, role: users.get(mail)!.role } : reply.code(401).send({ error: 'no' });
  });
  app.get('/backoffice/users', async (req, reply) => {
    const mail = who(req.cookies.sid);
    if (!mail) return reply.code(401).send({ error: 'no' });
    return users.get(mail)!.role === 'admin' ? [...users.keys()] : reply.code(403).send({ error: 'forbidden' });
  });
  app.get('/healthz', async () => ({ ok: true }));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: base, adminPassword };
}

describe('the smoke mapping on a second route layout (form login, token in a cookie)', () => {
  let sink: MailSink;
  let other: Awaited<ReturnType<typeof startOtherPlatform>>;
  let out: SuiteOutput;

  beforeAll(async () => {
    sink = await startMailSink({ host: '127.0.0.1' });
    other = await startOtherPlatform(sink.smtp);
    process.env.GONOGO_TEST_OTHER_ADMIN = other.adminPassword;
    const config = ConfigSchema.parse({
      target: { baseUrl: other.url },
      smoke: {
        login: {
          path: '/session',
          encoding: 'form',
          emailField: 'username',
          passwordField: 'passwd',
          token: { from: 'cookie', name: 'sid' },
          send: { as: 'cookie', name: 'sid' },
        },
        register: { path: '/signup', emailField: 'mail', passwordField: 'pass', extraFields: {} },
        roles: { owner: 'member' },
        verifyEmail: { mode: 'link', linkPattern: 'activate', tokenPattern: 'code=([0-9a-f]+)' },
        logout: { method: 'DELETE', path: '/session' },
        me: { method: 'GET', path: '/whoami' },
        roleRoutes: { admin: [{ path: '/backoffice/users' }] },
        health: { routes: ['/healthz'] },
        mailbox: { kind: 'smtp-sink', apiUrl: sink.apiUrl },
        accounts: [{ role: 'admin', email: 'boss@other.test', passwordEnv: 'GONOGO_TEST_OTHER_ADMIN' }],
        // This platform's own seed address only: the shipped list would wait out its login limit for minutes, which this test is not about.
        demoAccounts: ['demo@other.test'],
        demoDefaults: false,
        browser: { executablePath: '/nonexistent/chromium', loginPage: '/login' },
      },
    });
    const kpis = parseKpiText(
      await readFile(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
      'kpis.yaml',
    );
    out = await runSmoke({
      config,
      configDir: process.cwd(),
      kpis,
      outDir: await mkdtemp(join(tmpdir(), 'gonogo-smoke-other-')),
      signal: new AbortController().signal,
      progress: () => {},
      load: { vus: 1, duration: '1s', engine: 'auto' },
      secrets: new Set([other.adminPassword]),
    });
  }, 180_000);

  afterAll(async () => {
    delete process.env.GONOGO_TEST_OTHER_ADMIN;
    await other?.app.close();
    await sink?.stop();
  });

  const status = (id: string) => out.checks.find((c) => c.id === id)?.status;

  it('logs in through a form and carries the cookie token', () => {
    expect(status('auth.login-roles')).toBe('pass');
  });

  it('registers, reads the activation mail with the configured pattern and verifies through the link', () => {
    expect(status('email.delivery')).toBe('pass');
    expect(status('email.unverified-blocked')).toBe('pass');
    expect(status('email.link-verifies')).toBe('pass');
    expect(status('email.token-single-use')).toBe('pass');
    expect(out.measurements.find((m) => m.metric === 'email_delivery_s')).toBeDefined();
  });

  it('runs the session checks over the mapped routes', () => {
    expect(status('auth.logout-revokes')).toBe('pass');
    expect(status('auth.login-uniform-failure')).toBe('pass');
    expect(status('auth.rbac')).toBe('pass');
    expect(status('health.routes')).toBe('pass');
  });

  it('skips with a reason what the platform does not have, and never passes a check it could not make', () => {
    expect(status('auth.token-expiry')).toBe('skip');
    expect(status('browser.login-page')).toBe('skip');
    expect(out.checks.find((c) => c.id === 'browser.login-page')!.evidence.message).toContain('/nonexistent/chromium');
    // No payment flow mapped for this platform: the escrow checks are skipped with the reason, never passed.
    expect(status('escrow.happy-path')).toBe('skip');
    expect(status('escrow.webhook-stale')).toBe('skip');
    expect(out.checks.find((c) => c.id === 'escrow.webhook-stale')!.evidence.message).toContain('smoke.escrow.steps');
  });

  it('says which kind each skip is: the opaque token makes the JWT forgeries not applicable, a missing mapping or browser does not', () => {
    const kind = (id: string) => out.checks.find((c) => c.id === id)?.skip;
    for (const id of ['auth.alg-none-rejected', 'auth.tampered-rejected', 'auth.weak-secret']) {
      expect(kind(id)).toEqual({
        kind: 'not-applicable',
        source: 'detected',
        reason: 'the access token is opaque, not a JWT: it has no header, claims or signature to forge',
      });
    }
    // An opaque token still has a lifetime: gonogo only cannot read it.
    expect(kind('auth.token-expiry')?.kind).toBe('could-not-run');
    expect(kind('browser.login-page')?.kind).toBe('could-not-run');
    expect(kind('escrow.happy-path')?.kind).toBe('not-configured');
    expect(kind('auth.openapi-sweep')?.kind).toBe('not-configured');
  });

  it('never stores the account password', () => {
    expect(JSON.stringify(out)).not.toContain(other.adminPassword);
  });
});
