import { ConfigError } from '../core/errors.ts';
import { userRateLimitFrom } from './user-rate-limit.ts';
import type { UserRateLimit } from './context.ts';

/**
 * Testing only: the login route's limit per address as "MAX/WINDOW_MS" (e.g. 30/60000), replacing the dialect's, and
 * counting every address, the allowlisted load generator's included (a platform whose login limit nobody can lift for
 * a test). Serves the load suite's paced logins a platform shape no dialect has.
 */
export const LOGIN_RATE_LIMIT_ENV = 'GONOGO_REFERENCE_LOGIN_LIMIT';
/** Testing only: the access tokens' lifetime in seconds (900 by default), so a short run sees tokens expire. */
export const ACCESS_TTL_ENV = 'GONOGO_REFERENCE_ACCESS_TTL_S';
/** A token must outlive a login and a request or two: below this, no client keeps one. */
export const MIN_ACCESS_TTL_S = 5;

export function loginRateLimitFrom(value: string | undefined): UserRateLimit | null {
  try {
    return userRateLimitFrom(value);
  } catch {
    throw new ConfigError(LOGIN_RATE_LIMIT_ENV, [
      `the environment variable must look like MAX/WINDOW_MS, e.g. 30/60000 (received: ${JSON.stringify(String(value).slice(0, 40))})`,
    ]);
  }
}

export function accessTtlFrom(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < MIN_ACCESS_TTL_S)
    throw new ConfigError(ACCESS_TTL_ENV, [
      `the environment variable must be a whole number of seconds, at least ${MIN_ACCESS_TTL_S} (received: ${JSON.stringify(value.slice(0, 40))})`,
    ]);
  return n;
}
