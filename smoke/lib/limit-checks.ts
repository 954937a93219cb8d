import { check, control, covered } from './outcome.ts';
import { newEmail, strongPassword } from './auth.ts';
import type { Req, Res, Session } from '../../core/signin/http.ts';
import type { SmokePlan } from './plan.ts';
import type { Recorder } from './evidence.ts';
import { readSent } from './history.ts';
import { exclusive, readState, writeState } from './state.ts';
import { certainHistoryFor, historyFor, type Who } from './limits.ts';
import { resolveLimiters, type Limiter } from '../../core/signin/limits.ts';
import {
  burstText,
  expectedText,
  honourText,
  probeBurst,
  probeRetryAfter,
  realClock,
  type Honour,
} from './limit-probe.ts';
import { judgeBurst, toleranceCount, type BurstJudgement } from '../../core/ratelimit-model.ts';
import { fillTemplate } from '../../core/template.ts';

/** The steps the rate-limit specs share: a burst on one limiter judged against its model, then the announced wait. */

const SHARED_KEYS = 'limits-shared-keys';

const API_ACCOUNT_READY = 'limits-api-account-ready';
// How long the other limit probes wait for the per-user API probe's account before taking the lock anyway.
const API_ACCOUNT_WAIT_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Held at most one limits-phase test's time (see smoke/playwright.ts): an older lock was left by a killed worker.
const lockSharedKeys = <T>(plan: SmokePlan, fn: () => Promise<T>) =>
  exclusive(SHARED_KEYS, fn, 2 * plan.budget.checkTimeoutS * 1000);

/**
 * Limit probes that spend login attempts or the anonymous address run one at a time, even beside a per-user API
 * probe (see smoke/playwright.ts). With a per-user API limit, they first let that probe take its account: its
 * section is one registration and login, theirs last a window or more, and its burst then overlaps them instead of
 * waiting behind all of them (bounded: after API_ACCOUNT_WAIT_MS they go ahead).
 */
export async function sharedKeysSection<T>(plan: SmokePlan, fn: () => Promise<T>): Promise<T> {
  if (plan.config.ratelimit.api?.key === 'user') {
    const until = Date.now() + API_ACCOUNT_WAIT_MS;
    while (!readState(API_ACCOUNT_READY) && Date.now() < until) await sleep(100);
  }
  return lockSharedKeys(plan, fn);
}

/** The per-user API probe's account, taken under the same lock, first (see sharedKeysSection): done or failed, the others may go. */
export async function apiAccountSection<T>(plan: SmokePlan, fn: () => Promise<T>): Promise<T> {
  try {
    return await lockSharedKeys(plan, fn);
  } finally {
    writeState(API_ACCOUNT_READY, true);
  }
}

const signalled = (r: Res) =>
  'retry-after' in r.headers ||
  'ratelimit-reset' in r.headers ||
  'ratelimit-limit' in r.headers ||
  'x-ratelimit-limit' in r.headers ||
  'ratelimit' in r.headers;

/** A request on the limiter's route; a body template gets a throwaway account's email and password. */
export function routeRequest(plan: SmokePlan, lim: Limiter, session: Session | null): Req {
  const body = lim.body
    ? {
        json: fillTemplate(lim.body, {
          email: newEmail(plan, `ratelimit-${lim.name}-nobody`),
          password: strongPassword(),
        }),
      }
    : {};
  return { method: lim.method, path: lim.path, ...body, session, expect429: true };
}

/** Bursts on one limiter, judged against its model with the suite's own earlier requests on the key as history. */
export async function measureLimiter(
  plan: SmokePlan,
  rec: Recorder,
  lim: Limiter,
  who: Who,
  send: () => Promise<Res>,
  atMost: boolean,
  noun: string,
) {
  const limiters = resolveLimiters(plan.config, plan.params);
  const log = readSent(plan.stateDir);
  const history = historyFor(log, lim, Object.values(limiters), who);
  const certain = certainHistoryFor(log, lim, Object.values(limiters), who);
  const tolerance = toleranceCount(lim.model.limit, plan.params.rateLimit.tolerance);
  const burst = await probeBurst({
    model: lim.model,
    history: certain,
    tolerance,
    send,
    clock: realClock,
    deadlineMs: plan.config.ratelimit.burstS * 1000,
  });
  const judgement = judgeBurst({
    model: lim.model,
    history,
    certain,
    sends: burst.sends,
    limitedAt: burst.limitedAt,
    tolerance,
    atMost,
  });
  rec.expected = expectedText(lim, tolerance, atMost, noun);
  rec.actual = burstText(lim, judgement, noun);
  rec.detail('limit', judgement.observedLimit);
  rec.detail('windowS', lim.model.windowMs / 1000);
  rec.detail('model', {
    ...lim.model,
    key: lim.key,
    predicted: judgement.predicted,
    ...(judgement.predictedAtMost !== undefined ? { predictedAtMost: judgement.predictedAtMost } : {}),
    heldBefore: judgement.heldBefore,
    historyInRun: history.length,
    historyOnRoute: certain.length,
  });
  return { burst, judgement, history, certain };
}

/** The checks every limiter shares: limited as the model says, the 429 announces a wait, and the wait is honoured. */
export async function judgeLimiter(
  plan: SmokePlan,
  rec: Recorder,
  j: BurstJudgement,
  limited: Res | undefined,
  send: () => Promise<Res>,
): Promise<Honour> {
  control(
    !j.inconclusive,
    `${rec.actual}: ${j.problem} (a burst lasts at most smoke.ratelimit.burstS, ${plan.config.ratelimit.burstS} s; a slow route or a long window may need more)`,
  );
  check(j.ok, `${rec.actual}: ${j.problem}`);
  check(limited && signalled(limited), `${rec.actual}, but the 429 carries neither Retry-After nor RateLimit headers`);
  const honour = await probeRetryAfter({ limited, send, clock: realClock, maxWaitS: plan.budget.maxWaitS });
  rec.actual = `${rec.actual}; ${honourText(honour, plan.budget.maxWaitS)}`;
  check(honour.kind !== 'refused', rec.actual);
  // The claim includes "answered again after the wait": a wait it could not afford leaves that part unproven.
  covered(
    honour.kind !== 'not-waited',
    `${rec.actual}; raise smoke.ratelimit.maxWaitS to see the route answer after the wait`,
  );
  return honour;
}
