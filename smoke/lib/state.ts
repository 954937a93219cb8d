import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan } from './plan.ts';

/**
 * Values shared by the Playwright workers of one run (sessions, the suite's own accounts), kept in
 * the plan's private state directory: a worker restarted after a failing test reuses them instead of
 * logging in or registering again, which keeps the suite under the target's login limits.
 */
function file(key: string): string {
  return join(loadPlan().stateDir, `${key.replace(/[^a-zA-Z0-9_-]/g, '_')}.json`);
}

export function readState<T>(key: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file(key), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeState(key: string, value: unknown): void {
  mkdirSync(loadPlan().stateDir, { recursive: true, mode: 0o700 });
  const target = file(key);
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
  renameSync(tmp, target);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STALE_LOCK_MS = 120_000;

const FAILURE = '__gonogoFailure';

/** A remembered failure is thrown again; anything else is the memoised value. */
function settled<T>(v: unknown): T | undefined {
  if (v && typeof v === 'object' && FAILURE in v)
    throw new Error(
      `${String((v as Record<string, unknown>)[FAILURE])} (remembered from an earlier attempt in this run)`,
    );
  return v as T | undefined;
}

/**
 * Memoised across workers: computed once per run (under a lock, so two workers never register the same
 * account twice). A failure is remembered too, so that against a dead or hanging target every dependent
 * check errors at once instead of waiting out the same timeout again; only the target's own rate
 * limiting (a RateLimited error, which is transient by nature) leaves nothing behind.
 */
export async function shared<T>(key: string, make: () => Promise<T>): Promise<T> {
  const hit = settled<T>(readState(key));
  if (hit !== undefined) return hit;
  mkdirSync(loadPlan().stateDir, { recursive: true, mode: 0o700 });
  const lock = `${file(key)}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      /* another worker holds it */
    }
    await sleep(50);
    const value = settled<T>(readState(key));
    if (value !== undefined) return value;
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    } catch {
      /* released meanwhile */
    }
  }
  try {
    const again = settled<T>(readState(key));
    if (again !== undefined) return again;
    let value: T;
    try {
      value = await make();
    } catch (e) {
      if ((e as Error).name !== 'RateLimited') writeState(key, { [FAILURE]: (e as Error).message });
      throw e;
    }
    writeState(key, value);
    return value;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Runs `fn` while no other worker runs a section of the same key: probes that spend the same limiter keys
 * (login attempts, the anonymous address) must not overlap, or each would see the other's requests as its own.
 */
export async function exclusive<T>(key: string, fn: () => Promise<T>, staleMs = STALE_LOCK_MS): Promise<T> {
  mkdirSync(loadPlan().stateDir, { recursive: true, mode: 0o700 });
  const lock = `${file(key)}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      /* another worker holds it */
    }
    await sleep(100);
    try {
      if (Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { recursive: true, force: true });
    } catch {
      /* released meanwhile */
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
