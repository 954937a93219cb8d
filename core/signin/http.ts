/** The wire shapes the account client speaks through any sender: the smoke suite's Playwright client, the load setup client, the doctor's. */
import type { CsrfToken } from './csrf.ts';

/** How the evidence labels a request: the positive control a check needs, or the probe itself. */
export type RequestRole = 'control' | 'probe';

export interface Session {
  access?: string;
  refresh?: string;
  /** Cookies the target set at login (name -> value). */
  cookies: Record<string, string>;
  /** The same cookies with their attributes as login's Set-Cookie gave them (SameSite decides whether CSRF applies). */
  setCookies?: SetCookie[];
  /** The CSRF token of a cookie session (smoke.login.csrf): sent on every state-changing request of the session. */
  csrf?: CsrfToken;
}

export interface SetCookie {
  name: string;
  value: string;
  attrs: Record<string, string | true>;
}

export interface Res {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  setCookies: SetCookie[];
  text: string;
  json: unknown;
  ms: number;
}

export interface Req {
  method?: string;
  path: string;
  json?: unknown;
  form?: Record<string, string | number | boolean>;
  body?: string;
  headers?: Record<string, string>;
  session?: Session | null;
  /** Probes that expect 429 see it instead of waiting it out, and skip the pacing (a burst must fill its window). */
  expect429?: boolean;
  /** Paced even though it expects 429: a probe that spends one limiter's budget must not spend another's (the demo probe's logins on a per-address limit over all routes). */
  paced?: boolean;
  /** Pacing bucket when not the session's (webhooks come from the payment provider, not the client). */
  identity?: string;
  /** The account a request names without a credential (a login's email): a per-user limiter keys it so. */
  subject?: string;
  /** How the evidence labels this request; by default `control` inside requireControl, else `probe`. */
  role?: RequestRole;
  /** The CSRF probes: `false` sends the session's cookies without its token, a string sends that token instead. */
  csrf?: false | string;
}
