import {
  accountVars,
  buildRequest,
  captureVars,
  stepsFor,
  type PlanJourney,
  type PlanStep,
  type PoolAccount,
  type Vars,
} from '../../scenarios/journey-core.ts';
import {
  afterRefresh,
  canRefresh,
  cookieFrom,
  readSession,
  refreshRequest,
  renewDue,
  type Answer,
  type Session,
  type SessionSpec,
} from '../../scenarios/session-core.ts';
import type { LoadCollector } from '../collector.ts';

/**
 * One autocannon connection as a k6-like virtual user: walks its journey step by step, keeps the
 * variables it captured (token), ends the iteration on a failed step and sleeps the think time.
 */
export class VirtualUser {
  vars: Vars = {};
  private first = true;
  private steps: PlanStep[];
  private index = 0;
  private sleepMs = 0;
  /** The step whose request is on the wire, and the outcome of the last answered one. */
  inflight: PlanStep;
  last: { step: PlanStep; failed: boolean; status: number } | null = null;
  /** What survives a new login: the VU's id and its pool account. */
  private readonly own: Vars;
  private session: Session | undefined;
  private readonly logsIn: boolean;

  constructor(
    private readonly journey: PlanJourney,
    private readonly collector: LoadCollector,
    private readonly thinkMs: number,
    private readonly env: (n: string) => string | undefined,
    vuId: number,
    account?: PoolAccount,
    private readonly spec?: SessionSpec,
  ) {
    this.own = { vu: String(vuId), ...accountVars(account) };
    this.vars = { ...this.own, iter: '0' };
    this.logsIn = journey.steps.some((s) => s.once);
    // Logged in by gonogo's login phase: start with the account's token and skip the `once` steps.
    if (this.logsIn && account?.login) {
      Object.assign(this.vars, account.login.vars);
      this.session = account.login.session;
      this.first = false;
    }
    this.steps = stepsFor(journey, this.first);
    this.inflight = this.steps[0]!;
  }

  /** At an iteration's start: a token due for renewal is refreshed first, or the VU logs in again. */
  private beginIteration(): void {
    if (this.logsIn && renewDue(this.session, this.spec, Date.now())) {
      if (canRefresh(this.spec, this.session)) {
        this.steps = [this.spec!.refreshStep!, ...stepsFor(this.journey, false)];
        return;
      }
      this.session = undefined;
      this.first = true;
    }
    this.steps = stepsFor(this.journey, this.first);
  }

  /** The next request, for autocannon's setupRequest. */
  nextRequest(prefix: string): { method: string; path: string; headers: Record<string, string>; body?: string } {
    if (this.index === 0) this.beginIteration();
    this.inflight = this.steps[this.index]!;
    const r =
      this.inflight === this.spec?.refreshStep
        ? refreshRequest(this.spec, this.session!, this.vars, this.env)
        : buildRequest(this.inflight, this.vars, this.env);
    return { method: r.method, path: prefix + r.path, headers: r.headers, body: r.body };
  }

  onResponse(status: number, body: string | null, headers: Record<string, string | string[]> = {}): void {
    const step = this.inflight;
    const statusOk = step.expect.includes(status);
    let ok: boolean;
    if (step === this.spec?.refreshStep) {
      const renewed = afterRefresh(this.spec, answerOf(status, body, headers), this.vars, Date.now());
      this.session = renewed ?? undefined;
      // A failed refresh: log in again in the next iteration.
      if (!renewed) this.first = true;
      ok = renewed !== null;
    } else {
      ok = statusOk && (Object.keys(step.capture).length === 0 || captureVars(step, body, this.vars));
      if (ok && step.login && this.spec)
        this.session = readSession(this.spec, answerOf(status, body, headers), this.vars, Date.now()) ?? undefined;
    }
    this.last = { step, failed: !statusOk, status };
    this.collector.check(ok);
    this.advance(ok);
  }

  /** Timeout or connection error: a failed request of the step in flight. */
  onError(latencyMs: number): void {
    this.collector.record(this.inflight.name, this.inflight.method, latencyMs, true, Date.now(), 0);
    this.collector.check(false);
    this.advance(false);
  }

  private advance(ok: boolean): void {
    const step = this.inflight;
    if (!ok) {
      if (step.once) {
        this.first = true;
        this.session = undefined;
        this.vars = { ...this.own, iter: this.vars.iter! };
      }
      this.endIteration(false);
      return;
    }
    if (step.once) this.first = false;
    this.index += 1;
    if (this.index >= this.steps.length) this.endIteration(true);
  }

  private endIteration(completed: boolean): void {
    if (completed) this.collector.iterations += 1;
    this.vars.iter = String(Number(this.vars.iter) + 1);
    this.index = 0;
    this.sleepMs = this.thinkMs;
  }

  /** Think time owed before the next request (once). */
  takeSleep(): number {
    const ms = this.sleepMs;
    this.sleepMs = 0;
    return ms;
  }
}

/** Headers as autocannon hands them (raw case, repeated ones as arrays) to the engines' common Answer. */
function answerOf(status: number, body: string | null, headers: Record<string, string | string[]>): Answer {
  const get = (name: string): string[] => {
    const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
    const v = k === undefined ? undefined : headers[k];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  return { status, body, header: (n) => get(n)[0], cookie: (n) => cookieFrom(get('set-cookie'), n) };
}

/** A journey autocannon can replay from one prebuilt buffer: one plain step, nothing to capture or wait for. */
export function isStatic(j: PlanJourney, thinkTimeS: number): boolean {
  const s = j.steps[0]!;
  const templated = /\{\{/.test(JSON.stringify([s.path, s.body ?? null, s.headers]));
  return j.steps.length === 1 && thinkTimeS === 0 && !templated && !s.bearer && Object.keys(s.capture).length === 0;
}
