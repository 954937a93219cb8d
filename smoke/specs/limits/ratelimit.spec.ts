import { test, check, control } from '../../lib/fixtures.ts';
import { login, newEmail, strongPassword } from '../../lib/auth.ts';
import type { Api } from '../../lib/http.ts';
import type { Req } from '../../../core/signin/http.ts';
import { digest } from '../../lib/history.ts';
import { resolveLimiters } from '../../../core/signin/limits.ts';
import { SPOOF_GRACE_MS, burstText, freeAtLimit, spoofedCount, spoofedEscapes } from '../../lib/limit-probe.ts';
import { judgeLimiter, measureLimiter, routeRequest, sharedKeysSection } from '../../lib/limit-checks.ts';
import { probeDemoAccounts } from '../../lib/demo-probe.ts';

// First in this file, so always before the login burst and after the lockout probe: the demo logins fill the login
// window a burst would otherwise leave it to wait out, and the burst is judged against them (they are in the history).
test('[auth.no-demo-accounts] demo accounts cannot log in', async ({ api, plan, rec }) =>
  probeDemoAccounts(api, plan, rec));

// Bursts run last (this folder runs after the other specs), after the lockout probe, and are bounded by the model (see burstDone).
test('[ratelimit.login] login has its own limit', async ({ api, plan, rec }) =>
  sharedKeysSection(plan, async () => {
    const lim = resolveLimiters(plan.config, plan.params).login;
    // Keyed by user: a fresh address of the suite's own starts with an empty window; by address: the suite's earlier logins count.
    const email = newEmail(plan, 'login-limit-nobody');
    const send = async () => (await login(api, plan, email, strongPassword(), { expect429: true })).res;
    const { judgement, burst } = await measureLimiter(
      plan,
      rec,
      lim,
      { subject: digest(email.toLowerCase()) },
      send,
      !lim.documented,
      'login attempts',
    );
    rec.measure(
      'ratelimit_login_limit',
      { value: judgement.observedLimit },
      judgement.limited ? {} : { note: `no 429 within ${judgement.measured} attempts (lower bound)` },
    );
    await judgeLimiter(plan, rec, judgement, burst.limited, send);
  }));

test('[ratelimit.forwarded-for] a rotating X-Forwarded-For does not reset the limit', async ({ api, plan, rec }) =>
  sharedKeysSection(plan, async () => {
    const lim = resolveLimiters(plan.config, plan.params).anonymous;
    const send = () => api.send(routeRequest(plan, lim, null));
    const { judgement, burst, history, certain } = await measureLimiter(plan, rec, lim, {}, send, false, 'requests');
    // Control: requests from this address do get limited.
    control(burst.limited, `requests without credentials were never limited: ${rec.actual}`);
    const spoofed: Array<{ t: number; status: number; ip: string }> = [];
    const count = spoofedCount(lim.model, SPOOF_GRACE_MS, freeAtLimit({ model: lim.model, history, certain, burst }));
    for (let i = 0; i < count; i++) {
      const ip = `203.0.113.${10 + i}`;
      const t = Date.now();
      const r = await sendSpoofed(api, routeRequest(plan, lim, null), ip);
      spoofed.push({ t, status: r.status, ip });
    }
    // A correct limiter may free a slot meanwhile (sliding window, token bucket): only answers beyond those are escapes.
    const { answered, explained } = spoofedEscapes({
      model: lim.model,
      history,
      certain,
      burst,
      spoofed,
      graceMs: SPOOF_GRACE_MS,
    });
    const escaped = spoofed.filter((s) => s.status !== 429).map((s) => `${s.ip} -> ${s.status}`);
    rec.actual = `${burstText(lim, judgement)}; then ${spoofed.length} requests with a rotated X-Forwarded-For: ${escaped.length ? `answered ${escaped.join(', ')}` : 'all 429'}${explained ? ` (the model frees ${explained} slot(s) meanwhile)` : ''}`;
    // Answers a correct limiter explains all of prove nothing: a limiter that ignores the header looks the same.
    control(
      answered === 0 || explained < spoofed.length,
      `a correct limiter could have answered all ${spoofed.length} spoofed requests (${explained} slot(s) free meanwhile), so an escape could not be told apart: ${rec.actual}`,
    );
    check(
      answered <= explained,
      `rotating X-Forwarded-For escaped the limit: ${escaped.join(', ')} (a correct limiter frees ${explained} slot(s) meanwhile)`,
    );
  }));

const sendSpoofed = (api: Api, req: Req, ip: string) =>
  api.send({ ...req, headers: { ...(req.headers ?? {}), 'x-forwarded-for': ip, 'x-real-ip': ip } });
