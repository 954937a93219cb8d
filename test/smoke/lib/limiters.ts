import type { Answer, Clock } from '../../../smoke/lib/limit-probe.ts';

/**
 * Correct limiters of each algorithm, driven by an injected clock. Hand-written on purpose: the npm
 * limiters (rate-limiter-flexible, limiter) read Date.now()/hrtime and arm timers themselves, so none
 * can be handed a clock; each one here follows a real implementation and shares no code with the model.
 */
export interface Sim {
  hit(t: number): Answer;
}

const limited = (retryS: number): Answer => ({
  status: 429,
  headers: { 'retry-after': String(Math.max(0, Math.ceil(retryS))) },
});
const answered: Answer = { status: 200, headers: {} };

/** Redis INCR + EXPIRE on first hit (and @fastify/rate-limit's store): refused hits count too, the window ends at its expiry. */
export function fixedSim(limit: number, windowMs: number): Sim {
  let count = 0;
  let expiresAt = -Infinity;
  return {
    hit(t) {
      if (t >= expiresAt) {
        count = 0;
        expiresAt = t + windowMs;
      }
      count++;
      return count <= limit ? answered : limited((expiresAt - t) / 1000);
    },
  };
}

/** DRF's SimpleRateThrottle: a newest-first history; Retry-After is when the oldest entry leaves the window. */
export function slidingSim(limit: number, windowMs: number): Sim {
  const history: number[] = [];
  return {
    hit(t) {
      while (history.length && history[history.length - 1]! <= t - windowMs) history.pop();
      if (history.length >= limit) return limited((windowMs - (t - history[history.length - 1]!)) / 1000);
      history.unshift(t);
      return answered;
    },
  };
}

/** A gateway token bucket: `limit` tokens, refilled continuously at `limit` per window; Retry-After is the time to the next token. */
export function bucketSim(limit: number, windowMs: number): Sim {
  const rate = limit / windowMs;
  let tokens = limit;
  let last = -Infinity;
  return {
    hit(t) {
      if (Number.isFinite(last)) tokens = Math.min(limit, tokens + (t - last) * rate);
      last = t;
      if (tokens < 1) return limited((1 - tokens) / rate / 1000);
      tokens -= 1;
      return answered;
    },
  };
}

export const absentSim = (): Sim => ({ hit: () => answered });

/** A clock the probe sleeps on without sleeping; every request takes `latencyMs`. */
export class FakeClock implements Clock {
  constructor(
    public t: number,
    private readonly latencyMs = 5,
  ) {}
  now = () => this.t;
  sleep = async (ms: number) => {
    this.t += ms;
  };
  /** A send that reaches `sim` at the current time. */
  sender(sim: Sim): () => Promise<Answer> {
    return async () => {
      const r = sim.hit(this.t);
      this.t += this.latencyMs;
      return r;
    };
  }
}

/** The suite's earlier traffic on the key: `count` requests evenly over `spanMs` ending at the clock's time; returns the answered ones' times. */
export function earlier(sim: Sim, clock: FakeClock, count: number, spanMs: number): number[] {
  const start = clock.t;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = start + Math.round((i * spanMs) / Math.max(1, count));
    if (sim.hit(t).status !== 429) times.push(t);
  }
  clock.t = start + spanMs;
  return times;
}
