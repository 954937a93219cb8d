import { test, check, control, requireControl } from '../../lib/fixtures.ts';
import { login, me, newEmail, ok, strongPassword, userSession } from '../../lib/auth.ts';
import { retryAfterS, type Res } from '../../lib/http.ts';
import type { SmokePlan } from '../../lib/plan.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const signalled = (r: Res) => retryAfterS(r.headers) !== undefined || 'ratelimit-limit' in r.headers || 'x-ratelimit-limit' in r.headers || 'ratelimit' in r.headers;

/** Sends until the first 429 or `max` requests; returns how many were answered before the 429. */
async function burst(send: (i: number) => Promise<Res>, max: number): Promise<{ answered: number; limited?: Res }> {
  for (let i = 0; i < max; i++) {
    const r = await send(i);
    if (r.status === 429) return { answered: i, limited: r };
  }
  return { answered: max };
}

const bound = (plan: SmokePlan, n: number) => Math.ceil(n * (1 + plan.params.rateLimit.tolerance)) + 1;

// Bursts run last (this folder runs after the other specs) and are bounded.
test('[ratelimit.login] login has its own limit', async ({ api, plan, rec }) => {
  // Without a documented login limit, "its own" means at most twice the lockout threshold per window.
  const documented = plan.params.loginRateLimit?.requests ?? plan.params.lockout.attempts * 2;
  const email = newEmail(plan, 'login-limit-nobody');
  const { answered, limited } = await burst(async () => (await login(api, plan, email, strongPassword(), { expect429: true })).res, bound(plan, documented) + 1);
  rec.measure('ratelimit_login_limit', { value: answered }, limited ? {} : { note: `no 429 within ${answered} attempts (lower bound)` });
  rec.expected = `429 after about ${documented} attempts (at most ${bound(plan, documented) - 1})`;
  rec.actual = limited ? `429 after ${answered} attempts` : `no 429 within ${answered} attempts`;
  check(limited && answered <= bound(plan, documented) - 1, limited ? `login answered 429 only after ${answered} attempts` : `login was never limited within ${answered} attempts`);
  check(signalled(limited), 'the 429 carries neither Retry-After nor RateLimit headers');
});

test('[ratelimit.api] the API answers 429 with Retry-After past the documented limit', async ({ api, plan, rec }) => {
  const { requests, tolerance } = plan.params.rateLimit;
  const route = plan.config.ratelimit.api;
  const { session } = await requireControl('an account of the suite', () => userSession(api, plan, 'ratelimit', true));
  const first = await me(api, plan, session);
  control(ok(first), `the probed route answered ${first.status} before the burst`);
  const max = bound(plan, requests) + 1;
  const send = () => api.send({ ...route, session, expect429: true });
  let result = await burst(send, max);
  // The control request above counts toward the window too.
  let before = 1;
  const lower = Math.floor(requests * (1 - tolerance));
  // The window may already hold the suite's earlier requests: wait it out (bounded) and measure a fresh one.
  const wait = result.limited ? retryAfterS(result.limited.headers) : undefined;
  if (result.limited && result.answered + 1 < lower && wait !== undefined && wait <= plan.config.ratelimit.maxWaitS) {
    await sleep(wait * 1000 + 200);
    result = await burst(send, max);
    before = 0;
  }
  const answered = result.answered + before;
  rec.measure('ratelimit_api_limit', { value: answered }, result.limited ? {} : { note: `no 429 within ${answered} requests (lower bound)` });
  rec.expected = `429 after ${requests} requests (±${Math.round(tolerance * 100)}%) with Retry-After or RateLimit headers`;
  rec.actual = result.limited ? `429 after ${answered} requests` : `no 429 within ${answered} requests`;
  check(result.limited, `the API was never limited within ${answered} requests`);
  check(signalled(result.limited), 'the 429 carries neither Retry-After nor RateLimit headers');
  check(answered >= lower && answered <= Math.ceil(requests * (1 + tolerance)), `the API limited after ${answered} requests, not ${requests} ±${Math.round(tolerance * 100)}%`);
});

test('[ratelimit.forwarded-for] a rotating X-Forwarded-For does not reset the limit', async ({ api, plan, rec }) => {
  const route = plan.config.ratelimit.api;
  const max = bound(plan, plan.params.rateLimit.requests) + 1;
  // Control: anonymous requests from this address do get limited.
  const plain = await burst(() => api.send({ ...route, expect429: true }), max);
  control(plain.limited, `anonymous requests were never limited within ${max} requests`);
  const escaped: string[] = [];
  for (let i = 0; i < 5; i++) {
    const ip = `203.0.113.${10 + i}`;
    const r = await api.send({ ...route, headers: { 'x-forwarded-for': ip, 'x-real-ip': ip }, expect429: true });
    if (r.status !== 429) escaped.push(`${ip} -> ${r.status}`);
  }
  rec.actual = escaped.length ? `not limited with X-Forwarded-For: ${escaped.join(', ')}` : 'every request with a rotated X-Forwarded-For still got 429';
  check(escaped.length === 0, `rotating X-Forwarded-For escaped the limit: ${escaped.join(', ')}`);
});

