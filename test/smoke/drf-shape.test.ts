import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import { startMailSink, type MailSink } from '../../core/mail/sink.ts';
import { runSmoke } from '../../smoke/index.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { parseKpiText } from '../../config/kpis.ts';
import type { SuiteOutput } from '../../config/suite.ts';

const DJANGO_404 = new URL('./fixtures/debug/django-404.html', import.meta.url);

/**
 * A platform shaped like Django REST Framework with simplejwt's blacklist: a strict registration serializer
 * that answers 400 to any field it does not know, token pairs named access/refresh, refresh and logout
 * that take {"refresh": ...} in the body, trailing slashes, and DEBUG=True's 404 page.
 */
async function startDrfPlatform(smtp: { host: string; port: number }): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  const debug404 = await readFile(DJANGO_404, 'utf8');
  const users = new Map<string, { password: string; verified: boolean }>();
  const codes = new Map<string, string>();
  const access = new Map<string, string>();
  const refresh = new Map<string, { email: string; access: string }>();
  const mailer = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
  let base = '';
  const bearer = (h: string | undefined) => (h?.startsWith('Bearer ') ? access.get(h.slice(7)) : undefined);
  const pair = (email: string) => {
    const a = randomBytes(16).toString('hex');
    const r = randomBytes(16).toString('hex');
    access.set(a, email);
    refresh.set(r, { email, access: a });
    return { access: a, refresh: r };
  };

  app.post('/api/auth/register/', async (req, reply) => {
    const body = req.body as Record<string, unknown>;
    const unknown = Object.keys(body).filter((k) => !['email', 'password', 'full_name'].includes(k));
    if (unknown.length)
      return reply.code(400).send(Object.fromEntries(unknown.map((k) => [k, ['This field is not allowed.']])));
    const email = String(body.email ?? '');
    const password = String(body.password ?? '');
    if (
      password.length < 12 ||
      !/[A-Z]/.test(password) ||
      !/[a-z]/.test(password) ||
      !/\d/.test(password) ||
      !/[^A-Za-z0-9]/.test(password)
    )
      return reply.code(400).send({ password: ['This password is too weak.'] });
    if (users.has(email)) return reply.code(400).send({ email: ['user with this email already exists.'] });
    users.set(email, { password, verified: false });
    const code = randomBytes(16).toString('hex');
    codes.set(code, email);
    await mailer.sendMail({
      from: 'noreply@drf.test',
      to: email,
      subject: 'Verify',
      text: `Verify: ${base}/api/auth/verify/?token=${code}`,
    });
    return reply.code(201).send({ email, role: 'client', is_active: true, is_staff: false });
  });
  app.get('/api/auth/verify/', async (req, reply) => {
    const token = (req.query as { token?: string }).token ?? '';
    const email = codes.get(token);
    if (!email) return reply.code(400).send({ detail: 'Invalid token.' });
    codes.delete(token);
    users.get(email)!.verified = true;
    return { detail: 'verified' };
  });
  app.post('/api/auth/login/', async (req, reply) => {
    const { email, password } = req.body as { email?: string; password?: string };
    const u = email ? users.get(email) : undefined;
    if (!u || u.password !== password || !u.verified)
      return reply.code(401).send({ detail: 'No active account found with the given credentials' });
    return pair(email!);
  });
  app.post('/api/auth/refresh/', async (req, reply) => {
    const r = refresh.get(String((req.body as { refresh?: string }).refresh ?? ''));
    if (!r) return reply.code(401).send({ detail: 'Token is blacklisted', code: 'token_not_valid' });
    refresh.delete(String((req.body as { refresh: string }).refresh));
    return pair(r.email);
  });
  app.post('/api/auth/logout/', async (req, reply) => {
    const token = (req.body as { refresh?: string } | undefined)?.refresh;
    if (!token) return reply.code(400).send({ refresh: ['This field is required.'] });
    const r = refresh.get(token);
    if (!r) return reply.code(401).send({ detail: 'Token is blacklisted' });
    refresh.delete(token);
    access.delete(r.access);
    return reply.code(205).send();
  });
  app.get('/api/auth/me/', async (req, reply) => {
    const email = bearer(req.headers.authorization);
    return email
      ? { email, role: 'client', is_active: true, is_staff: false }
      : reply.code(401).send({ detail: 'Authentication credentials were not provided.' });
  });
  app.get('/health/', async () => ({ status: 'ok' }));
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/html; charset=utf-8').send(debug404));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: base };
}

describe('the smoke vocabulary on a Django REST Framework shaped platform', () => {
  let sink: MailSink;
  let drf: Awaited<ReturnType<typeof startDrfPlatform>>;
  let out: SuiteOutput;

  beforeAll(async () => {
    sink = await startMailSink({ host: '127.0.0.1' });
    drf = await startDrfPlatform(sink.smtp);
    const config = ConfigSchema.parse({
      target: { baseUrl: drf.url },
      smoke: {
        login: {
          path: '/api/auth/login/',
          token: { from: 'body', path: 'access' },
          refreshToken: { from: 'body', path: 'refresh' },
        },
        register: { path: '/api/auth/register/' },
        verifyEmail: { mode: 'link', linkPattern: 'verify' },
        refresh: { path: '/api/auth/refresh/', body: { refresh: '{{refresh_token}}' } },
        logout: { path: '/api/auth/logout/', body: { refresh: '{{refresh_token}}' } },
        me: { method: 'GET', path: '/api/auth/me/' },
        health: { routes: ['/health/'] },
        mailbox: { kind: 'smtp-sink', apiUrl: sink.apiUrl },
        browser: { enabled: false },
        demoAttemptsMax: 3,
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
      outDir: await mkdtemp(join(tmpdir(), 'gonogo-smoke-drf-')),
      signal: new AbortController().signal,
      progress: () => {},
      load: { vus: 1, duration: '1s', engine: 'auto' },
      secrets: new Set(),
    });
  }, 240_000);

  afterAll(async () => {
    await drf?.app.close();
    await sink?.stop();
  });

  const result = (id: string) => out.checks.find((c) => c.id === id)!;

  it('passes mass assignment when a strict serializer refuses each privileged field alone and accepts the same registration without them', () => {
    const c = result('auth.mass-assignment');
    expect(c.status).toBe('pass');
    // 11 fields refused: halved down to each alone (21 registrations), plus the plain one.
    expect(c.evidence.actual).toBe('0 taken, 11 refused, 0 unjudged, 0 ignored in 22 registrations');
    expect(c.evidence.details?.fields).toEqual(
      expect.arrayContaining([
        { field: 'role', value: 'admin', outcome: 'refused', status: 400 },
        { field: 'balance', value: 1_000_000, outcome: 'refused', status: 400 },
      ]),
    );
  });

  it('logs out and refreshes with the refresh token in the body, as a token blacklist needs', () => {
    expect([result('auth.logout-revokes').status, result('auth.logout-revokes').evidence.message]).toEqual([
      'pass',
      undefined,
    ]);
    expect(result('auth.refresh-rotation').status).toBe('pass');
  });

  it("recognises Django's DEBUG=True page with its curly apostrophe", () => {
    expect(result('config.debug-off').status).toBe('fail');
    expect(result('config.debug-off').evidence.message).toContain('Django debug page');
    expect(result('config.debug-off').evidence.message).toContain('Django URL listing');
  });

  it('skips the browser checks when the config turns them off; the demo probe cut short by its attempt cap is warn, never pass', () => {
    for (const id of ['browser.login-page', 'browser.login-flow', 'browser.cookies']) {
      expect([id, result(id).status, result(id).evidence.message]).toEqual([
        id,
        'skip',
        'browser checks disabled in config (smoke.browser.enabled: false); a platform without pages declares them in notApplicable',
      ]);
    }
    const demo = result('auth.no-demo-accounts');
    expect(demo.status).toBe('warn');
    expect(demo.evidence.details?.tried).toEqual([
      'admin@example.com / password',
      'user@example.com / password',
      'test@example.com / password',
    ]);
    expect(String(demo.evidence.details?.notTried)).toMatch(
      /^52 pairs not tried \(smoke\.demoAttemptsMax \(3\) was reached\): demo@example\.com: password, 123456, password123, admin, demo; admin@admin\.com: password, /,
    );
  });
});
