/** The rate limiters a sign-in mapping declares (smoke.ratelimit), resolved against the KPI file's numbers: what the smoke probes judge, the load suite's login phase paces to. */
import type { LimitModel } from '../ratelimit-model.ts';
import type { LoginConfig, RatelimitConfig } from './config.ts';

/** The KPI file's numbers a limiter falls back to (its `params`, config/kpis.ts). */
export interface LimitParams {
  rateLimit: { requests: number; windowS: number };
  loginRateLimit?: { requests: number; windowS: number };
  lockout: { attempts: number };
}

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
export function resolveLimiters(
  config: { login: Pick<LoginConfig, 'method' | 'path'>; ratelimit: RatelimitConfig },
  params: LimitParams,
): Record<LimiterName, Limiter> {
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
  // A routed limiter: its own numbers, or the KPI file's API rate.
  const routed = (name: LimiterName, l: typeof ra): Limiter => ({
    name,
    method: l.method,
    path: l.path,
    ...(l.body ? { body: l.body } : {}),
    key: l.key,
    scope: l.scope,
    model: model(l, l.limit ?? params.rateLimit.requests, l.windowS ?? params.rateLimit.windowS),
    documented: true,
  });
  const api = routed('api', ra);
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
  const anonymous: Limiter = a ? routed('anonymous', a) : { ...api, name: 'anonymous', key: 'anonymous' };
  return { api, login, anonymous };
}
