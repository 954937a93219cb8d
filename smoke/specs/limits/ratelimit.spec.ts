import { test, check, control, requireControl } from '../../lib/fixtures.ts';
import { login, newEmail, ok, strongPassword, userSession } from '../../lib/auth.ts';
import type { Api, Req, Res, Session } from '../../lib/http.ts';
import type { SmokePlan } from '../../lib/plan.ts';
import type { Recorder } from '../../lib/evidence.ts';
import { digest, readSent } from '../../lib/history.ts';
import { historyFor, resolveLimiters, type Limiter, type Who } from '../../lib/limits.ts';
import { burstText, expectedText, honourText, probeBurst, probeRetryAfter, realClock, spoofedEscapes, type Honour } from '../../lib/limit-probe.ts';
import { judgeBurst, toleranceCount, type BurstJudgement } from '../../lib/ratelimit-model.ts';
import { fillTemplate } from '../../lib/template.ts';

// A burst longer than this proves nothing a shorter one does not, and the test's own timeout must still hold the Retry-After wait.
const BURST_DEADLINE_MS = 45_000;
const signalled = (r: Res) => 'retry-after' in r.headers || 'ratelimit-reset' in r.headers || 'ratelimit-limit' in r.headers || 'x-ratelimit-limit' in r.headers || 'ratelimit' in r.headers;

/** A request on the limiter's route; a body template gets a throwaway account's email and password. */
function routeRequest(plan: SmokePlan, lim: Limiter, session: Session | null): Req {
  const body = lim.body ? { json: fillTemplate(lim.body, { email: newEmail(plan, `ratelimit-${lim.name}-nobody`), password: strongPassword() }) } : {};
  return { method: lim.method, path: lim.path, ...body, session, expect429: true };
}

/** Bursts on one limiter, judged against its model with the suite's own earlier requests on the key as history. */
async function measure(plan: SmokePlan, rec: Recorder, lim: Limiter, who: Who, send: () => Promise<Res>, atMost: boolean, noun: string) {
  const limiters = resolveLimiters(plan.config, plan.params);
  const history = historyFor(readSent(plan.stateDir), lim, Object.values(limiters), who);
  const tolerance = toleranceCount(lim.model.limit, plan.params.rateLimit.tolerance);
  const burst = await probeBurst({ model: lim.model, history, tolerance, send, clock: realClock, deadlineMs: BURST_DEADLINE_MS });
  const judgement = judgeBurst({ model: lim.model, history, sends: burst.sends, limitedAt: burst.limitedAt, tolerance, atMost });
  rec.expected = expectedText(lim, tolerance, atMost, noun);
  rec.actual = burstText(lim, judgement, noun);
  rec.detail('limit', judgement.observedLimit);
  rec.detail('windowS', lim.model.windowMs / 1000);
  rec.detail('model', { ...lim.model, key: lim.key, predicted: judgement.predicted, heldBefore: judgement.heldBefore, historyInRun: history.length });
  return { burst, judgement, history };
}

/** The checks every limiter shares: limited as the model says, the 429 announces a wait, and the wait is honoured. */
async function judgeLimiter(plan: SmokePlan, rec: Recorder, lim: Limiter, j: BurstJudgement, limited: Res | undefined, send: () => Promise<Res>): Promise<Honour | undefined> {
  control(!j.inconclusive, `${rec.actual}: ${j.problem}`);
  check(j.ok, `${rec.actual}: ${j.problem}`);
  check(limited && signalled(limited), `${rec.actual}, but the 429 carries neither Retry-After nor RateLimit headers`);
  const honour = await probeRetryAfter({ limited, send, clock: realClock, maxWaitS: plan.config.ratelimit.maxWaitS });
  rec.actual = `${rec.actual}; ${honourText(honour, plan.config.ratelimit.maxWaitS)}`;
  check(honour.kind !== 'refused', rec.actual);
  return honour;
}

// Bursts run last (this folder runs after the other specs) and are bounded by the model (see burstDone).
test('[ratelimit.login] login has its own limit', async ({ api, plan, rec }) => {
  const lim = resolveLimiters(plan.config, plan.params).login;
  // Keyed by user: a fresh address of the suite's own starts with an empty window; by address: the suite's earlier logins count.
  const email = newEmail(plan, 'login-limit-nobody');
  const send = async () => (await login(api, plan, email, strongPassword(), { expect429: true })).res;
  const { judgement, burst } = await measure(plan, rec, lim, { subject: digest(email.toLowerCase()) }, send, !lim.documented, 'login attempts');
  rec.measure('ratelimit_login_limit', { value: judgement.observedLimit }, judgement.limited ? {} : { note: `no 429 within ${judgement.measured} attempts (lower bound)` });
  await judgeLimiter(plan, rec, lim, judgement, burst.limited, send);
});

test('[ratelimit.api] the API answers 429 with Retry-After past the documented limit', async ({ api, plan, rec }) => {
  const lim = resolveLimiters(plan.config, plan.params).api;
  // A fresh account of the suite's own: keyed by user, its window holds only this probe's requests.
  const session = lim.key === 'anonymous' ? null : (await requireControl('an account of the suite', () => userSession(api, plan, 'ratelimit', true))).session;
  const send = () => api.send(routeRequest(plan, lim, session));
  const { judgement, burst } = await measure(plan, rec, lim, { credentials: session?.access ? [digest(session.access)] : [] }, send, false, 'requests');
  if (burst.first && burst.first.status !== 429) {
    control(session ? ok(burst.first) : burst.first.status < 500, `the probed route answered ${burst.first.status} before any limit applied`);
  }
  rec.measure('ratelimit_api_limit', { value: judgement.observedLimit }, judgement.limited ? {} : { note: `no 429 within ${judgement.measured} requests (lower bound)` });
  await judgeLimiter(plan, rec, lim, judgement, burst.limited, send);
});

test('[ratelimit.forwarded-for] a rotating X-Forwarded-For does not reset the limit', async ({ api, plan, rec }) => {
  const lim = resolveLimiters(plan.config, plan.params).anonymous;
  const send = () => api.send(routeRequest(plan, lim, null));
  const { judgement, burst, history } = await measure(plan, rec, lim, {}, send, false, 'requests');
  // Control: requests from this address do get limited.
  control(burst.limited, `requests without credentials were never limited: ${rec.actual}`);
  const spoofed: Array<{ t: number; status: number; ip: string }> = [];
  for (let i = 0; i < 5; i++) {
    const ip = `203.0.113.${10 + i}`;
    const t = Date.now();
    const r = await sendSpoofed(api, routeRequest(plan, lim, null), ip);
    spoofed.push({ t, status: r.status, ip });
  }
  const { answered, explained } = spoofedEscapes({ model: lim.model, history, burst, spoofed, graceMs: 1000 });
  const escaped = spoofed.filter((s) => s.status !== 429).map((s) => `${s.ip} -> ${s.status}`);
  rec.actual = `${burstText(lim, judgement)}; then ${spoofed.length} requests with a rotated X-Forwarded-For: ${escaped.length ? `answered ${escaped.join(', ')}` : 'all 429'}${explained ? ` (the model frees ${explained} slot(s) meanwhile)` : ''}`;
  check(answered <= explained, `rotating X-Forwarded-For escaped the limit: ${escaped.join(', ')} (a correct limiter frees ${explained} slot(s) meanwhile)`);
});

const sendSpoofed = (api: Api, req: Req, ip: string) => api.send({ ...req, headers: { ...(req.headers ?? {}), 'x-forwarded-for': ip, 'x-real-ip': ip } });
