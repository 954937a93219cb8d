/**
 * How a spec says what happened. The adapter reads the markers: a CheckFailed is a `fail` (the protection
 * does not hold), a ControlFailed or any other throw is an `error` (nothing was proven either way).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from '@playwright/test';
import { ERROR_MARK, FAIL_MARK, SKIP_KIND_ANNOTATION, WARN_MARK } from './markers.ts';
import type { SkipKind } from '../../core/report-schema.ts';
import type { RequestRole } from '../../core/signin/http.ts';

export { ERROR_MARK, FAIL_MARK, WARN_MARK };

export class CheckFailed extends Error {
  override name = 'CheckFailed';
  constructor(message: string) {
    super(`${FAIL_MARK} ${message}`);
  }
}

/** A positive control did not hold, so the negative check that depends on it proves nothing. */
export class ControlFailed extends Error {
  override name = 'ControlFailed';
  /** `declare: false` leaves it a real failure to Playwright, which then keeps the page's screenshot and trace (see pageControl). */
  constructor(
    readonly detail: string,
    options?: { cause?: unknown; declare?: boolean },
  ) {
    super(
      `${ERROR_MARK} positive control failed: ${detail}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    if (options?.declare !== false) keepWorker();
  }
}

/**
 * For a check whose subject is itself a positive control (the happy path, the verification link): the control
 * that did not hold is the finding, so it is a `fail` with the control's own words. Anything else passes through.
 */
export function controlAsFinding(e: unknown): unknown {
  // The ControlFailed already declared the failure to Playwright (keepWorker), so the worker is kept.
  return e instanceof ControlFailed ? new CheckFailed(e.detail) : e;
}

/** The target's own limiter answered 429 beyond the bounded wait: the check could not be made. */
export class RateLimited extends Error {
  override name = 'RateLimited';
  constructor(message: string) {
    super(`${ERROR_MARK} rate limited by the target: ${message}`);
    keepWorker();
  }
}

/**
 * An unprovable check is an outcome too (the adapter reads the marker): declaring it expected keeps the
 * worker and its sessions alive. Against a dead target every check ends here, and restarting a worker
 * per check would cost a second each.
 */
function keepWorker(): void {
  try {
    test.fail();
  } catch {
    // Not inside a running test (e.g. a setup step): nothing to keep.
  }
}

/**
 * A failed check is a finding about the target, not a broken test run: it is declared to Playwright as an
 * expected failure so the worker (and its sessions) is kept instead of being restarted for every finding.
 */
export function check(condition: unknown, message: string): asserts condition {
  if (condition) return;
  test.fail();
  throw new CheckFailed(message);
}

/** A probe that covered only part of its claim and found nothing there: `warn` (the adapter reads the marker), never a pass. */
export class CheckIncomplete extends Error {
  override name = 'CheckIncomplete';
  constructor(message: string) {
    super(`${WARN_MARK} ${message}`);
  }
}

/** Ends the check as `warn` unless the probe covered its whole claim (declared expected, like check()). */
export function covered(condition: unknown, message: string): asserts condition {
  if (condition) return;
  test.fail();
  throw new CheckIncomplete(message);
}

/**
 * A check made through a browser page: its failure is a real failure to Playwright, not a declared one,
 * so the run's `screenshot: 'only-on-failure'` and `trace: 'retain-on-failure'` keep what the page showed
 * (Playwright keeps neither for an expected failure). The worker restarts after it, which a page check can afford.
 */
export function pageCheck(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/** A positive control made through a browser page: an `error` like control(), with what the page showed kept (see pageCheck). */
export function pageControl(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ControlFailed(message, { declare: false });
}

export function control(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ControlFailed(message);
}

/** Skips the running test when `condition` holds, saying which kind of skip it is; the adapter reads the kind. */
function skipAs(kind: SkipKind, condition: unknown, reason: string): void {
  if (!condition) return;
  test.info().annotations.push({ type: SKIP_KIND_ANNOTATION, description: kind });
  test.skip(true, reason);
}

/**
 * How a spec skips, by kind (Playwright's bare `test.skip` reads as could-not-run). `notApplicable` only for what
 * the platform's own answers showed (an opaque token has no JWT header to forge): a missing config entry is
 * `notConfigured`, never not-applicable, since only the team can say a feature does not exist (the config's notApplicable).
 */
export const skip = {
  notApplicable: (condition: unknown, reason: string): void => skipAs('not-applicable', condition, reason),
  notConfigured: (condition: unknown, reason: string): void => skipAs('not-configured', condition, reason),
  couldNotRun: (condition: unknown, reason: string): void => skipAs('could-not-run', condition, reason),
};

// Which part of a check is running, so every request it sends is labelled in the evidence without each spec saying so.
const phase = new AsyncLocalStorage<RequestRole>();

/** The role of a request sent now: `control` inside requireControl (a prerequisite), else `probe` (what the check judges). */
export function requestRole(): RequestRole {
  return phase.getStore() ?? 'probe';
}

/** Runs `fn` with the requests it sends labelled `control`: the legitimate steps a probe stands on. */
export function asControl<T>(fn: () => Promise<T>): Promise<T> {
  return phase.run('control', fn);
}

/** Runs `fn` with the requests it sends labelled `probe`, even inside a step that would label them `control`. */
export function asProbe<T>(fn: () => Promise<T>): Promise<T> {
  return phase.run('probe', fn);
}

/** Runs a prerequisite; any failure in it makes the dependent check an error. Its requests are labelled `control`. */
export async function requireControl<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await asControl(fn);
  } catch (e) {
    if (e instanceof ControlFailed || e instanceof RateLimited) throw e;
    throw new ControlFailed(`${what}: ${(e as Error).message.replace(FAIL_MARK, '').trim()}`, { cause: e });
  }
}
