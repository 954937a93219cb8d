import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/** Memoised across workers: computes once per run, unless the computation throws. */
export async function shared<T>(key: string, make: () => Promise<T>): Promise<T> {
  const hit = readState<T>(key);
  if (hit !== undefined) return hit;
  const value = await make();
  writeState(key, value);
  return value;
}
