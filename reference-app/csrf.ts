import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError, type AppContext } from './context.ts';

const SAFE = ['GET', 'HEAD', 'OPTIONS'];

/** The session dialect's CSRF tokens: each one bound to its session (an HMAC of the session's id), as Django keeps it in the session. */
export class CsrfTokens {
  private readonly key = randomBytes(32);
  /** Every token handed out at login: a platform that does not bind them accepts any of these. */
  private readonly issued = new Set<string>();

  forSession(sessionId: string): string {
    const token = createHmac('sha256', this.key).update(sessionId).digest('base64url');
    this.issued.add(token);
    return token;
  }

  /** A token for a visitor who has no session yet (the login form's, checked against its cookie). */
  anonymous(): string {
    return randomBytes(32).toString('base64url');
  }

  accepts(sent: string, sessionId: string, unbound: boolean): boolean {
    return unbound ? this.issued.has(sent) : sent === this.forSession(sessionId);
  }
}

function refuse(reason: string): never {
  throw new HttpError(403, `CSRF Failed: ${reason}`);
}

/** Django's order: over HTTPS a request without Origin must carry a same-site Referer. */
function checkOrigin(req: FastifyRequest, allowed: string[]): void {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!allowed.includes(origin)) refuse(`Origin checking failed - ${origin} does not match any trusted origins.`);
    return;
  }
  const referer = req.headers.referer;
  if (!referer) refuse('Referer checking failed - no Referer.');
  let from = '';
  try {
    from = new URL(referer).origin;
  } catch {
    /* an unreadable Referer is refused below */
  }
  if (!allowed.includes(from)) refuse(`Referer checking failed - ${referer} does not match any trusted origins.`);
}

/**
 * CSRF protection of the session dialect, as Django's middleware and DRF's SessionAuthentication apply it: the login
 * form and every state-changing request of a signed-in session need a same-site Origin (or Referer) and the token, in
 * the header or the form field. Anonymous API calls (registration, verification, webhooks) carry no session to ride.
 */
export function registerCsrf(app: FastifyInstance, ctx: AppContext): void {
  const s = ctx.dialect.auth.session;
  if (!s || ctx.flaws.has('csrf-not-enforced')) return;
  app.addHook('preValidation', async (req) => {
    if (SAFE.includes(req.method)) return;
    const login = req.routeOptions.url === ctx.dialect.paths.login;
    if (!login && !req.user) return;
    if (!ctx.flaws.has('csrf-origin-unchecked')) checkOrigin(req, ctx.allowedOrigins());
    const header = req.headers[s.csrfHeader.toLowerCase()];
    const field = (req.body as Record<string, unknown> | null)?.[s.csrfField];
    const sent = typeof header === 'string' ? header : typeof field === 'string' ? field : '';
    if (!sent) refuse('CSRF token missing.');
    if (login) {
      // No session yet: the form's token must match the cookie the login page set (double submit).
      if (sent !== req.cookies[s.csrfCookie]) refuse('CSRF token incorrect.');
      return;
    }
    if (!ctx.csrf.accepts(sent, req.user!.jti, ctx.flaws.has('csrf-token-unbound'))) refuse('CSRF token incorrect.');
  });
}
