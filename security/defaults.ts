/**
 * Defaults the security config schema (security/config.ts) and the ad hoc `gonogo audit` commands share.
 * Kept apart from the schema so a command's help and an ad hoc audit do not load the schema library.
 */
export const TLS_DEFAULTS = {
  /** Parallel handshakes: bounded so a scan never floods the target. */
  concurrency: 16,
  handshakeTimeoutMs: 3000,
} as const;

export const DEPS_DEFAULTS = {
  /** The whole dependency audit (reading lockfiles, fetching advisories) must end within this. */
  timeoutS: 120,
  osvApiUrl: 'https://api.osv.dev',
  osvApiTimeoutMs: 15_000,
} as const;

/**
 * Words in a cookie's name that make it a session cookie or an anti-CSRF one (security.headers.cookieWords). The
 * Observatory's heuristics: session cookies carry "login" or "sess" in their name; gonogo adds the usual token names.
 */
export const COOKIE_WORDS = {
  session: ['login', 'sess', 'token', 'auth', 'jwt', 'sid'],
  antiCsrf: ['csrf', 'xsrf'],
} as const;
