import type { Clock } from './limit-probe.ts';
import { modelState, type LimitModel, type ModelState } from '../../core/ratelimit-model.ts';

export interface DemoPair {
  email: string;
  password: string;
}

const unique = (xs: readonly string[]) => {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = x.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

/**
 * What the probe claims to cover, in the order it tries it: every address with its `perAddress` most likely
 * passwords (the team's own first, then the shipped list's most common), the team's own addresses before any
 * default one, and within each of those two groups every address's first password before any address's second.
 * `perAddress` is the lockout threshold: that many failures lock, so the last one tried is still answered honestly.
 */
export function demoClaim(o: {
  own: readonly string[];
  defaults: readonly string[];
  ownPasswords: readonly string[];
  defaultPasswords: readonly string[];
  perAddress: number;
}): DemoPair[] {
  const passwords = unique([...o.ownPasswords, ...o.defaultPasswords]).slice(0, Math.max(0, o.perAddress));
  const own = unique(o.own);
  const taken = new Set(own.map((a) => a.toLowerCase()));
  const defaults = unique(o.defaults).filter((a) => !taken.has(a.toLowerCase()));
  const out: DemoPair[] = [];
  for (const group of [own, defaults])
    for (const password of passwords) for (const email of group) out.push({ email, password });
  return out;
}

/** The login limiter as the probe spends it: one window for all of its attempts (keyed by address) or one per address (keyed by user). */
export interface DemoLimiter {
  model: LimitModel;
  perAddress: boolean;
  history: (email: string) => readonly number[];
}

/** Pacing state per limiter key, seeded with the run's earlier logins on that key. */
export class DemoPacer {
  private readonly states = new Map<string, ModelState>();
  constructor(
    private readonly lim: DemoLimiter,
    private readonly graceMs: number,
  ) {}

  private state(email: string): ModelState {
    const key = this.lim.perAddress ? email.toLowerCase() : '';
    let s = this.states.get(key);
    if (!s) {
      s = modelState(this.lim.model);
      for (const t of [...this.lim.history(email)].sort((a, b) => a - b)) s.record(t);
      this.states.set(key, s);
    }
    return s;
  }

  /** Earliest time at or after `t` when an attempt on this address fits the model; a slot that frees later is taken a grace after it (clock and latency). */
  freeAt(email: string, t: number): number {
    const free = this.state(email).nextFreeAt(t);
    return free <= t ? t : free + this.graceMs;
  }

  /** An attempt the target answered takes a slot (a 429 does not). */
  record(email: string, t: number): void {
    this.state(email).record(t);
  }
}

export type DemoAnswer = { kind: 'in' } | { kind: 'out' } | { kind: 'limited'; retryAfterS: number | undefined };

export interface DemoRun {
  tried: DemoPair[];
  untried: DemoPair[];
  loggedIn: DemoPair[];
  /** Attempts sent, 429s included. */
  attempts: number;
  waitedMs: number;
  /** Why it stopped before the end of the claim: the setting that bounds it. */
  stoppedBy?: 'demoWaitS' | 'demoAttemptsMax' | 'retry-after';
}

/**
 * Tries the claim in order, waiting for the login limiter's model before each attempt, within `waitMs` of waiting
 * in all and at most `maxAttempts` attempts; an address that logged in is not tried again. A 429 the model did not
 * foresee is waited out (its Retry-After, within the same wait budget) and the pair tried again.
 */
export async function runDemo(
  claim: readonly DemoPair[],
  pacer: DemoPacer,
  o: { waitMs: number; maxAttempts?: number; clock: Clock; send: (p: DemoPair) => Promise<DemoAnswer> },
): Promise<DemoRun> {
  const run: DemoRun = { tried: [], untried: [], loggedIn: [], attempts: 0, waitedMs: 0 };
  const found = new Set<string>();
  const wait = async (ms: number) => {
    run.waitedMs += ms;
    await o.clock.sleep(ms);
  };
  let i = 0;
  for (; i < claim.length; i++) {
    const pair = claim[i]!;
    if (found.has(pair.email.toLowerCase())) continue;
    if (o.maxAttempts !== undefined && run.attempts >= o.maxAttempts) {
      run.stoppedBy = 'demoAttemptsMax';
      break;
    }
    const now = o.clock.now();
    const free = pacer.freeAt(pair.email, now);
    if (free - now > o.waitMs - run.waitedMs) {
      run.stoppedBy = 'demoWaitS';
      break;
    }
    if (free > now) await wait(free - now);
    run.attempts++;
    const answer = await o.send(pair);
    if (answer.kind === 'limited') {
      const ms = Math.ceil((answer.retryAfterS ?? Infinity) * 1000);
      if (!Number.isFinite(ms) || ms > o.waitMs - run.waitedMs) {
        run.stoppedBy = 'retry-after';
        break;
      }
      await wait(ms);
      i--;
      continue;
    }
    // Taken when the answer came: the target counted it somewhere in between, so its slot frees no earlier than that.
    pacer.record(pair.email, o.clock.now());
    run.tried.push(pair);
    if (answer.kind === 'in') {
      found.add(pair.email.toLowerCase());
      run.loggedIn.push(pair);
    }
  }
  run.untried = claim.slice(i).filter((p) => !found.has(p.email.toLowerCase()));
  return run;
}
