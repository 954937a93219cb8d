import type { KpiFile } from '../../config/kpis.ts';
import type { SmokeConfig } from '../config.ts';
import type { Sent } from './history.ts';
import type { LimitModel } from '../../core/ratelimit-model.ts';

export type LimiterName = 'api' | 'login' | 'anonymous';
export type LimitKey = 'user' | 'address' | 'anonymous';

/** One configured limiter, resolved: its route, how it keys and counts, and the model of a correct one. */
export interface Limiter {
  name: LimiterName;
  method: string;
  path: string;
  body?: Record<string, unknown>;
  key: LimitKey;
  scope: 'route' | 'all';
  model: LimitModel;
  /** The limit is a documented or configured number (false: derived from the lockout threshold, judged as an upper bound only). */
  documented: boolean;
}

/** A limiter model without a route: matches no request of its own. */
const UNROUTED = {
  method: 'GET',
  path: '',
  body: undefined,
  limit: undefined,
  windowS: undefined,
  algorithm: 'fixed',
  windowStart: 'first-request',
} as const;

/** Resolves `smoke.ratelimit` against the KPI params: every number not configured comes from the KPI file. */
export function resolveLimiters(config: SmokeConfig, params: KpiFile['params']): Record<LimiterName, Limiter> {
  const r = config.ratelimit;
  const model = (
    m: { algorithm: LimitModel['algorithm']; windowStart: 'first-request' | 'clock' },
    limit: number,
    windowS: number,
  ): LimitModel => ({
    algorithm: m.algorithm,
    limit,
    windowMs: windowS * 1000,
    ...(m.algorithm === 'fixed' ? { windowStart: m.windowStart } : {}),
  });
  // No api route only without smoke.me, where no check runs (smoke/routes.ts): the KPI file's numbers still size the budget.
  const ra = r.api ?? { ...UNROUTED, key: 'user' as const, scope: 'all' as const };
  const api: Limiter = {
    name: 'api',
    method: ra.method,
    path: ra.path,
    ...(ra.body ? { body: ra.body } : {}),
    key: ra.key,
    scope: ra.scope,
    model: model(ra, ra.limit ?? params.rateLimit.requests, ra.windowS ?? params.rateLimit.windowS),
    documented: true,
  };
  // Without a documented login limit, "its own" means at most twice the lockout threshold per window.
  const loginLimit = r.login.limit ?? params.loginRateLimit?.requests ?? params.lockout.attempts * 2;
  const login: Limiter = {
    name: 'login',
    method: config.login.method,
    // Left out only where nothing logs in (smoke/routes.ts): the model alone sizes the budget.
    path: config.login.path ?? '',
    key: r.login.key,
    scope: r.login.scope,
    model: model(r.login, loginLimit, r.login.windowS ?? params.loginRateLimit?.windowS ?? params.rateLimit.windowS),
    documented: r.login.limit !== undefined || params.loginRateLimit !== undefined,
  };
  const a = r.anonymous;
  const anonymous: Limiter = a
    ? {
        name: 'anonymous',
        method: a.method,
        path: a.path,
        ...(a.body ? { body: a.body } : {}),
        key: a.key,
        scope: a.scope,
        model: model(a, a.limit ?? params.rateLimit.requests, a.windowS ?? params.rateLimit.windowS),
        documented: true,
      }
    : { ...api, name: 'anonymous', key: 'anonymous' };
  return { api, login, anonymous };
}

/** Who a probe is, as the history records it (hashes, see history.ts). */
export interface Who {
  credentials?: readonly string[];
  subject?: string;
}

const sameRoute = (e: Sent, l: { method: string; path: string }) =>
  e.method === l.method.toUpperCase() && e.path === l.path;

/**
 * The times of the suite's answered requests that count on this limiter's key for `who`: on its route
 * (scope route) or on every route without a limiter of its own (scope all); a 429 takes no slot. This is the
 * most the window can hold: for an anonymous key it includes requests whose credential the target refused
 * (401), because a platform whose authentication is optional (an invalid token makes the caller anonymous, as
 * in many Express, Fastify and FastAPI stacks) counts them on the caller's address, while one that refuses them
 * before throttling (Django REST Framework) does not count them at all.
 */
export function historyFor(log: readonly Sent[], lim: Limiter, all: readonly Limiter[], who: Who): number[] {
  const own = all.filter((o) => o.scope === 'route' && !(o.method === lim.method && o.path === lim.path));
  return log
    .filter((e) => {
      if (e.status === 429 || e.status === 0) return false;
      if (lim.scope === 'route' ? !sameRoute(e, lim) : own.some((o) => sameRoute(e, o))) return false;
      if (lim.key === 'address') return true;
      // 401 by its HTTP meaning (RFC 9110 15.5.2: no valid credentials), as 429 above: not a platform's choice of status.
      if (lim.key === 'anonymous') return e.credential === '' || e.status === 401;
      return (who.credentials ?? []).includes(e.credential) || (who.subject !== undefined && e.subject === who.subject);
    })
    .map((e) => e.t);
}

/**
 * The part of that history the limiter counts for certain: requests on its own route, and for an anonymous key
 * only those that carried no credential. A limiter over all routes may exempt some the suite cannot know (health
 * checks, pages, webhooks), so its window holds at least these and at most the whole history; the probes are
 * judged against both ends.
 */
export function certainHistoryFor(log: readonly Sent[], lim: Limiter, all: readonly Limiter[], who: Who): number[] {
  const onRoute = lim.scope === 'route' ? log : log.filter((e) => sameRoute(e, lim));
  return historyFor(lim.key === 'anonymous' ? onRoute.filter((e) => e.credential === '') : onRoute, lim, all, who);
}

export const describeKey = (k: LimitKey) =>
  k === 'user' ? 'keyed by user' : k === 'address' ? 'keyed by address' : 'keyed by address (anonymous)';
