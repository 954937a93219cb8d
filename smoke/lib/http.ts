import type { APIRequestContext } from '@playwright/test';
import type { SmokePlan } from './plan.ts';
import type { Recorder } from './evidence.ts';
import { workerRedactor } from './evidence.ts';
import { RateLimited, requestRole } from './outcome.ts';
import { reserveSlot } from './pace.ts';
import { resolveLimiters } from '../../core/signin/limits.ts';
import { digest, logSent } from './history.ts';
import { routeUrl } from '../../core/url.ts';
import { csrfParts, isStateChanging } from '../../core/signin/csrf.ts';
import type { Req, Res, Session, SetCookie } from '../../core/signin/http.ts';

function parseSetCookie(line: string): SetCookie {
  const [pair = '', ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  const attrs: Record<string, string | true> = {};
  for (const a of rest) {
    const i = a.indexOf('=');
    if (a.trim()) attrs[(i < 0 ? a : a.slice(0, i)).trim().toLowerCase()] = i < 0 ? true : a.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs };
}

/** Retry-After in seconds (delta or HTTP date), else RateLimit-Reset or the `reset` of a structured RateLimit header; undefined when absent or unreadable. */
export function retryAfterS(headers: Record<string, string>, now = Date.now()): number | undefined {
  const structured = /(?:^|[;,\s])(?:reset|t)=(\d+(?:\.\d+)?)/.exec(headers.ratelimit ?? '')?.[1];
  const v = headers['retry-after'] ?? headers['ratelimit-reset'] ?? structured;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, (t - now) / 1000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The headers that carry a session's access token where smoke.login.send says the platform reads it. */
export function authHeaders(
  plan: Pick<SmokePlan, 'config'>,
  session: Session | null | undefined,
): Record<string, string> {
  // A double-submit check compares the token with its cookie: the cookie travels with the session, as a browser's would.
  const csrfCookie = session?.csrf?.cookie ? `${session.csrf.cookie.name}=${session.csrf.cookie.value}` : '';
  const withCsrf = (h: Record<string, string>) =>
    csrfCookie ? { ...h, cookie: h.cookie ? `${h.cookie}; ${csrfCookie}` : csrfCookie } : h;
  if (!session?.access) return withCsrf({});
  const send = plan.config.login.send;
  if (send.as === 'bearer') return withCsrf({ authorization: `Bearer ${session.access}` });
  if (send.as === 'header') return withCsrf({ [send.name.toLowerCase()]: `${send.prefix}${session.access}` });
  return withCsrf({ cookie: `${send.name}=${session.access}` });
}

/** The session's CSRF token (or the probe's stand-in) on a state-changing request: its header or body field, and a same-site Origin. */
function withCsrf(plan: Pick<SmokePlan, 'config'>, method: string, req: Req): Pick<Req, 'headers' | 'json' | 'form'> {
  const t = req.session?.csrf;
  if (!t || !isStateChanging(method)) return {};
  const parts = csrfParts(plan as SmokePlan, t, req.csrf === false ? undefined : (req.csrf ?? t.token));
  const out: Pick<Req, 'headers' | 'json' | 'form'> = { headers: parts.headers };
  if (!parts.field) return out;
  const [name, value] = parts.field;
  if (req.json && typeof req.json === 'object' && !Array.isArray(req.json))
    return { ...out, json: { ...req.json, [name]: value } };
  return { ...out, form: { ...(req.form ?? {}), [name]: value } };
}

/**
 * What a request made with a session carries, for any client (the smoke suite's, the doctor's): the credential, the
 * CSRF token of a state-changing request, the request's own headers over those, one cookie header joining the
 * session's and the request's own (a refresh cookie), and no header set to '' (a probe that must not carry the
 * Origin a session's requests do).
 */
export function sessionRequest(
  plan: Pick<SmokePlan, 'config'>,
  method: string,
  req: Req,
): { headers: Record<string, string> } & Pick<Req, 'json' | 'form'> {
  const csrf = withCsrf(plan, method, req);
  const own = { ...csrf.headers, ...(req.headers ?? {}) };
  const auth = authHeaders(plan, req.session);
  const cookie = [auth.cookie, own.cookie].filter(Boolean).join('; ');
  const headers = Object.fromEntries(
    Object.entries({ ...auth, ...own, ...(cookie ? { cookie } : {}) }).filter(([, v]) => v !== ''),
  );
  return {
    headers,
    ...(csrf.json !== undefined ? { json: csrf.json } : {}),
    ...(csrf.form !== undefined ? { form: csrf.form } : {}),
  };
}

/** The suite's HTTP client: stays on the target's hosts, never follows redirects, paces, honours Retry-After (bounded). */
export class Api {
  constructor(
    private readonly ctx: APIRequestContext,
    private readonly plan: SmokePlan,
    private readonly rec: Recorder,
  ) {}

  url(path: string): string {
    const u = new URL(routeUrl(this.plan.baseUrl, path));
    if (!this.plan.allowedHosts.includes(u.host))
      throw new Error(`refusing to contact ${u.host}: not one of the target's hosts`);
    return u.href;
  }

  authHeaders(session: Session | null | undefined): Record<string, string> {
    return authHeaders(this.plan, session);
  }

  /**
   * Stays under 90% of the documented limit per identity, counted across workers (see pace.ts): the API
   * limiter's for a signed-in caller, the anonymous one's otherwise, as smoke.ratelimit sets them (the KPI
   * file's numbers where it sets none).
   */
  private async pace(identity: string): Promise<void> {
    const { model } = resolveLimiters(this.plan.config, this.plan.params)[
      identity === 'anonymous' ? 'anonymous' : 'api'
    ];
    const wait = reserveSlot(this.plan.stateDir, identity, Math.max(1, Math.floor(model.limit * 0.9)), model.windowMs);
    if (wait > 0) await sleep(wait);
  }

  /** The worker's evidence redacts each secret the account client handles. */
  secret(value: string | undefined): void {
    workerRedactor().add(value);
  }

  async send(req: Req): Promise<Res> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = this.url(req.path);
    const prepared = sessionRequest(this.plan, method, req);
    req = { ...req, ...prepared };
    const { headers } = prepared;
    if (req.session?.access) workerRedactor().add(req.session.access);
    for (const t of [req.session?.csrf?.token, req.session?.csrf?.cookie?.value]) workerRedactor().add(t);
    const identity = req.identity ?? req.session?.access ?? 'anonymous';
    for (let attempt = 0; ; attempt++) {
      if (!req.expect429 || req.paced) await this.pace(identity);
      // Our own headers decide identity: nothing from an earlier response's cookie jar may leak into a probe.
      await this.ctx.clearCookies();
      const sentAt = Date.now();
      const started = performance.now();
      const resp = await this.ctx.fetch(url, {
        method,
        headers,
        maxRedirects: 0,
        failOnStatusCode: false,
        timeout: this.plan.timeoutMs,
        ...(req.json !== undefined ? { data: req.json } : {}),
        ...(req.form !== undefined ? { form: req.form } : {}),
        ...(req.body !== undefined ? { data: req.body } : {}),
      });
      const ms = performance.now() - started;
      const text = await resp.text().catch(() => '');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const hdrs = resp.headers();
      const res: Res = {
        method,
        url,
        status: resp.status(),
        headers: hdrs,
        text,
        json,
        ms,
        setCookies: resp
          .headersArray()
          .filter((h) => h.name.toLowerCase() === 'set-cookie')
          .map((h) => parseSetCookie(h.value)),
      };
      this.rec.request(method, url, res.status, text, req.role ?? requestRole());
      logSent(this.plan.stateDir, {
        t: sentAt,
        method,
        path: new URL(url).pathname,
        status: res.status,
        credential: req.session?.access ? digest(req.session.access) : '',
        subject: req.subject ? digest(req.subject.toLowerCase()) : '',
      });
      if (res.status !== 429 || req.expect429) return res;
      const wait = retryAfterS(hdrs);
      if (attempt >= 1 || wait === undefined || wait > this.plan.budget.maxWaitS) {
        throw new RateLimited(
          `${method} ${new URL(url).pathname} answered 429 (Retry-After ${hdrs['retry-after'] ?? 'absent'})`,
        );
      }
      await sleep(wait * 1000 + 100);
    }
  }
}
