import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpError, requireUser, type AppContext } from '../context.ts';
import { insertUser, userByEmail, userById } from '../db.ts';
import { hashPassword, passwordPolicyViolation, verifyPassword } from '../passwords.ts';
import { sha256, type TokenPair } from '../tokens.ts';

const VERIFY_TOKEN_LIFETIME_MS = 24 * 3_600_000;
const LOCKOUT_ATTEMPTS = 5;
const LOCKOUT_MS = 15 * 60_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function str(body: unknown, key: string): string {
  const v = (body as Record<string, unknown> | null)?.[key];
  return typeof v === 'string' ? v : '';
}

function setSession(reply: FastifyReply, pair: TokenPair, insecure: boolean): TokenPair {
  const flags = insecure ? {} : { secure: true, httpOnly: true, sameSite: 'strict' as const };
  reply.setCookie('access_token', pair.access_token, { ...flags, path: '/', maxAge: pair.expires_in });
  return pair;
}

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db, flaws, tokens } = ctx;

  app.post('/api/auth/register', async (req, reply) => {
    const email = str(req.body, 'email').trim().toLowerCase();
    const password = str(req.body, 'password');
    const fullName = str(req.body, 'full_name').trim() || email;
    if (!EMAIL.test(email)) throw new HttpError(422, 'A valid email is required');
    if (!password) throw new HttpError(422, 'A password is required');
    const violation = passwordPolicyViolation(password);
    if (violation && !flaws.has('weak-passwords')) throw new HttpError(422, violation);
    if (userByEmail(db, email)) throw new HttpError(409, 'Email already registered');

    const body = req.body as Record<string, unknown>;
    const mass = flaws.has('mass-assignment');
    const role = mass && (body.role === 'manufacturer' || body.role === 'admin') ? body.role : 'client';
    const verified = mass && body.is_verified === true;
    const id = insertUser(db, { email, passwordHash: await hashPassword(password), fullName, role, verified });

    const token = randomBytes(32).toString('base64url');
    db.prepare('INSERT INTO verification_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)').run(sha256(token), id, Date.now() + VERIFY_TOKEN_LIFETIME_MS);
    try {
      await ctx.mailer.sendVerification(email, `${ctx.baseUrl()}/api/auth/verify-email?token=${token}`);
    } catch {
      // The account exists either way; the user can ask again, and /health/ready reports the SMTP outage.
    }
    const out: Record<string, unknown> = { id, email, is_verified: verified, role };
    if (flaws.has('verification-token-exposed')) out.verification_token = token;
    return reply.status(201).send(out);
  });

  const verify = (token: string) => {
    const row = db.prepare('SELECT * FROM verification_tokens WHERE token_hash = ?').get(sha256(token)) as
      | { token_hash: string; user_id: number; expires_at: number; used_at: number | null } | undefined;
    const reusable = flaws.has('verification-token-reusable');
    if (!row || row.expires_at < Date.now() || (row.used_at !== null && !reusable)) throw new HttpError(400, 'Invalid or expired verification token');
    db.transaction(() => {
      db.prepare('UPDATE verification_tokens SET used_at = ? WHERE token_hash = ?').run(Date.now(), row.token_hash);
      db.prepare('UPDATE users SET is_verified = 1 WHERE id = ?').run(row.user_id);
    })();
    return { detail: 'Email verified' };
  };
  app.post('/api/auth/verify-email', async (req) => verify(str(req.body, 'token')));
  app.get('/api/auth/verify-email', async (req) => verify(str(req.query, 'token')));

  app.post('/api/auth/login', {
    config: {
      rateLimit: flaws.has('no-login-rate-limit') ? false : {
        max: 10, timeWindow: 60_000,
        keyGenerator: (req) => `login:${req.ip}:${str(req.body, 'email').trim().toLowerCase()}`,
      },
    },
  }, async (req, reply) => {
    const email = str(req.body, 'email').trim().toLowerCase();
    const password = str(req.body, 'password');
    const enumerable = flaws.has('user-enumeration');
    const user = email ? userByEmail(db, email) : undefined;
    if (!user) {
      await verifyPassword(password, ctx.dummyHash);
      throw enumerable ? new HttpError(404, 'No account with this email') : new HttpError(401, 'Invalid credentials');
    }
    const lockout = !flaws.has('no-lockout');
    const now = Date.now();
    if (lockout && user.locked_until > now) {
      throw new HttpError(423, 'Account locked after repeated failed logins', { 'Retry-After': String(Math.ceil((user.locked_until - now) / 1000)) });
    }
    if (!(await verifyPassword(password, user.password_hash))) {
      const failed = user.failed_logins + 1;
      if (lockout && failed >= LOCKOUT_ATTEMPTS) db.prepare('UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?').run(now + LOCKOUT_MS, user.id);
      else db.prepare('UPDATE users SET failed_logins = ? WHERE id = ?').run(failed, user.id);
      throw new HttpError(401, enumerable ? 'Incorrect password' : 'Invalid credentials');
    }
    db.prepare('UPDATE users SET failed_logins = 0 WHERE id = ?').run(user.id);
    if (!user.is_verified && !flaws.has('unverified-login')) throw new HttpError(403, 'Email not verified');
    return setSession(reply, await tokens.issue(user), flaws.has('insecure-cookies'));
  });

  app.post('/api/auth/refresh', async (req, reply) => {
    const pair = await tokens.rotate(str(req.body, 'refresh_token'), (id) => userById(db, id));
    if (!pair) throw new HttpError(401, 'Invalid refresh token');
    return setSession(reply, pair, flaws.has('insecure-cookies'));
  });

  app.post('/api/auth/logout', async (req, reply) => {
    const user = requireUser(req.user);
    if (!flaws.has('logout-no-revoke')) tokens.revoke(user);
    reply.clearCookie('access_token', { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
    return reply.status(204).send();
  });

  app.get('/api/auth/me', async (req) => {
    const p = requireUser(req.user);
    const u = userById(db, p.id);
    if (!u) throw new HttpError(401, 'Not authenticated');
    return { id: u.id, email: u.email, role: u.role, is_verified: u.is_verified === 1, full_name: u.full_name };
  });
}
