/**
 * The CSRF part of a cookie-session login (smoke.login.csrf): where the token is read, how it goes back.
 * Nothing here loads Playwright: the load suite's account pool logs in through the same mapping.
 */
import { routePath } from '../url.ts';
import type { CsrfConfig, CsrfSource } from './config.ts';
import type { Res, SetCookie } from './http.ts';
import type { SigninPlan } from './plan.ts';
import { getPath } from '../jsonpath.ts';

/** A session's CSRF token, and the cookie it came in when it came in one (a double-submit check compares the two). */
export interface CsrfToken {
  token: string;
  cookie?: { name: string; value: string };
  source: CsrfSource;
}

export const SAFE_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];
export const isStateChanging = (method: string) => !SAFE_METHODS.includes(method.toUpperCase());

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', '#39': "'", '#x27': "'" };
const unescapeHtml = (v: string) => v.replace(/&(amp|quot|apos|lt|gt|#39|#x27);/g, (_m, e: string) => ENTITIES[e]!);

/** The attributes of every `<tag ...>` in an HTML text (names lower-cased). */
function tags(html: string, tag: string): Array<Record<string, string>> {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'gi'))].map((m) =>
    Object.fromEntries(
      [...m[1]!.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)].map((a) => [
        a[1]!.toLowerCase(),
        unescapeHtml(a[2] ?? a[3] ?? a[4] ?? ''),
      ]),
    ),
  );
}

function cookieValue(cookies: SetCookie[], name: string): string | undefined {
  const v = cookies.find((c) => c.name === name && c.value)?.value;
  if (v === undefined) return undefined;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** The token of one source in an answer, or undefined. */
export function readCsrf(res: Res, source: CsrfSource): string | undefined {
  switch (source.from) {
    case 'cookie':
      return cookieValue(res.setCookies, source.name);
    case 'header':
      return res.headers[source.name.toLowerCase()] || undefined;
    case 'meta':
      return tags(res.text, 'meta').find((t) => t.name === source.name)?.content || undefined;
    case 'field':
      return tags(res.text, 'input').find((t) => t.name === source.name)?.value || undefined;
    case 'body': {
      const v = getPath(res.json, source.path);
      return typeof v === 'string' && v ? v : undefined;
    }
  }
}

/** The first source of the mapping that finds a token in the answer. */
export function csrfFrom(res: Res, c: CsrfConfig): CsrfToken | undefined {
  for (const source of c.sources) {
    const token = readCsrf(res, source);
    if (!token) continue;
    if (source.from !== 'cookie') return { token, source };
    const raw = res.setCookies.find((x) => x.name === source.name)!.value;
    return { token, source, cookie: { name: source.name, value: raw } };
  }
  return undefined;
}

/** How the token goes back: the configured way, else the header the matched source's framework reads. */
export function csrfSend(c: CsrfConfig, source: CsrfSource): NonNullable<CsrfConfig['send']> {
  if (c.send) return c.send;
  const name = 'name' in source ? source.name.toLowerCase() : '';
  if (name === 'csrftoken' || name === 'csrfmiddlewaretoken') return { as: 'header', name: 'X-CSRFToken' };
  if (name === 'xsrf-token') return { as: 'header', name: 'X-XSRF-TOKEN' };
  return { as: 'header', name: 'X-CSRF-Token' };
}

/** The route the token is fetched from before login. */
export function csrfPath(plan: Pick<SigninPlan, 'config'>): string {
  return plan.config.login.csrf?.path ?? routePath(plan.config.browser.loginPage, 'smoke.browser.loginPage');
}

/** `a=1; b=2` for a cookie header. */
export function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/** The header or field that carries `token` on a state-changing request, and the same-site Origin a browser would send. */
export function csrfParts(
  plan: Pick<SigninPlan, 'baseUrl' | 'config'>,
  t: CsrfToken,
  token: string | undefined,
): { headers: Record<string, string>; field?: [string, string] } {
  const c = plan.config.login.csrf;
  const headers: Record<string, string> = { origin: new URL(plan.baseUrl).origin };
  if (!c || token === undefined) return { headers };
  const send = csrfSend(c, t.source);
  if (send.as === 'field') return { headers, field: [send.name, token] };
  return { headers: { ...headers, [send.name.toLowerCase()]: token } };
}
