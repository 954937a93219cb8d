/**
 * The account client both suites use: smoke.login / smoke.register / smoke.verifyEmail as plain functions over any
 * client that sends a request. The smoke specs call them through Playwright, the load suite's account pool and the
 * doctor through node:http. Nothing here loads Playwright.
 */
import { randomBytes } from 'node:crypto';
import type { Req, Res, Session } from './http.ts';
import type { SigninPlan } from './plan.ts';
import { getPath } from '../jsonpath.ts';
import { fillTemplate } from '../template.ts';
import { cookieHeader, csrfFrom, csrfParts, csrfPath, type CsrfToken } from './csrf.ts';
import type { CsrfConfig, TokenSource } from './config.ts';
import { routePath } from '../url.ts';

/** What the mapping needs of an HTTP client (the smoke suite's Api is one). */
export interface Sender {
  send(req: Req): Promise<Res>;
  /** Told each secret the mapping handles (a password, a token), so the sender's evidence can redact it. */
  secret?(value: string | undefined): void;
}

/**
 * Sets the credential fields into a body; a dotted name nests (`user.email` -> `{ user: { email } }`, as Rails
 * and Devise expect), a plain one stays top-level.
 */
export function withFields(base: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [name, value] of Object.entries(fields)) {
    const parts = name.split('.');
    let at = out;
    for (const p of parts.slice(0, -1)) {
      if (!at[p] || typeof at[p] !== 'object' || Array.isArray(at[p])) at[p] = {};
      at = at[p] as Record<string, unknown>;
    }
    at[parts[parts.length - 1]!] = value;
  }
  return out;
}

export const ok = (r: Res) => r.status >= 200 && r.status < 300;

/** A password that satisfies the documented policy, at the given length (at least 4). */
export function strongPassword(length = 20): string {
  const core = `Gn0!${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`;
  return core.slice(0, Math.max(4, length));
}

export function tokenFrom(res: Res, source: TokenSource): string | undefined {
  if (source.from === 'cookie') return res.setCookies.find((c) => c.name === source.name && c.value)?.value;
  if (source.from === 'header') {
    const v = res.headers[source.name.toLowerCase()];
    return v?.startsWith(source.prefix) && v.length > source.prefix.length
      ? v.slice(source.prefix.length).trim()
      : undefined;
  }
  const v = getPath(res.json, source.path);
  return typeof v === 'string' && v ? v : undefined;
}

export function bodyFor(
  encoding: 'json' | 'form',
  fields: Record<string, unknown>,
): { json?: unknown; form?: Record<string, string> } {
  if (encoding === 'json') return { json: fields };
  return {
    form: Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ),
  };
}

/** A CSRF token fetched before login (smoke.login.csrf), with the cookies that came with it. */
export async function fetchCsrf(
  api: Sender,
  plan: SigninPlan,
  c: CsrfConfig,
  o: Pick<Req, 'expect429' | 'paced'> = {},
): Promise<{ token: CsrfToken; cookies: Record<string, string> }> {
  const path = csrfPath(plan);
  // Paced as the login it precedes: a burst's token fetches must not wait for windows its logins do not.
  const res = await api.send({
    method: 'GET',
    path,
    ...(o.expect429 ? { expect429: true } : {}),
    ...(o.paced ? { paced: true } : {}),
  });
  const token = csrfFrom(res, c);
  if (!token) {
    const tried = c.sources.map((s) => `${s.from} ${'name' in s ? s.name : s.path}`).join(', ');
    throw new Error(
      `GET ${path} answered ${res.status} with no CSRF token in any of smoke.login.csrf.sources (${tried}); set smoke.login.csrf.path to the route that hands it out, or add its source`,
    );
  }
  api.secret?.(token.token);
  return { token, cookies: Object.fromEntries(res.setCookies.map((x) => [x.name, x.value])) };
}

export async function login(
  api: Sender,
  plan: SigninPlan,
  email: string,
  password: string,
  o: { expect429?: boolean; paced?: boolean; publicPassword?: boolean } = {},
): Promise<{ res: Res; session: Session | null }> {
  const l = plan.config.login;
  if (!o.publicPassword) api.secret?.(password);
  const pre = l.csrf
    ? await fetchCsrf(api, plan, l.csrf, {
        ...(o.expect429 ? { expect429: true } : {}),
        ...(o.paced ? { paced: true } : {}),
      })
    : undefined;
  let fields = withFields(fillTemplate(l.extraFields, { email }), {
    [l.emailField]: email,
    [l.passwordField]: password,
  });
  const headers: Record<string, string> = {};
  if (l.csrf && pre) {
    const parts = csrfParts(plan, pre.token, pre.token.token);
    Object.assign(headers, parts.headers, { cookie: cookieHeader(pre.cookies) });
    if (parts.field) fields = { ...fields, [parts.field[0]]: parts.field[1] };
  }
  const res = await api.send({
    method: l.method,
    path: routePath(l.path, 'smoke.login.path'),
    ...bodyFor(l.encoding, fields),
    headers,
    subject: email,
    ...(o.expect429 ? { expect429: true } : {}),
    ...(o.paced ? { paced: true } : {}),
  });
  const access = ok(res) ? tokenFrom(res, l.token) : undefined;
  const refresh = ok(res) && l.refreshToken ? tokenFrom(res, l.refreshToken) : undefined;
  for (const t of [access, refresh]) api.secret?.(t);
  const cookies = Object.fromEntries(res.setCookies.map((c) => [c.name, c.value]));
  // A token rotated at login (Django, Rails) replaces the one fetched before it.
  const csrf = l.csrf && ok(res) ? (csrfFrom(res, l.csrf) ?? pre?.token) : undefined;
  api.secret?.(csrf?.token);
  return {
    res,
    session: access
      ? { access, ...(refresh ? { refresh } : {}), cookies, setCookies: res.setCookies, ...(csrf ? { csrf } : {}) }
      : null,
  };
}

export function newEmail(plan: SigninPlan, tag: string): string {
  return `gonogo-${plan.runTag}-${tag}@${plan.config.register.emailDomain}`.toLowerCase();
}

export async function register(
  api: Sender,
  plan: SigninPlan,
  email: string,
  password: string,
  extra: Record<string, unknown> = {},
): Promise<Res> {
  const r = plan.config.register;
  api.secret?.(password);
  const fields = withFields(fillTemplate(r.extraFields, { email, name: email.split('@')[0]! }), {
    ...extra,
    [r.emailField]: email,
    [r.passwordField]: password,
  });
  return api.send({ method: r.method, path: routePath(r.path, 'smoke.register.path'), ...bodyFor(r.encoding, fields) });
}

/** Uses the verification token the way the platform expects (link GET or token POST). */
export async function useVerification(
  api: Sender,
  plan: SigninPlan,
  v: { link?: string; token?: string },
): Promise<Res> {
  const c = plan.config.verifyEmail;
  if (c.mode === 'link') {
    if (!v.link) throw new Error('the verification mail has no link matching verifyEmail.linkPattern');
    return api.send({ method: 'GET', path: v.link });
  }
  if (!v.token) throw new Error('no verification token found in the mail (verifyEmail.tokenPattern)');
  const path = routePath(c.path, 'smoke.verifyEmail.path');
  return api.send({ method: c.method, path, ...bodyFor('json', { [c.tokenField]: v.token }) });
}
