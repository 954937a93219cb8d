import {
  buildRequest,
  captureVars,
  type BuiltRequest,
  type PlanStep,
  type PoolAccount,
  type Vars,
  accountVars,
} from '../../scenarios/journey-core.ts';
import { readSession, type Answer, type Session, type SessionSpec } from '../../scenarios/session-core.ts';
import type { Res } from '../../core/signin/http.ts';
import { LoginPacer, predictedPhaseMs, retryAfterMs, type LoginModel } from './pace.ts';

/** A login phase that cannot fit its time bound, or found no account to log in: the run does not start. */
export class LoginPhaseError extends Error {
  override name = 'LoginPhaseError';
}

export interface LoginPhaseInput {
  /** The accounts the VUs will use, in VU order. */
  accounts: readonly PoolAccount[];
  /** The journeys' `once` steps (the login and what it needs), run for each account in order. */
  steps: readonly PlanStep[];
  /** Whether a step is the login route the model limits. */
  isLogin: (s: PlanStep) => boolean;
  login: LoginModel;
  session?: SessionSpec;
  send: (r: BuiltRequest) => Promise<Res>;
  env: (name: string) => string | undefined;
  maxMs: number;
  concurrency: number;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told before the first login: how long the phase takes at least, at which rate (a minute of waiting should not look like a hang). */
  onStart?: (predictedMs: number, model: string) => void;
}

export interface LoginPhaseOutcome {
  /** The same accounts, each with the variables its `once` steps captured and its session (none when its login failed). */
  accounts: PoolAccount[];
  loggedIn: number;
  /** One line per account whose `once` steps failed (no secret in it). */
  failures: string[];
  ms: number;
  /** Requests sent to the login route, and how many of them the platform answered 429. */
  loginRequests: number;
  throttled: number;
  /** The model the logins were paced by, e.g. "sliding 30/60s keyed by address". */
  model: string;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function answerOf(res: Res): Answer {
  return {
    status: res.status,
    body: res.text,
    header: (name) => res.headers[name.toLowerCase()],
    cookie: (name) => res.setCookies.find((c) => c.name === name)?.value,
  };
}

/**
 * Logs in every account before the load, at the rate the declared login model allows: the journeys' `once` steps
 * are run for each account, the ones on the login route each waiting for a slot of the model (a 429 the model did
 * not foresee waits its Retry-After and is tried again), so the VUs start with their tokens and never meet the login
 * limit themselves. Refuses up front a pool the model cannot log in within `maxMs`, and stops at that bound.
 */
export async function runLoginPhase(i: LoginPhaseInput): Promise<LoginPhaseOutcome> {
  const now = i.now ?? Date.now;
  const sleep = i.sleep ?? realSleep;
  const pacer = new LoginPacer(i.login);
  const perAccount = Math.max(1, i.steps.filter(i.isLogin).length);
  const predicted = predictedPhaseMs(i.login, i.accounts.length, perAccount);
  if (predicted > i.maxMs) {
    throw new LoginPhaseError(
      `logging in ${i.accounts.length} load accounts at the login model's rate (${pacer.describe()}, smoke.ratelimit.login) takes at least ${Math.ceil(predicted / 1000)} s, more than load.logins.maxS (${i.maxMs / 1000} s): raise load.logins.maxS, or use fewer accounts (load.accounts; VU i shares account i mod the pool's size)`,
    );
  }
  i.onStart?.(predicted, pacer.describe());
  const started = now();
  const deadline = started + i.maxMs;
  const out: PoolAccount[] = i.accounts.map((a) => ({ email: a.email, password: a.password }));
  const failures: string[] = [];
  let loginRequests = 0;
  let throttled = 0;
  let next = 0;
  let overrun = false;

  /** Waits for the login model's next slot and takes it (check and take in one tick); null when the slot is past the deadline. */
  const slot = async (): Promise<{ settle(t: number): void } | null> => {
    for (;;) {
      const t = now();
      const at = pacer.nextAt(t);
      if (at > deadline) return null;
      if (at <= t) return pacer.take(t);
      // Wake at least every 250 ms: a login in flight that is answered frees its slot's time.
      await sleep(Math.min(at - t, 250));
    }
  };

  const loginOne = async (index: number): Promise<void> => {
    const account = i.accounts[index]!;
    const vars: Vars = { vu: String(index + 1), iter: '0', ...accountVars(account) };
    let session: Session = {};
    for (const step of i.steps) {
      const login = i.isLogin(step);
      for (;;) {
        if (i.signal?.aborted) throw new Error('interrupted');
        const taken = login ? await slot() : undefined;
        if (taken === null) {
          overrun = true;
          throw new Error('the login phase reached load.logins.maxS');
        }
        const res = await i.send(buildRequest(step, vars, i.env)).finally(() => taken?.settle(now()));
        if (login) loginRequests += 1;
        if (res.status === 429 && login) {
          throttled += 1;
          pacer.throttled(now(), retryAfterMs(res.headers['retry-after'], i.login.model.windowMs));
          continue;
        }
        if (!step.expect.includes(res.status))
          throw new Error(`${step.name} answered ${res.status} for ${account.email}`);
        if (!captureVars(step, res.text, vars))
          throw new Error(
            `${step.name} answered ${res.status} for ${account.email} without ${Object.values(step.capture).join(', ')}`,
          );
        if (login && i.session) session = readSession(i.session, answerOf(res), vars, now()) ?? session;
        break;
      }
    }
    const captured = Object.fromEntries(
      Object.entries(vars).filter(([k]) => k !== 'vu' && k !== 'iter' && !k.startsWith('account.')),
    );
    out[index] = { ...out[index]!, login: { vars: captured, session } };
  };

  // A fixed number of runners taking the next account; the pacer hands out the model's slots in order.
  const runner = async (): Promise<void> => {
    while (next < i.accounts.length && !overrun && !i.signal?.aborted) {
      const index = next++;
      try {
        await loginOne(index);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(i.concurrency, i.accounts.length) }, runner));
  const ms = now() - started;
  const loggedIn = out.filter((a) => a.login).length;
  if (overrun) {
    throw new LoginPhaseError(
      `the login phase logged in ${loggedIn} of ${i.accounts.length} load accounts within load.logins.maxS (${i.maxMs / 1000} s); the platform answered ${throttled} of ${loginRequests} logins 429, so its window held more than the login model (${pacer.describe()}, smoke.ratelimit.login) says: check the model, or raise load.logins.maxS`,
    );
  }
  if (i.signal?.aborted) throw new LoginPhaseError('the login phase was interrupted');
  if (loggedIn === 0)
    throw new LoginPhaseError(
      `no load account could log in (${failures.length} tried): ${failures[0] ?? 'unknown reason'}`,
    );
  return { accounts: out, loggedIn, failures, ms, loginRequests, throttled, model: pacer.describe() };
}
