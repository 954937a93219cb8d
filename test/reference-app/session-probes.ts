import type { Harness, Res } from './support.ts';
import type { Probe } from './probes.ts';
import { DIALECTS } from '../../reference-app/dialects.ts';

const d = DIALECTS.session;
const s = d.auth.session!;

/** The named cookie of an answer's Set-Cookie lines, whole (with its attributes). */
export const setCookie = (res: Res, name: string) =>
  (res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`)) ?? '';
const value = (line: string) => line.split(';')[0]!.split('=').slice(1).join('=');

/** Signs in as Django's login page does: the page's CSRF cookie, sent back in the header with a same-site Origin. */
export async function sessionLogin(
  h: Harness,
  role: 'client' | 'manufacturer' | 'admin' = 'client',
): Promise<{ session: string; csrf: string; res: Res }> {
  const page = await h.call('GET', '/login');
  const before = value(setCookie(page, s.csrfCookie));
  const a = h.account(role);
  const res = await h.call('POST', d.paths.login, {
    raw: new URLSearchParams({ [d.auth.loginEmailField]: a.email, password: a.password }).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: h.info.baseUrl,
      cookie: `${s.csrfCookie}=${before}`,
      [s.csrfHeader]: before,
    },
  });
  return { session: value(setCookie(res, s.cookie)), csrf: value(setCookie(res, s.csrfCookie)), res };
}

/** A state-changing request of the session (logout), with the given token and origin headers. */
export function logout(
  h: Harness,
  session: { session: string; csrf: string },
  headers: Record<string, string>,
): Promise<Res> {
  return h.call('POST', d.paths.logout, {
    headers: { cookie: `${s.cookie}=${session.session}; ${s.csrfCookie}=${session.csrf}`, ...headers },
  });
}

/** The session dialect's flaws: each probe answers "does the protection hold?" on a platform started with --dialect session. */
export const SESSION_PROBES: Record<string, Probe> = {
  'csrf-not-enforced': async (h) => (await logout(h, await sessionLogin(h), { origin: h.info.baseUrl })).status === 403,
  'csrf-token-unbound': async (h) => {
    const [a, b] = [await sessionLogin(h), await sessionLogin(h)];
    return (await logout(h, a, { origin: h.info.baseUrl, [s.csrfHeader]: b.csrf })).status === 403;
  },
  'csrf-origin-unchecked': async (h) => {
    const a = await sessionLogin(h);
    return (await logout(h, a, { origin: 'https://evil.example', [s.csrfHeader]: a.csrf })).status === 403;
  },
  'session-cookie-no-samesite': async (h) => {
    const line = setCookie((await sessionLogin(h)).res, s.cookie);
    return /; Secure/.test(line) && /; HttpOnly/.test(line) && /; SameSite=Lax/.test(line);
  },
};
