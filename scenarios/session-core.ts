/**
 * A virtual user's login session, shared by both load engines (pure code, no Node or k6 APIs): the access token a
 * login or a refresh hands back, the refresh token beside it, and when the token must be renewed.
 */
import { buildRequest, pick, type BuiltRequest, type PlanStep, type Vars } from './journey-core.ts';

/** Where a login or refresh answer carries a token (smoke.login.token / smoke.login.refreshToken). */
export type TokenFrom =
  | { from: 'body'; path: string }
  | { from: 'cookie'; name: string }
  | { from: 'header'; name: string; prefix: string };

/** How sessions are read and renewed; written to the plan (no secret in it). */
export interface SessionSpec {
  /** The VU variable holding the access token (the journeys' `bearer`). */
  tokenVar: string;
  access: TokenFrom;
  refresh?: TokenFrom;
  /** The refresh request (smoke.refresh); absent: a token is renewed by running the journey's `once` steps again. */
  refreshStep?: PlanStep;
  /** Lifetime of a token that is not a JWT with `exp` (load.logins.tokenLifetimeS); absent: such a token is kept. */
  lifetimeMs?: number;
  renewBeforeMs: number;
}

/** A logged-in account's session: handed from gonogo's login phase to the engines, or read in the journey. */
export interface Session {
  refresh?: string;
  expiresAtMs?: number;
}

/** One answer as both engines can show it. */
export interface Answer {
  status: number;
  body: string | null;
  header(name: string): string | undefined;
  cookie(name: string): string | undefined;
}

/** The variable names a refresh body template reads, as in smoke.refresh.body. */
export const REFRESH_VAR = 'refresh_token';
export const ACCESS_VAR = 'access_token';
/** The endpoint name of the renewal request in the report. */
export const REFRESH_STEP_NAME = 'token-refresh';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url to a byte string (k6 has no atob; its claims are read as Latin-1, enough for `exp`). */
function fromBase64Url(s: string): string | null {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const c of s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')) {
    const v = B64.indexOf(c);
    if (v < 0) return null;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((value >> bits) & 0xff);
    }
  }
  return out;
}

/** A JWT's `exp` in ms, or undefined when the token is not a JWT or has none (the signature is not checked: only the client's timing). */
export function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const text = fromBase64Url(parts[1]!);
  if (text === null) return undefined;
  try {
    const exp = (JSON.parse(text) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** When a token must be considered expired: its JWT `exp`, else the configured lifetime from now, else never. */
export function tokenExpiryMs(token: string, spec: Pick<SessionSpec, 'lifetimeMs'>, nowMs: number): number | undefined {
  return jwtExpiryMs(token) ?? (spec.lifetimeMs !== undefined ? nowMs + spec.lifetimeMs : undefined);
}

export function readToken(from: TokenFrom, a: Answer): string | undefined {
  let v: unknown;
  if (from.from === 'body') {
    try {
      v = a.body ? pick(JSON.parse(a.body), from.path) : undefined;
    } catch {
      v = undefined;
    }
  } else if (from.from === 'cookie') {
    v = a.cookie(from.name);
  } else {
    const h = a.header(from.name);
    // biome-ignore lint/complexity/useOptionalChain: the same file runs inside k6; kept to the syntax every k6 release reads
    v = h !== undefined && h.startsWith(from.prefix) ? h.slice(from.prefix.length).trim() : undefined;
  }
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined;
}

/**
 * The session a login or refresh answer opens: the access token into `vars[tokenVar]` (when the step's own capture
 * did not already), the refresh token, the expiry. Null when the answer carries no access token.
 */
export function readSession(spec: SessionSpec, a: Answer, vars: Vars, nowMs: number): Session | null {
  const access = readToken(spec.access, a) ?? vars[spec.tokenVar];
  if (!access) return null;
  vars[spec.tokenVar] = access;
  const refresh = spec.refresh ? readToken(spec.refresh, a) : undefined;
  const expiresAtMs = tokenExpiryMs(access, spec, nowMs);
  return { ...(refresh ? { refresh } : {}), ...(expiresAtMs !== undefined ? { expiresAtMs } : {}) };
}

/** The token is due for renewal: within `renewBeforeMs` of its expiry. */
export function renewDue(
  session: Session | undefined,
  spec: Pick<SessionSpec, 'renewBeforeMs'> | undefined,
  nowMs: number,
): boolean {
  return Boolean(spec && session?.expiresAtMs !== undefined && nowMs >= session.expiresAtMs - spec.renewBeforeMs);
}

/** The renewal can go through the refresh route (a refresh step and a refresh token); otherwise the VU logs in again. */
export function canRefresh(spec: SessionSpec | undefined, session: Session | undefined): boolean {
  return Boolean(spec?.refreshStep && session?.refresh);
}

/** The refresh request, its templates filled with the session's tokens ({{refresh_token}}, {{access_token}}). */
export function refreshRequest(
  spec: SessionSpec,
  session: Session,
  vars: Vars,
  env: (name: string) => string | undefined,
): BuiltRequest {
  return buildRequest(
    spec.refreshStep!,
    { ...vars, [REFRESH_VAR]: session.refresh ?? '', [ACCESS_VAR]: vars[spec.tokenVar] ?? '' },
    env,
  );
}

/** A refresh answer: the renewed session, or null when the refresh failed (the VU then logs in again). */
export function afterRefresh(spec: SessionSpec, a: Answer, vars: Vars, nowMs: number): Session | null {
  if (!spec.refreshStep!.expect.includes(a.status)) return null;
  const fresh = readToken(spec.access, a);
  if (!fresh) return null;
  return readSession(spec, a, vars, nowMs);
}

/** A `Cookie`-style lookup over `Set-Cookie` lines (name=value; attrs). */
export function cookieFrom(setCookies: readonly string[], name: string): string | undefined {
  for (const line of setCookies) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
