import type { IncomingHttpHeaders } from 'node:http';
import { test, type TestResult } from './grade.ts';
import { COOKIE_WORDS } from '../defaults.ts';

export interface Cookie {
  name: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | null;
  raw: string;
}

export function parseSetCookie(h: IncomingHttpHeaders): Cookie[] {
  const list = h['set-cookie'] ?? [];
  return list.map((raw) => {
    const [pair, ...attrs] = raw.split(';');
    const name = (pair ?? '').split('=')[0]!.trim();
    const flags = new Map(
      attrs.map((a) => {
        const [k, ...v] = a.trim().split('=');
        return [k!.trim().toLowerCase(), v.join('=').trim()] as const;
      }),
    );
    return {
      name,
      secure: flags.has('secure'),
      httpOnly: flags.has('httponly'),
      sameSite: flags.has('samesite') ? flags.get('samesite')!.toLowerCase() : null,
      raw,
    };
  });
}

/** Which cookies are judged as session cookies, and which as anti-CSRF cookies: words their names contain. */
export interface CookieWords {
  session: readonly string[];
  antiCsrf: readonly string[];
}
const named = (name: string, words: readonly string[]) =>
  words.some((w) => name.toLowerCase().includes(w.toLowerCase()));
export const isAntiCsrfCookie = (name: string, words: CookieWords = COOKIE_WORDS): boolean =>
  named(name, words.antiCsrf);
/** An anti-CSRF cookie (csrftoken, XSRF-TOKEN) is read by the page's scripts by design: never a session cookie. */
export const isSessionCookie = (name: string, words: CookieWords = COOKIE_WORDS): boolean =>
  named(name, words.session) && !isAntiCsrfCookie(name, words);

/** Observatory cookie test; the worst finding wins. Cookie values never reach the result, only names and flags. */
export function cookiesTest(
  h: IncomingHttpHeaders,
  https: boolean,
  hsts: boolean,
  words: CookieWords = COOKIE_WORDS,
): TestResult {
  const cookies = parseSetCookie(h);
  if (cookies.length === 0) return test('cookies', 'cookies-not-found', null);
  const value = cookies
    .map(
      (c) =>
        `${c.name}; ${[c.secure && 'Secure', c.httpOnly && 'HttpOnly', c.sameSite && `SameSite=${c.sameSite}`].filter(Boolean).join('; ') || 'no flags'}`,
    )
    .join(' | ');
  const findings: string[] = [];
  for (const c of cookies) {
    const session = isSessionCookie(c.name, words);
    const secure = c.secure && https;
    if (session && !secure)
      findings.push(
        hsts ? 'cookies-session-without-secure-flag-but-protected-by-hsts' : 'cookies-session-without-secure-flag',
      );
    else if (!secure)
      findings.push(hsts ? 'cookies-without-secure-flag-but-protected-by-hsts' : 'cookies-without-secure-flag');
    if (session && !c.httpOnly) findings.push('cookies-session-without-httponly-flag');
    if (c.sameSite !== null && !['strict', 'lax', 'none'].includes(c.sameSite))
      findings.push('cookies-samesite-flag-invalid');
    if (isAntiCsrfCookie(c.name, words) && c.sameSite === null) findings.push('cookies-anticsrf-without-samesite-flag');
  }
  if (findings.length) {
    const worst = findings.map((f) => test('cookies', f, value)).sort((a, b) => a.modifier - b.modifier)[0]!;
    return worst;
  }
  const allSameSite = cookies.every((c) => c.sameSite === 'strict' || c.sameSite === 'lax');
  return test(
    'cookies',
    allSameSite ? 'cookies-secure-with-httponly-sessions-and-samesite' : 'cookies-secure-with-httponly-sessions',
    value,
  );
}

export interface ScriptTag {
  src: string;
  integrity: boolean;
}

/** `<script src>` tags of a page; a tag scan instead of a DOM parser because only two attributes matter. */
export function scriptTags(html: string): ScriptTag[] {
  const out: ScriptTag[] = [];
  const stripped = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of stripped.matchAll(/<script\b([^>]*)>/gi)) {
    const attrs = m[1] ?? '';
    const src = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
    if (!src) continue;
    out.push({ src: (src[1] ?? src[2] ?? src[3] ?? '').trim(), integrity: /\bintegrity\s*=/i.test(attrs) });
  }
  return out;
}

/** Observatory subresource-integrity test on HTML pages; `similarHosts` are the target's own hosts. */
export function sriTest(
  h: IncomingHttpHeaders,
  body: string,
  pageUrl: string,
  similarHosts: ReadonlySet<string>,
): TestResult {
  const type = String(h['content-type'] ?? '');
  if (!/text\/html|application\/xhtml/i.test(type))
    return test('subresource-integrity', 'sri-not-implemented-response-not-html', null);
  const scripts = scriptTags(body);
  if (scripts.length === 0) return test('subresource-integrity', 'sri-not-implemented-but-no-scripts-loaded', null);
  const page = new URL(pageUrl);
  const external = scripts.filter((s) => {
    if (s.src.startsWith('//')) return true;
    const u = new URL(s.src, page);
    return !similarHosts.has(u.hostname);
  });
  const value = scripts.map((s) => `${s.src}${s.integrity ? ' (integrity)' : ''}`).join(', ');
  if (external.length === 0) {
    return test(
      'subresource-integrity',
      scripts.every((s) => s.integrity)
        ? 'sri-implemented-and-all-scripts-loaded-securely'
        : 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin',
      value,
    );
  }
  const insecure = external.some((s) => s.src.startsWith('//') || new URL(s.src, page).protocol !== 'https:');
  const allIntegrity = external.every((s) => s.integrity);
  if (insecure)
    return test(
      'subresource-integrity',
      allIntegrity
        ? 'sri-implemented-but-external-scripts-not-loaded-securely'
        : 'sri-not-implemented-and-external-scripts-not-loaded-securely',
      value,
    );
  return test(
    'subresource-integrity',
    allIntegrity
      ? 'sri-implemented-and-external-scripts-loaded-securely'
      : 'sri-not-implemented-but-external-scripts-loaded-securely',
    value,
  );
}
