import type { Db } from './db.ts';
import type { Dialect } from './dialects.ts';
import type { FlawSet } from './flaws.ts';
import type { Mailer } from './mailer.ts';
import type { Principal, TokenService } from './tokens.ts';
import type { CsrfTokens } from './csrf.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: Principal | null;
    rawBody: string | null;
  }
}

export interface UserRateLimit {
  max: number;
  windowMs: number;
}

/** What every route of the platform needs; one per running app, no module-level state. */
export interface AppContext {
  db: Db;
  dialect: Dialect;
  flaws: FlawSet;
  tokens: TokenService;
  /** The session dialect's CSRF tokens (unused by the bearer dialects). */
  csrf: CsrfTokens;
  mailer: Mailer;
  webhookSecret: string;
  /** Known once the HTTPS server listens (port 0 picks a free port). */
  baseUrl(): string;
  allowedOrigins(): string[];
  unlimitedAddresses: string[];
  /** Testing only: a per-user API limit that applies to allowlisted addresses too (see StartReferenceOptions.userRateLimit). */
  userRateLimit: UserRateLimit | null;
  /** The window of the API and login limits (60 s unless a test shortens it, see StartReferenceOptions.limitWindowS). */
  limitWindowMs: number;
  /** Testing only: the login limit per address, for every address (see GONOGO_REFERENCE_LOGIN_LIMIT), or null for the dialect's. */
  loginRateLimit: UserRateLimit | null;
  /** A hash of a random password, verified for unknown users so that timing does not reveal them. */
  dummyHash: string;
}

/** An error whose status and message are safe to show the caller. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The signed-in principal, or a 401; with roles, a 403 for any other role. */
export function requireUser(user: Principal | null, ...roles: Principal['role'][]): Principal {
  if (!user) throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' });
  if (roles.length > 0 && !roles.includes(user.role)) throw new HttpError(403, 'Forbidden');
  return user;
}
