import type { Sent } from './history.ts';
import type { LimitKey, Limiter } from '../../core/signin/limits.ts';

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
