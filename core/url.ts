/**
 * How every suite turns a configured route into a URL on the target. The base URL may carry a path
 * prefix (`https://host/app/v1`): routes are joined under it, so "/api/x" becomes
 * "https://host/app/v1/api/x" for smoke, security and load alike. WHATWG resolution
 * (`new URL('/api/x', base)`) would drop the prefix, which is why this is a join, not a resolve.
 */

/** Why a string cannot be a target base URL (null when it can); shared by the config schema and the ad hoc commands. */
export function targetUrlProblem(raw: string, o: { page?: boolean } = {}): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'an absolute http(s) URL such as https://staging.example.com';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `an http(s) URL, not ${u.protocol}`;
  if (u.username || u.password || /^[a-z]+:\/\/[^/]*@/i.test(raw)) {
    return 'no user name or password in the URL: they would end up in every report and log; gonogo has no basic-auth option, so remove the "user:password@" part';
  }
  // The URL parser drops an empty "?" or "#", so the raw text is checked as well. A single page (an ad hoc command's URL) may have a query.
  if (!o.page && (u.search || u.hash || /[?#]/.test(raw))) {
    return 'no query string or fragment: routes are joined under the base URL, so a "?..." or "#..." here would be dropped or land in the middle of every URL; put query parameters in the routes themselves';
  }
  // WHATWG URL parsing reads "http:///host" and "http:/host" as host "host": a slash too many or too few is a typo, not a host.
  if (!/^https?:\/\/[^/]/i.test(raw.trim()))
    return `exactly two slashes after "${u.protocol}" and then the host, such as ${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  if (u.port === '0')
    return 'port 0 is not a port a server listens on; give the real port or leave it out for the scheme default';
  return null;
}

/** The text of a URL with any user:password part masked, for messages about a URL that was refused. */
export function redactUserinfo(text: string): string {
  // The lookbehind starts a scheme only where one can begin: without it every letter of a long run of letters
  // starts a new attempt that scans to the run's end, quadratic (a 100 KB URL took 17 s).
  return text.replace(/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^\s"@/]*(?:\/[^\s"@/]*)*@/gi, '$1[redacted]@');
}

/** The base URL as gonogo uses it: its origin plus its path prefix, never a trailing slash. */
export function normalizeBaseUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** The URL of a route on the target: the route joined under the base URL's path prefix; absolute URLs pass through. */
export function routeUrl(baseUrl: string, route: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(route)) return new URL(route).href;
  const path = route.startsWith('/') ? route : `/${route}`;
  return new URL(`${normalizeBaseUrl(baseUrl)}${path}`).href;
}

/**
 * What identifies a target for comparing two reports: scheme, host (the URL parser lowercases it and drops the
 * scheme's default port) and path prefix without trailing slashes; any user:password part (even a redacted one) is
 * left out. Text that is not a URL is compared with userinfo masked, case-folded and without trailing slashes.
 */
export function targetKey(baseUrl: string): string {
  try {
    const u = new URL(baseUrl.trim());
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return redactUserinfo(baseUrl.trim())
      .replace(/^([a-z][a-z0-9+.-]*:\/\/)\[redacted\]@/i, '$1')
      .replace(/\/+$/, '')
      .toLowerCase();
  }
}

/** A route's path where the code needs it; the config check before the run makes the throw unreachable in a run. */
export function routePath(path: string | undefined, key: string): string {
  if (path === undefined) throw new Error(`${key} is not set: gonogo guesses no route (docs/config.md, "Routes")`);
  return path;
}
