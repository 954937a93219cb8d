import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * Cross-worker pacing: each identity (a token, or "anonymous") has a log of send times in the run's
 * state directory. Appends of one short line are atomic, so workers need no lock to share it.
 * Returns how long to wait before the request fits under `cap` per `windowMs`.
 */
export function reserveSlot(stateDir: string, identity: string, cap: number, windowMs: number): number {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, `pace-${createHash('sha256').update(identity).digest('hex').slice(0, 16)}.log`);
  let times: number[] = [];
  try {
    times = readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    /* first request */
  }
  const now = Date.now();
  const recent = times.filter((t) => now - t < windowMs).sort((a, b) => a - b);
  const wait = recent.length >= cap ? windowMs - (now - recent[recent.length - cap]!) + 50 : 0;
  appendFileSync(file, `${now + wait}\n`);
  return wait;
}
