import { ConfigError } from '../core/errors.ts';
import type { UserRateLimit } from './context.ts';

export const USER_RATE_LIMIT_ENV = 'GONOGO_REFERENCE_USER_RATE_LIMIT';

/** GONOGO_REFERENCE_USER_RATE_LIMIT read; a malformed value is a ConfigError naming the variable. */
export function userRateLimitFrom(value: string | undefined): UserRateLimit | null {
  if (!value) return null;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new ConfigError(USER_RATE_LIMIT_ENV, [
      `the environment variable must look like MAX/WINDOW_MS, e.g. 100/10000 (received: ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)})`,
    ]);
  return { max: Number(m[1]), windowMs: Number(m[2]) };
}
