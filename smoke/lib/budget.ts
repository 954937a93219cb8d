/**
 * The smoke suite's time limits, derived from the declared rate-limit models so that a platform whose limits
 * count over long windows needs no hand-set timeout. Each limit a config sets wins; each derived one says how
 * it was derived, and the run prints all three before it starts (docs/config.md, "Time limits").
 */
import type { KpiFile } from '../../config/kpis.ts';
import type { SmokeConfig } from '../config.ts';
import { resolveLimiters } from '../../core/signin/limits.ts';

export interface SmokeBudget {
  /** The whole suite (both Playwright phases). */
  timeoutS: number;
  /** One check. */
  checkTimeoutS: number;
  /** The longest Retry-After a request waits out. */
  maxWaitS: number;
  /** The demo probe's wait for login slots. */
  demoWaitS: number;
  /** How each figure came about, for the progress line and the docs. */
  why: Record<'timeoutS' | 'checkTimeoutS' | 'maxWaitS' | 'demoWaitS', string>;
}

/** The checks phase's own work, without any wait for a window: registrations, mail, the flow, the browser. */
export const CHECKS_WORK_S = 120;
/** The floor of the whole-suite limit, the value it had before it was derived. */
export const MIN_TIMEOUT_S = 300;
/** The floor of the longest honoured Retry-After; a window of its own adds 5 s to its length. */
export const MIN_MAX_WAIT_S = 65;
/** A check's time beyond one wait of maxWaitS. */
export const CHECK_WORK_S = 60;

export function smokeBudget(c: SmokeConfig, params: KpiFile['params']): SmokeBudget {
  const lim = resolveLimiters(c, params);
  const windowS = (m: { windowMs: number }) => m.windowMs / 1000;
  const longest = Math.max(windowS(lim.api.model), windowS(lim.login.model), windowS(lim.anonymous.model));
  const maxWaitS = c.ratelimit.maxWaitS ?? Math.max(MIN_MAX_WAIT_S, Math.ceil(longest) + 5);
  const checkTimeoutS = c.checkTimeoutS ?? maxWaitS + CHECK_WORK_S;
  const loginS = windowS(lim.login.model);
  const demoWaitS = c.demoWaitS ?? 2 * loginS;
  // The probes on the login key take turns (lockout, demo accounts, the login burst); those on other keys overlap
  // with them. The login chain is the longest unavoidable wait: the demo probe's wait, one login window for the
  // lockout probe and one for the burst, and one Retry-After.
  const loginChainS = demoWaitS + 2 * loginS + maxWaitS;
  const derived = Math.max(MIN_TIMEOUT_S, Math.ceil(CHECKS_WORK_S + loginChainS));
  const timeoutS = c.timeoutS ?? derived;
  const set = (key: string) => `set by smoke.${key}`;
  return {
    timeoutS,
    checkTimeoutS,
    maxWaitS,
    demoWaitS,
    why: {
      maxWaitS:
        c.ratelimit.maxWaitS !== undefined
          ? set('ratelimit.maxWaitS')
          : `the longest limit window (${longest} s) + 5 s, at least ${MIN_MAX_WAIT_S} s`,
      checkTimeoutS:
        c.checkTimeoutS !== undefined
          ? set('checkTimeoutS')
          : `smoke.ratelimit.maxWaitS (${maxWaitS} s) + ${CHECK_WORK_S} s`,
      demoWaitS: c.demoWaitS !== undefined ? set('demoWaitS') : `two login windows (2 x ${loginS} s)`,
      timeoutS:
        c.timeoutS !== undefined
          ? set('timeoutS')
          : `${CHECKS_WORK_S} s of checks + the login key's probes (demo wait ${demoWaitS} s + 2 login windows of ${loginS} s + one Retry-After of ${maxWaitS} s), at least ${MIN_TIMEOUT_S} s`,
    },
  };
}

/** The progress line a run prints before the smoke suite starts. */
export function describeBudget(b: SmokeBudget): string {
  return (
    `time limits: the suite ${b.timeoutS} s (smoke.timeoutS: ${b.why.timeoutS}); one check ${b.checkTimeoutS} s (smoke.checkTimeoutS: ${b.why.checkTimeoutS}); ` +
    `a Retry-After up to ${b.maxWaitS} s (smoke.ratelimit.maxWaitS: ${b.why.maxWaitS}); demo probe wait ${b.demoWaitS} s (smoke.demoWaitS: ${b.why.demoWaitS})`
  );
}
