import { UsageError } from '../core/errors.ts';

/**
 * Upper bounds of a load profile, checked before anything starts. 24 h keeps every engine timer far
 * below Node's 2^31 ms setTimeout ceiling (about 24.8 days), past which a timer fires at once and a
 * "five-day" run would end after a second; 10 000 VUs and 64 k6 processes are beyond what one
 * gonogo host can drive honestly (use `gonogo k6 export` for a cluster).
 */
export const LOAD_LIMITS = { maxVus: 10_000, maxDurationS: 24 * 3600, maxShards: 64, maxParallelism: 1_000 } as const;

const UNIT_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** k6 duration syntax (30s, 5m, 1m30s, 500ms) to seconds. */
export function durationToS(d: string): number {
  if (!DURATION.test(d)) throw new UsageError(`"${d}" is not a duration; use k6 syntax such as 30s, 5m or 1m30s`);
  return [...d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce((s, p) => s + Number(p[1]) * UNIT_S[p[2]!]!, 0);
}

/** A load duration: k6 syntax, more than zero and at most LOAD_LIMITS.maxDurationS. */
export function parseLoadDuration(d: string, flag = '--duration'): number {
  let s: number;
  try {
    s = durationToS(d);
  } catch {
    throw new UsageError(`${flag}: "${d}" is not a k6 duration (e.g. 30s, 5m, 1m30s)`);
  }
  if (!(s > 0)) throw new UsageError(`${flag}: "${d}" is no time at all; a load run needs a duration above zero`);
  if (s > LOAD_LIMITS.maxDurationS)
    throw new UsageError(`${flag}: "${d}" is longer than the maximum of 24h (${LOAD_LIMITS.maxDurationS}s)`);
  return s;
}

/** A count given on the command line: plain decimal digits only (no 1e3, 0x10, spaces or signs), from 1 to max. */
export function parseCount(v: string, flag: string, max: number): number {
  if (!/^\d+$/.test(v))
    throw new UsageError(`${flag}: "${v}" is not a whole number written in decimal digits (e.g. 50)`);
  const n = Number(v);
  if (n < 1) throw new UsageError(`${flag}: "${v}" must be at least 1`);
  if (n > max) throw new UsageError(`${flag}: "${v}" is above the maximum of ${max}`);
  return n;
}
