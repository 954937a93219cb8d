import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpError, requireUser, type AppContext } from '../context.ts';
import { insertUser, userByEmail, userById } from '../db.ts';
import { hashPassword, passwordPolicyViolation, verifyPassword } from '../passwords.ts';
import { sha256, type TokenPair } from '../tokens.ts';
import { roleOf } from '../dialects.ts';
import { decodeJwt } from 'jose';

const VERIFY_TOKEN_LIFETIME_MS = 24 * 3_600_000;
const LOCKOUT_ATTEMPTS = 5;
const LOCKOUT_MS = 15 * 60_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function str(body: unknown, key: string): string {
  const v = (body as Record<string, unknown> | null)?.[key];
  return typeof v === 'string' ? v : '';
}

function setSession(reply: FastifyReply, pair: TokenPair, insecure: boolean, crossSite: boolean): TokenPair {
  const flags = insecure
    ? {}
    : // `false` leaves SameSite out of the header (the cookie plugin's own default is Lax).
      { secure: true, httpOnly: true, sameSite: crossSite ? false : ('strict' as const) };
  reply.setCookie('access_token', pair.access_token, { ...flags, path: '/', maxAge: pair.expires_in });
  return pair;
}

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db, flaws, tokens, dialect } = ctx;
  const { paths, auth } = dialect;
  const invalid = (message: string, field: string) =>
    new HttpError(dialect.errors.validationStatus, message, {}, field);
  const f = auth.registerFields;

  app.post(paths.register, async (req, reply) => {
    const email = str(req.body, f.email).trim().toLowerCase();
    const password = str(req.body, f.password);
    const fullName = str(req.body, f.name).trim() || email;
    if (!EMAIL.test(email)) throw invalid('A valid email is required', f.email);
    if (!password) throw invalid('A password is required', f.password);
    const violation = passwordPolicyViolation(password);
    if (violation && !flaws.has('weak-passwords')) throw invalid(violation, f.password);
    if (userByEmail(db, email)) throw invalid('Email already registered', f.email);

    const body = req.body as Record<string, unknown>;
    const mass = flaws.has('mass-assignment');
    // Each stack has its own privileged fields: role names of the dialect, Django's is_staff, fastapi-users' is_superuser.
    const asked = roleOf(dialect, body.role);
    const role =
      mass && (asked === 'manufacturer' || asked === 'admin')
        ? asked
        : mass && (body.is_staff === true || body.is_superuser === true)
          ? 'admin'
          : 'client';
    // A serializer whose role is a choice field: any role but the self-registration one is refused, while is_verified is honoured.
    const choice = flaws.has('mass-assignment-choice-field');
    if (choice && body.role !== undefined && asked !== 'client')
      throw invalid(`"${String(body.role)}" is not a valid choice.`, 'role');
    const verified = (mass || choice) && (body.is_verified === true || body.email_verified === true);
    const id = insertUser(db, { email, passwordHash: await hashPassword(password), fullName, role, verified });

    const token = randomBytes(32).toString('base64url');
    db.prepare('INSERT INTO verification_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)').run(
      sha256(token),
      id,
      Date.now() + VERIFY_TOKEN_LIFETIME_MS,
    );
    try {
      const v = auth.verify;
      if (v.kind === 'link-query')
        await ctx.mailer.sendVerification(email, { link: `${ctx.baseUrl()}${paths.verify}?${v.param}=${token}` });
      else if (v.kind === 'post-key')
        await ctx.mailer.sendVerification(email, { link: `${ctx.baseUrl()}${v.linkPath}${token}/` });
      else await ctx.mailer.sendVerification(email, { code: token });
    } catch {
      // The account exists either way; the user can ask again, and /health/ready reports the SMTP outage.
    }
    const out: Record<string, unknown> = { id, email, is_verified: verified, role: dialect.roles[role] };
    if (flaws.has('verification-token-exposed'))
      out[auth.verify.kind === 'post-key' ? 'key' : 'verification_token'] = token;
    return reply.status(201).send(out);
  });

  const verify = (token: string) => {
    const row = db.prepare('SELECT * FROM verification_tokens WHERE token_hash = ?').get(sha256(token)) as
      | { token_hash: string; user_id: number; expires_at: number; used_at: number | null }
      | undefined;
    const reusable = flaws.has('verification-token-reusable');
    if (!row && flaws.has('verification-any-token')) return { detail: 'Email verified' };
    if (!row || row.expires_at < Date.now() || (row.used_at !== null && !reusable))
      throw new HttpError(400, 'Invalid or expired verification token');
    db.transaction(() => {
      db.prepare('UPDATE verification_tokens SET used_at = ? WHERE token_hash = ?').run(Date.now(), row.token_hash);
      db.prepare('UPDATE users SET is_verified = 1 WHERE id = ?').run(row.user_id);
    })();
    return { detail: 'Email verified' };
  };
  const v = auth.verify;
  if (v.kind === 'link-query') {
    app.post(paths.verify, async (req) => verify(str(req.body, v.param)));
    app.get(paths.verify, async (req) => verify(str(req.query, v.param)));
  } else {
    app.post(paths.verify, async (req) => verify(str(req.body, v.field)));
  }

  // Testing only: one login limit per address that no allowlist lifts (GONOGO_REFERENCE_LOGIN_LIMIT); `everyAddress` tells the dialects' own limiters.
  const testingLoginLimit = ctx.loginRateLimit
    ? {
        max: ctx.loginRateLimit.max,
        timeWindow: ctx.loginRateLimit.windowMs,
        keyGenerator: (req: { ip: string }) => `login:${req.ip}`,
        allowList: () => false,
        everyAddress: true,
      }
    : undefined;
  app.post(
    paths.login,
    {
      config: {
        rateLimit: flaws.has('no-login-rate-limit')
          ? false
          : (testingLoginLimit ?? {
              max: dialect.limits.login.max,
              timeWindow: ctx.limitWindowMs,
              keyGenerator: (req) =>
                dialect.limits.login.key === 'address'
                  ? `login:${req.ip}`
                  : `login:${req.ip}:${str(req.body, auth.loginEmailField).trim().toLowerCase()}`,
            }),
      },
    },
    async (req, reply) => {
      const email = str(req.body, auth.loginEmailField).trim().toLowerCase();
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
        throw new HttpError(423, 'Account locked after repeated failed logins', {
          'Retry-After': String(Math.ceil((user.locked_until - now) / 1000)),
        });
      }
      if (!(await verifyPassword(password, user.password_hash))) {
        const failed = user.failed_logins + 1;
        if (lockout && failed >= LOCKOUT_ATTEMPTS)
          db.prepare('UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?').run(
            now + LOCKOUT_MS,
            user.id,
          );
        else db.prepare('UPDATE users SET failed_logins = ? WHERE id = ?').run(failed, user.id);
        throw new HttpError(401, enumerable ? 'Incorrect password' : 'Invalid credentials');
      }
      db.prepare('UPDATE users SET failed_logins = 0 WHERE id = ?').run(user.id);
      if (!user.is_verified && !flaws.has('unverified-login')) throw new HttpError(403, 'Email not verified');
      return tokenBody(reply, await tokens.issue(user));
    },
  );

  /** The dialect's token response: field names, and the refresh token in the body or an HttpOnly cookie. */
  const tokenBody = (reply: FastifyReply, pair: TokenPair) => {
    if (auth.session) return sessionBody(reply, pair, auth.session);
    setSession(reply, pair, flaws.has('insecure-cookies'), flaws.has('auth-cookie-cross-site'));
    const out: Record<string, unknown> = {
      [auth.accessField]: pair.access_token,
      token_type: 'bearer',
      expires_in: pair.expires_in,
    };
    if (auth.refreshField) out[auth.refreshField] = pair.refresh_token;
    if (auth.refreshCookie)
      reply.setCookie(auth.refreshCookie, pair.refresh_token, {
        secure: true,
        httpOnly: true,
        sameSite: 'strict',
        path: paths.refresh,
      });
    return out;
  };

  /** Session auth: the credential only in its cookie, and a CSRF token bound to the new session (Django rotates it at login). */
  const sessionBody = (reply: FastifyReply, pair: TokenPair, s: NonNullable<typeof auth.session>) => {
    const jti = decodeJwt(pair.access_token).jti ?? '';
    reply.setCookie(s.cookie, pair.access_token, { ...sessionCookieFlags(), path: '/', maxAge: pair.expires_in });
    reply.setCookie(s.csrfCookie, ctx.csrf.forSession(jti), {
      secure: true,
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
    });
    return { detail: 'Signed in', expires_in: pair.expires_in };
  };
  // SESSION_COOKIE_SECURE, _HTTPONLY and _SAMESITE as a deployment sets them; the two flaws are the usual misconfigurations.
  const sessionCookieFlags = () =>
    flaws.has('insecure-cookies')
      ? {}
      : flaws.has('session-cookie-no-samesite')
        ? { httpOnly: true }
        : { secure: true, httpOnly: true, sameSite: 'lax' as const };

  app.post(paths.refresh, async (req, reply) => {
    const sent = auth.refreshCookie
      ? (req.cookies[auth.refreshCookie] ?? '')
      : str(req.body, auth.refreshField ?? 'refresh_token');
    const pair = await tokens.rotate(sent, (id) => userById(db, id));
    if (!pair) throw new HttpError(401, 'Invalid refresh token');
    return tokenBody(reply, pair);
  });

  app.post(paths.logout, async (req, reply) => {
    const user = requireUser(req.user);
    // A token blacklist logs out the refresh token it is given (without it the call is refused, as simplejwt does);
    // the access token is stateless there and lives out its short lifetime. Otherwise logout revokes the access token.
    const blacklisted = auth.logoutBodyField ? str(req.body, auth.logoutBodyField) : undefined;
    if (auth.logoutBodyField && !blacklisted) throw invalid('This field is required.', auth.logoutBodyField);
    if (!flaws.has('logout-no-revoke')) {
      if (blacklisted) tokens.revokeRefresh(blacklisted);
      else tokens.revoke(user);
    }
    reply.clearCookie(auth.session?.cookie ?? 'access_token', {
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'strict',
    });
    return auth.logoutBodyField ? reply.status(200).send({}) : reply.status(204).send();
  });

  app.get(paths.me, async (req) => {
    const p = requireUser(req.user);
    const u = userById(db, p.id);
    if (!u) throw new HttpError(401, 'Not authenticated');
    return {
      id: u.id,
      email: u.email,
      role: dialect.roles[u.role],
      is_verified: u.is_verified === 1,
      full_name: u.full_name,
    };
  });
}
