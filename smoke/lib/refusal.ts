/**
 * What counts as the platform refusing a request a check must not see succeed (a forged token, a replayed
 * webhook, another user's order): `smoke.refusal.statuses`, single statuses and inclusive ranges ("400-428").
 * A 429 is left out by default: a throttled request proves nothing about the protection behind the limiter.
 */
import type { Res } from '../../core/signin/http.ts';
import type { SmokePlan } from './plan.ts';

export type StatusSpec = number | string;

const RANGE = /^(\d{3})-(\d{3})$/;

/** Parses "400-428" into [400, 428]; a single status into [s, s]. */
export function statusRange(spec: StatusSpec): [number, number] {
  if (typeof spec === 'number') return [spec, spec];
  const m = RANGE.exec(spec.trim());
  if (!m) throw new Error(`"${spec}" is not a status or a range like "400-428"`);
  return [Number(m[1]), Number(m[2])];
}

export function isRefusalStatus(status: number, statuses: readonly StatusSpec[]): boolean {
  return statuses.some((s) => {
    const [lo, hi] = statusRange(s);
    return status >= lo && status <= hi;
  });
}

/** The answer refused the request, as the plan's `smoke.refusal.statuses` define a refusal. */
export function isRefused(r: Pick<Res, 'status'>, plan: Pick<SmokePlan, 'config'>): boolean {
  return isRefusalStatus(r.status, plan.config.refusal.statuses);
}
