import { retryAfterS } from './http.ts';
import { describeKey } from './limits.ts';
import type { Limiter } from '../../core/signin/limits.ts';
import {
  admissible,
  burstDone,
  describeModel,
  modelState,
  type BurstJudgement,
  type LimitModel,
} from '../../core/ratelimit-model.ts';

/** The probes' view of a response and of time: injected, so the unit tests drive them without sleeping. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
}
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface Burst<R extends Answer> {
  sends: number[];
  limitedAt?: number;
  limited?: R;
  first?: R;
}

/** Sends until the first 429, until the model says enough (see burstDone), or until `deadlineMs` has passed: bounded by construction. */
export async function probeBurst<R extends Answer>(o: {
  model: LimitModel;
  history: readonly number[];
  tolerance: number;
  send: () => Promise<R>;
  clock: Clock;
  deadlineMs?: number;
}): Promise<Burst<R>> {
  // `history` here is what the limiter counts for certain: the burst goes on until the latest 429 a correct one may give.
  const sends: number[] = [];
  let first: R | undefined;
  const until = o.clock.now() + (o.deadlineMs ?? Infinity);
  while (!burstDone(o.model, o.history, sends, o.tolerance) && o.clock.now() < until) {
    const t = o.clock.now();
    const r = await o.send();
    sends.push(t);
    first ??= r;
    if (r.status === 429) return { sends, limitedAt: sends.length - 1, limited: r, first };
  }
  return { sends, ...(first ? { first } : {}) };
}

export type Honour =
  | { kind: 'honoured'; waitS: number }
  | { kind: 'refused'; waitS: number; status: number }
  | { kind: 'not-waited'; waitS: number }
  | { kind: 'absent' };

/** Waits the 429's Retry-After (or RateLimit-Reset), when within `maxWaitS`, and sends once more: a correct limiter answers it. */
export async function probeRetryAfter<R extends Answer>(o: {
  limited: R;
  send: () => Promise<R>;
  clock: Clock;
  maxWaitS: number;
  marginMs?: number;
}): Promise<Honour> {
  const waitS = retryAfterS(o.limited.headers, o.clock.now());
  if (waitS === undefined) return { kind: 'absent' };
  if (waitS > o.maxWaitS) return { kind: 'not-waited', waitS };
  await o.clock.sleep(waitS * 1000 + (o.marginMs ?? 250));
  const r = await o.send();
  return r.status === 429 ? { kind: 'refused', waitS, status: r.status } : { kind: 'honoured', waitS };
}

export function honourText(h: Honour, maxWaitS: number): string {
  switch (h.kind) {
    case 'honoured':
      return `after waiting the announced ${h.waitS} s the next request was answered`;
    case 'refused':
      return `after waiting the announced ${h.waitS} s the next request still got 429`;
    case 'not-waited':
      return `the announced wait of ${h.waitS} s exceeds smoke.ratelimit.maxWaitS (${maxWaitS} s), so it was not waited out`;
    case 'absent':
      return 'the 429 announced no wait (no Retry-After, RateLimit-Reset or RateLimit reset)';
  }
}

/** "429 after 101 requests on GET /api/x keyed by user; model sliding 100/60s predicted 100". */
export function burstText(lim: Limiter, j: BurstJudgement, noun = 'requests'): string {
  const where = `on ${lim.method.toUpperCase()} ${lim.path} ${describeKey(lim.key)}`;
  const held = j.heldBefore > 0 ? `; the window already held ${j.heldBefore} earlier ${noun} of the suite` : '';
  const head = j.limited ? `429 after ${j.measured} ${noun}` : `no 429 within ${j.measured} ${noun}`;
  return `${head} ${where}${held}; model ${describeModel(lim.model)} predicted ${j.predictedAtMost !== undefined ? `${j.predicted} to ${j.predictedAtMost} (some earlier requests may be exempt routes)` : j.predicted}`;
}

export function expectedText(lim: Limiter, tolerance: number, atMost: boolean, noun = 'requests'): string {
  const band = atMost
    ? `at most ${tolerance} more than the model predicts`
    : `within ±${tolerance} of the model's prediction`;
  return `429 ${band} (${describeModel(lim.model)} ${describeKey(lim.key)}, counting the suite's earlier ${noun}), announcing when to retry, and answered again after that wait`;
}

/** How late each spoofed request is judged: an answer may reach the limiter that long after it was sent. */
export const SPOOF_GRACE_MS = 1000;

/**
 * How many spoofed-address requests to send after the burst's 429: at least 5, and enough that a correct limiter
 * refilling at its mean rate (limit per window) frees at most about half of them within the grace. A fast token
 * bucket (100 per 20 s frees 5 a second) would otherwise explain every answer, and the probe could catch nothing.
 * `free` more on top: the slots the model may still find free at the 429 (see freeAtLimit), which a correct
 * limiter would also answer. Never more than the 240 documentation addresses the probe spoofs (203.0.113.10 to .249),
 * nor (before `free`) than the limit itself.
 */
export function spoofedCount(model: LimitModel, graceMs = SPOOF_GRACE_MS, free = 0): number {
  const freed = Math.ceil((model.limit / model.windowMs) * graceMs);
  return Math.min(240, Math.max(5, Math.min(model.limit, 2 * freed + 5)) + free);
}

/** Replays the history and the burst's answered requests: the model's state right after the burst. */
function afterBurst(model: LimitModel, history: readonly number[], burst: Burst<Answer>) {
  const s = modelState(model);
  for (const t of [...history, ...burst.sends.slice(0, burst.limitedAt ?? burst.sends.length)].sort((a, b) => a - b))
    s.record(t);
  return s;
}

/**
 * The slots the model still finds free when the burst got its 429, at either end of the history (see historyFor):
 * a window that the suite's uncertain history overfills or underfills shows here. The probe sends that many more.
 */
export function freeAtLimit(o: {
  model: LimitModel;
  history: readonly number[];
  certain?: readonly number[];
  burst: Burst<Answer>;
}): number {
  const at = o.burst.limitedAt === undefined ? undefined : o.burst.sends[o.burst.limitedAt];
  if (at === undefined) return 0;
  return Math.max(
    ...[o.history, ...(o.certain ? [o.certain] : [])].map((h) => afterBurst(o.model, h, o.burst).remaining(at)),
  );
}

/**
 * Spoofed-address requests sent after the burst's 429: how many a correct limiter keyed by address could
 * still answer (slots that freed meanwhile, each request judged `graceMs` late) against how many were answered.
 * The window held at least `certain` and at most `history` (see historyFor): the explanation is the larger of
 * the two ends, since which earlier requests free a slot during the probe depends on which of them were counted.
 */
export function spoofedEscapes(o: {
  model: LimitModel;
  history: readonly number[];
  certain?: readonly number[];
  burst: Burst<Answer>;
  spoofed: ReadonlyArray<{ t: number; status: number }>;
  graceMs: number;
}): { answered: number; explained: number } {
  const explainedBy = (history: readonly number[]) =>
    admissible(
      afterBurst(o.model, history, o.burst),
      o.spoofed.map((x) => x.t),
      o.graceMs,
    );
  const explained = Math.max(explainedBy(o.history), o.certain ? explainedBy(o.certain) : 0);
  return { answered: o.spoofed.filter((x) => x.status !== 429).length, explained };
}
