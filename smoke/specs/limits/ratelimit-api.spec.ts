import { test, control, requireControl } from '../../lib/fixtures.ts';
import { ok, userSession } from '../../lib/auth.ts';
import { digest } from '../../lib/history.ts';
import { resolveLimiters } from '../../../core/signin/limits.ts';
import {
  apiAccountSection,
  judgeLimiter,
  measureLimiter,
  routeRequest,
  sharedKeysSection,
} from '../../lib/limit-checks.ts';

// Its own file: keyed by user, its burst shares no key with the other limit probes and may run beside them (see smoke/playwright.ts).
test('[ratelimit.api] the API answers 429 with Retry-After past the documented limit', async ({ api, plan, rec }) => {
  const lim = resolveLimiters(plan.config, plan.params).api;
  // A fresh account of the suite's own: keyed by user, its window holds only this probe's requests. Getting it spends
  // anonymous and login requests, so it takes the lock of those keys' probes (first: see sharedKeysSection).
  const session =
    lim.key === 'anonymous'
      ? null
      : (
          await apiAccountSection(plan, () =>
            requireControl('an account of the suite', () => userSession(api, plan, 'ratelimit', true)),
          )
        ).session;
  const probe = async () => {
    const send = () => api.send(routeRequest(plan, lim, session));
    const { judgement, burst } = await measureLimiter(
      plan,
      rec,
      lim,
      { credentials: session?.access ? [digest(session.access)] : [] },
      send,
      false,
      'requests',
    );
    if (burst.first && burst.first.status !== 429) {
      control(
        session ? ok(burst.first) : burst.first.status < 500,
        `the probed route answered ${burst.first.status} before any limit applied`,
      );
    }
    rec.measure(
      'ratelimit_api_limit',
      { value: judgement.observedLimit },
      judgement.limited ? {} : { note: `no 429 within ${judgement.measured} requests (lower bound)` },
    );
    await judgeLimiter(plan, rec, judgement, burst.limited, send);
  };
  await (lim.key === 'user' ? probe() : sharedKeysSection(plan, probe));
});
