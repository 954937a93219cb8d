import { randomBytes, randomInt } from 'node:crypto';

/**
 * A random token for the "random token is rejected" probe. A numeric code gets a random code of the same
 * length, so the platform has to look it up rather than refuse it for its format; anything else a random base64url string.
 */
export function randomTokenLike(token: string | undefined): string {
  if (token && /^\d{1,32}$/.test(token)) {
    for (;;) {
      const code = Array.from({ length: token.length }, () => randomInt(10)).join('');
      if (code !== token) return code;
    }
  }
  return randomBytes(24).toString('base64url');
}
