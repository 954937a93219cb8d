import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { Harness } from './support.ts';
import {
  ACCESS_TTL_ENV,
  LOGIN_RATE_LIMIT_ENV,
  accessTtlFrom,
  loginRateLimitFrom,
} from '../../reference-app/login-knobs.ts';

describe('testing-only login limit and token lifetime', () => {
  it('refuses malformed values, naming the variable', () => {
    expect(loginRateLimitFrom(undefined)).toBeNull();
    expect(loginRateLimitFrom('30/60000')).toEqual({ max: 30, windowMs: 60_000 });
    expect(() => loginRateLimitFrom('30 per minute')).toThrow(
      /GONOGO_REFERENCE_LOGIN_LIMIT.*MAX\/WINDOW_MS, e\.g\. 30\/60000/,
    );
    expect(accessTtlFrom('')).toBeNull();
    expect(accessTtlFrom('300')).toBe(300);
    expect(() => accessTtlFrom('2')).toThrow(/GONOGO_REFERENCE_ACCESS_TTL_S.*at least 5/);
    expect(() => accessTtlFrom('5m')).toThrow(/GONOGO_REFERENCE_ACCESS_TTL_S/);
  });

  describe('on the marketplace dialect (fixed windows)', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await Harness.start([], { [LOGIN_RATE_LIMIT_ENV]: '2/10000', [ACCESS_TTL_ENV]: '60' });
    }, 60_000);
    afterAll(async () => {
      await h?.stop();
    });

    it('limits logins per address for the allowlisted load generator too, and issues tokens of that lifetime', async () => {
      expect(h.info.loginRateLimit).toEqual({ max: 2, windowMs: 10_000 });
      expect(h.info.accessLifetimeS).toBe(60);
      const a = h.info.accounts[0]!;
      // 127.0.0.2 is exempt from every other limit; from one address, the third login within 10 s is refused.
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push(
          await h.call('POST', '/api/auth/login', {
            body: { email: a.email, password: a.password },
            from: '127.0.0.2',
          }),
        );
      expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
      const token = (answers[0]!.json as { access_token: string }).access_token;
      const c = decodeJwt(token);
      expect(c.exp! - c.iat!).toBe(60);
      // Another address has a window of its own.
      expect(
        (await h.call('POST', '/api/auth/login', { body: { email: a.email, password: a.password }, from: '127.0.0.1' }))
          .status,
      ).toBe(200);
    });
  });
});
