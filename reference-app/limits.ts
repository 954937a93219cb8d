import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './context.ts';

/**
 * The limiters of the dialects that do not use a fixed window: a sliding log (Django REST Framework's
 * SimpleRateThrottle keeps the timestamps of the last window per key) and a token bucket (API gateways,
 * one slot freeing at a time). @fastify/rate-limit only has fixed windows, so these two are written here,
 * each a few lines, to make the reference platform behave like those stacks.
 */
export interface LimitRule {
  max: number;
  timeWindow: number;
  keyGenerator?: (req: FastifyRequest) => string;
  /** Counts the allowlisted addresses too (the testing-only login limit). */
  everyAddress?: boolean;
}
export type Algorithm = 'sliding' | 'token-bucket';

export interface Limiter {
  take(key: string, rule: LimitRule, now: number): { ok: true } | { ok: false; retryAfterS: number };
}

export function slidingLog(): Limiter {
  const history = new Map<string, number[]>();
  return {
    take(key, rule, now) {
      const kept = (history.get(key) ?? []).filter((t) => t > now - rule.timeWindow);
      if (kept.length >= rule.max) {
        history.set(key, kept);
        return { ok: false, retryAfterS: Math.max(1, Math.ceil((kept[0]! + rule.timeWindow - now) / 1000)) };
      }
      kept.push(now);
      history.set(key, kept);
      return { ok: true };
    },
  };
}

export function tokenBucket(): Limiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, rule, now) {
      const rate = rule.max / rule.timeWindow;
      const b = buckets.get(key) ?? { tokens: rule.max, at: now };
      b.tokens = Math.min(rule.max, b.tokens + (now - b.at) * rate);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens < 1) return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000)) };
      b.tokens -= 1;
      return { ok: true };
    },
  };
}

/**
 * Registers the limiter as a preHandler (after authentication, so keys can be per user). Routes opt out or set
 * their own rule with the same `config.rateLimit` option @fastify/rate-limit reads.
 */
export function registerLimiter(
  app: FastifyInstance,
  o: {
    algorithm: Algorithm;
    global: ((req: FastifyRequest) => LimitRule) | false;
    key: (req: FastifyRequest) => string;
    skip: (req: FastifyRequest) => boolean;
  },
): void {
  const limiter = o.algorithm === 'sliding' ? slidingLog() : tokenBucket();
  app.addHook('preHandler', async (req, reply) => {
    const own = (req.routeOptions.config as { rateLimit?: LimitRule | false } | undefined)?.rateLimit;
    const rule = own === false ? false : (own ?? (o.global ? o.global(req) : false));
    if (!rule || (o.skip(req) && !rule.everyAddress)) return;
    // A route's own rule counts apart from the global one, as @fastify/rate-limit does.
    const key = own ? `${req.routeOptions.url}:${(own.keyGenerator ?? o.key)(req)}` : o.key(req);
    const r = limiter.take(key, rule, Date.now());
    if (o.algorithm === 'token-bucket') reply.header('X-RateLimit-Limit', String(rule.max));
    if (!r.ok)
      throw new HttpError(429, `Request was throttled. Expected available in ${r.retryAfterS} seconds.`, {
        'Retry-After': String(r.retryAfterS),
      });
  });
}
