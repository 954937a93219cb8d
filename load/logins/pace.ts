import { afterHistory, describeModel, type LimitModel } from '../../core/ratelimit-model.ts';

/** The declared login model as the login phase reads it (smoke.ratelimit.login, numbers from the KPI file where unset). */
export interface LoginModel {
  model: LimitModel;
  key: 'user' | 'address' | 'anonymous';
}

/**
 * Slack added to every slot the model frees: the platform counts a request when it arrives, a little after gonogo
 * sent it, and a window edge seen from two clocks. One per cent of the window, at least 250 ms.
 */
export function marginMs(m: LimitModel): number {
  return Math.max(250, Math.ceil(m.windowMs / 100));
}

/**
 * When each login may be sent. Keyed by user, each account spends its own key once: nothing to wait for. Keyed by
 * address (or anonymous), every login of the pool spends one key, so they follow the model: the next one goes at the
 * earliest time a correct limiter answers it, plus the margin. A login counts from its answer (the latest moment the
 * platform can have counted it); one still in flight counts as sent now, so a slow login never lets the next one early.
 */
export class LoginPacer {
  private readonly log: { t: number; settled: boolean }[] = [];
  private blockedUntil = 0;

  constructor(
    private readonly login: LoginModel,
    private readonly margin = marginMs(login.model),
  ) {}

  /** The earliest time (ms) at or after `now` to send the next login. */
  nextAt(now: number): number {
    const t = Math.max(now, this.blockedUntil);
    if (this.login.key === 'user') return t;
    // Every login counted `margin` later than known: the slots free that much later, also for a runner woken by polling.
    const counted = this.log.map((e) => (e.settled ? e.t : Math.max(e.t, now)) + this.margin);
    // A bucket refills from its last take; asked about an earlier time, it would count the refill from there.
    const at = this.login.model.algorithm === 'token-bucket' ? Math.max(t, ...counted) : t;
    return afterHistory(this.login.model, counted).nextFreeAt(at);
  }

  /** A login sent at `t` takes its slot; `settle` moves it to its answer's time. */
  take(t: number): { settle(answeredAt: number): void } {
    const e = { t, settled: false };
    this.log.push(e);
    return {
      settle: (answeredAt) => {
        e.t = Math.max(e.t, answeredAt);
        e.settled = true;
      },
    };
  }

  /** The platform answered 429 (its window held more than the model knew, e.g. earlier logins from this address): wait as told. */
  throttled(now: number, retryAfterMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, now + retryAfterMs + this.margin);
  }

  describe(): string {
    return `${describeModel(this.login.model)} keyed by ${this.login.key === 'user' ? 'user' : 'address'}`;
  }
}

/** When the last of `count` logins goes, from an empty window at 0, each login spending `perLogin` slots (ms). */
export function predictedPhaseMs(login: LoginModel, count: number, perLogin = 1): number {
  const p = new LoginPacer(login);
  let t = 0;
  for (let i = 0; i < count * perLogin; i++) {
    t = p.nextAt(t);
    p.take(t).settle(t);
  }
  return t;
}

/** Retry-After as ms (seconds or an HTTP date); the window when absent or unreadable. */
export function retryAfterMs(value: string | undefined, fallbackMs: number, now = Date.now()): number {
  if (!value) return fallbackMs;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? fallbackMs : Math.max(0, at - now);
}
