/**
 * What a correct rate limiter answers, as a pure function of time: the probes replay the suite's own
 * earlier requests on a key (its history) and the burst they send, and judge the target against the
 * prediction instead of assuming an empty window. No clock is read here: every time is passed in (ms).
 */
export type Algorithm = 'fixed' | 'sliding' | 'token-bucket';

export interface LimitModel {
  algorithm: Algorithm;
  /** Requests per window (token bucket: the capacity, refilled by `limit` per window). */
  limit: number;
  windowMs: number;
  /** Fixed windows only: opened by the key's first request (Redis INCR+EXPIRE, @fastify/rate-limit) or aligned to the clock. */
  windowStart?: 'first-request' | 'clock';
}

/** One limiter key's state. `record` counts a request the target answered, even where the model would have refused it: the target's answer wins. */
export interface ModelState {
  admits(t: number): boolean;
  record(t: number): void;
  /** Requests that would be answered if sent all at once at `t`. */
  remaining(t: number): number;
  /** Earliest time at or after `t` when a request would be answered. */
  nextFreeAt(t: number): number;
}

function fixedState(m: LimitModel): ModelState {
  let start: number | undefined;
  let count = 0;
  const roll = (t: number) => {
    if (m.windowStart === 'clock') {
      const s = Math.floor(t / m.windowMs) * m.windowMs;
      if (s !== start) {
        start = s;
        count = 0;
      }
    } else if (start !== undefined && t >= start + m.windowMs) {
      start = undefined;
      count = 0;
    }
  };
  return {
    admits: (t) => {
      roll(t);
      return count < m.limit;
    },
    record: (t) => {
      roll(t);
      if (start === undefined) start = t;
      count++;
    },
    remaining: (t) => {
      roll(t);
      return Math.max(0, m.limit - count);
    },
    nextFreeAt: (t) => {
      roll(t);
      return count < m.limit || start === undefined ? t : start + m.windowMs;
    },
  };
}

/** A sliding log (DRF's SimpleRateThrottle, the `limits` library's moving window): the last `windowMs` hold at most `limit` answered requests. */
function slidingState(m: LimitModel): ModelState {
  const times: number[] = [];
  const expire = (t: number) => {
    while (times.length && times[0]! + m.windowMs <= t) times.shift();
  };
  return {
    admits: (t) => {
      expire(t);
      return times.length < m.limit;
    },
    record: (t) => {
      expire(t);
      times.push(t);
      times.sort((a, b) => a - b);
    },
    remaining: (t) => {
      expire(t);
      return Math.max(0, m.limit - times.length);
    },
    nextFreeAt: (t) => {
      expire(t);
      return times.length < m.limit ? t : times[times.length - m.limit]! + m.windowMs;
    },
  };
}

/** Capacity `limit`, refilled continuously at `limit` per window, full at first. */
function bucketState(m: LimitModel): ModelState {
  const rate = m.limit / m.windowMs;
  let tokens = m.limit;
  let last: number | undefined;
  const refill = (t: number) => {
    if (last !== undefined && t > last) tokens = Math.min(m.limit, tokens + (t - last) * rate);
    if (last === undefined || t > last) last = t;
  };
  // Float refill must not turn an exact token into 0.9999...
  const EPS = 1e-9;
  return {
    admits: (t) => {
      refill(t);
      return tokens >= 1 - EPS;
    },
    record: (t) => {
      refill(t);
      tokens = Math.max(0, tokens - 1);
    },
    remaining: (t) => {
      refill(t);
      return Math.floor(tokens + EPS);
    },
    nextFreeAt: (t) => {
      refill(t);
      return tokens >= 1 - EPS ? t : t + Math.ceil((1 - tokens) / rate);
    },
  };
}

export function modelState(m: LimitModel): ModelState {
  if (m.algorithm === 'fixed') return fixedState(m);
  if (m.algorithm === 'sliding') return slidingState(m);
  return bucketState(m);
}

/** The state after the key's history (times of requests the target answered). */
export function afterHistory(m: LimitModel, history: readonly number[]): ModelState {
  const s = modelState(m);
  for (const t of [...history].sort((a, b) => a - b)) s.record(t);
  return s;
}

/**
 * How many of a burst a correct limiter answers before its first 429: history and sends are replayed in
 * time order at their real times (slots free during a long burst); past the last send the rest is assumed
 * to come at once.
 */
export function predictAnswered(m: LimitModel, history: readonly number[], sends: readonly number[]): number {
  const s = modelState(m);
  const h = [...history].sort((a, b) => a - b);
  let j = 0;
  for (let i = 0; i < sends.length; i++) {
    while (j < h.length && h[j]! <= sends[i]!) s.record(h[j++]!);
    if (!s.admits(sends[i]!)) return i;
    s.record(sends[i]!);
  }
  const last = sends.length ? sends[sends.length - 1]! : h.length ? h[h.length - 1]! : 0;
  while (j < h.length && h[j]! <= last) s.record(h[j++]!);
  return sends.length + s.remaining(last);
}

/** Requests of the history that still hold a slot at `t` (what "the window already held" means for this algorithm). */
export function usedAt(m: LimitModel, history: readonly number[], t: number): number {
  return (
    m.limit -
    afterHistory(
      m,
      history.filter((h) => h <= t),
    ).remaining(t)
  );
}

/** Absolute tolerance on a count: the KPI tolerance of the limit, at least one request. */
export function toleranceCount(limit: number, tolerance: number): number {
  return Math.max(1, Math.ceil(limit * tolerance - 1e-9));
}

/** A burst has said enough once it is `tolerance + 1` requests past what the model answers, or at the hard bound. */
export function burstDone(m: LimitModel, history: readonly number[], sends: readonly number[], tol: number): boolean {
  const hardBound = 2 * m.limit + 2 * tol + 2;
  return sends.length >= hardBound || sends.length > predictAnswered(m, history, sends) + tol;
}

export interface BurstJudgement {
  ok: boolean;
  /** Answered before the 429 (or every send when none came: then a lower bound). */
  measured: number;
  predicted: number;
  /** With an uncertain history: the latest 429 a correct limiter may give (only the certain history counted). */
  predictedAtMost?: number;
  limited: boolean;
  /** The limit the target enforced, as the model reads it: the configured limit moved by the surplus (a lower bound when never limited). */
  observedLimit: number;
  /** Slots the suite's history held when the burst began. */
  heldBefore: number;
  /** The burst stopped (hard bound or deadline) before the model's 429 was due: nothing was proven either way. */
  inconclusive?: boolean;
  problem?: string;
}

/**
 * Judges a burst against the model: `limitedAt` is the index of the first 429 among `sends` (undefined: none).
 * `atMost` judges only the upper side (an undocumented limit: stricter is fine).
 */
export function judgeBurst(o: {
  model: LimitModel;
  history: readonly number[];
  sends: readonly number[];
  limitedAt: number | undefined;
  tolerance: number;
  atMost?: boolean;
  /** The part of `history` the limiter counts for certain (default: all of it); the rest may be exempt. */
  certain?: readonly number[];
}): BurstJudgement {
  const limited = o.limitedAt !== undefined;
  const measured = o.limitedAt ?? o.sends.length;
  const judged = o.sends.slice(0, limited ? measured + 1 : o.sends.length);
  const predicted = predictAnswered(o.model, o.history, judged);
  // The latest 429 a correct limiter may give: only the certain history held slots.
  const latest = o.certain ? predictAnswered(o.model, o.certain, judged) : predicted;
  const heldBefore = o.sends.length ? usedAt(o.model, o.history, o.sends[0]!) : 0;
  const observedLimit = o.model.limit + measured - Math.min(Math.max(measured, predicted), latest);
  const range = latest > predicted ? `${predicted} to ${latest}` : `${predicted}`;
  const base = {
    measured,
    predicted,
    ...(latest > predicted ? { predictedAtMost: latest } : {}),
    limited,
    observedLimit,
    heldBefore,
  };
  if (!limited && measured <= latest + o.tolerance)
    return {
      ...base,
      ok: false,
      inconclusive: true,
      problem: `the burst ended after ${measured} requests, before the model's 429 after ${range} was due`,
    };
  if (!limited)
    return {
      ...base,
      ok: false,
      problem: `never limited within ${measured} requests (the model predicted a 429 after ${range})`,
    };
  if (measured > latest + o.tolerance)
    return {
      ...base,
      ok: false,
      problem: `limited only after ${measured} requests, ${measured - latest} more than the model's ${range} (tolerance ${o.tolerance})`,
    };
  if (!o.atMost && measured < predicted - o.tolerance)
    return {
      ...base,
      ok: false,
      problem: `limited after ${measured} requests, ${predicted - measured} fewer than the model's ${predicted} (tolerance ${o.tolerance})`,
    };
  return { ...base, ok: true };
}

/** Of the requests sent at `times` after the state so far, how many a correct limiter may answer (each checked `graceMs` late: edges of clock and latency). */
export function admissible(state: ModelState, times: readonly number[], graceMs: number): number {
  let n = 0;
  for (const t of times)
    if (state.admits(t + graceMs)) {
      state.record(t + graceMs);
      n++;
    }
  return n;
}

export const describeModel = (m: LimitModel) => `${m.algorithm} ${m.limit}/${Math.round(m.windowMs / 100) / 10}s`;
