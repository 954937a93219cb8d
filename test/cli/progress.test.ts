import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../cli/progress.ts';
import { tickProgress } from '../../load/index.ts';
import { PhaseProgress } from '../../smoke/phase-progress.ts';
import type { ProgressEvent } from '../../config/suite.ts';

describe('progress lines', () => {
  it('show escape characters and bidi overrides from a suite message instead of sending them to the terminal', () => {
    for (const tty of [false, true]) {
      const out: string[] = [];
      const p = createProgress(
        (s) => out.push(s),
        tty,
        () => 0,
      );
      p.event({ suite: 'smoke', kind: 'warn', message: 'target said \u001b[2J\u001b[31mGO\u202E' });
      p.close();
      const text = out.join('');
      expect(text).toContain('target said \\u001B[2J\\u001B[31mGO\\u202E');
      expect(text).not.toContain('\u001b[2J');
      expect(text).not.toContain('\u202E');
    }
  });
});

describe('the heartbeat in a CI log (non-TTY)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('names the suite, its counter and what runs while a suite is busy, and stops when the run is done', () => {
    const out: string[] = [];
    const p = createProgress((s) => out.push(s), false, Date.now, { heartbeatMs: 1000 });
    p.event({ suite: 'smoke', kind: 'info', message: 'starting' });
    p.event({
      suite: 'smoke',
      kind: 'state',
      message: 'playwright checks: 3 of 42 tests done',
      done: 3,
      total: 42,
      current: 'auth.login, browser.login-page',
    });
    // a state event prints nothing of its own
    expect(out).toEqual(['[0.0s] smoke starting\n']);
    vi.advanceTimersByTime(2500);
    expect(out.slice(1)).toEqual([
      '[1.0s] still running: smoke 3/42, running auth.login, browser.login-page (1.0s in smoke)\n',
      '[2.0s] still running: smoke 3/42, running auth.login, browser.login-page (2.0s in smoke)\n',
    ]);
    // a line written pushes the next heartbeat back by a whole interval
    p.event({ suite: 'smoke', kind: 'check', message: 'auth.login pass' });
    vi.advanceTimersByTime(900);
    expect(out.at(-1)).toBe('[2.5s] smoke auth.login pass\n');
    vi.advanceTimersByTime(200);
    expect(out.at(-1)).toMatch(/^\[3\.5s\] still running: smoke 3\/42/);
    p.event({ suite: 'load', kind: 'tick', message: 'tick', done: 2, total: 30, current: 'load at 50 req/s' });
    vi.advanceTimersByTime(1000);
    expect(out.at(-1)).toBe('[4.6s] still running: load 2/30, running load at 50 req/s (1.0s in load)\n');
    const before = out.length;
    p.close();
    vi.advanceTimersByTime(60_000);
    expect(out.length).toBe(before);
  });

  it('writes no heartbeat on a terminal, where the live line shows the same', () => {
    const out: string[] = [];
    const p = createProgress((s) => out.push(s), true, Date.now, { heartbeatMs: 1000 });
    p.event({
      suite: 'smoke',
      kind: 'state',
      message: 'playwright checks: 1 of 2 tests done',
      done: 1,
      total: 2,
      current: 'auth.login',
    });
    vi.advanceTimersByTime(5000);
    expect(out.join('')).not.toContain('still running');
    expect(out.join('')).toContain('smoke 1/2');
    p.close();
  });
});

describe('counters never pass their totals', () => {
  it("a smoke test that ends twice (a retry) counts once; the total is the runner's own count", () => {
    const events: ProgressEvent[] = [];
    const t = new PhaseProgress('checks', (e) => events.push(e));
    t.on({ gonogo: 'progress', type: 'begin', total: 2 });
    t.on({ gonogo: 'progress', type: 'test-begin', id: 'a', title: '[auth.login] logs in' });
    t.on({ gonogo: 'progress', type: 'test-begin', id: 'b', title: '[health.routes] health' });
    expect(events.at(-1)).toMatchObject({
      kind: 'state',
      done: 0,
      total: 2,
      current: 'auth.login, health.routes in the checks phase',
    });
    t.on({ gonogo: 'progress', type: 'test-end', id: 'a', title: '[auth.login] logs in', status: 'failed' });
    t.on({ gonogo: 'progress', type: 'test-begin', id: 'a', title: '[auth.login] logs in' });
    t.on({ gonogo: 'progress', type: 'test-end', id: 'a', title: '[auth.login] logs in', status: 'passed' });
    expect(events.at(-1)).toMatchObject({ done: 1, total: 2, current: 'health.routes in the checks phase' });
    t.on({ gonogo: 'progress', type: 'test-end', id: 'b', title: '[health.routes] health', status: 'passed' });
    t.on({ something: 'else' });
    expect(events.at(-1)).toMatchObject({ done: 2, total: 2, current: 'the checks phase' });
    expect(events.every((e) => (e.done ?? 0) <= (e.total ?? 0))).toBe(true);
  });

  it('a load tick past the planned duration says the engine is finishing, not 31/30', () => {
    const tick = (elapsedS: number) => ({
      elapsedS,
      remainingS: Math.max(0, 30 - elapsedS),
      rps: 40,
      p95: 12,
      errors: 0,
      requests: 1200,
    });
    expect(tickProgress(tick(30), 30, 30)).toMatchObject({ done: 30, total: 30 });
    const late = tickProgress(tick(31), 30, 30);
    expect(late.done).toBeUndefined();
    expect(late.total).toBeUndefined();
    expect(late.message).toBe(
      'the 30s duration is over; finishing the requests in flight (1s past it, up to 30s): 0 errors of 1200',
    );
    const out: string[] = [];
    const p = createProgress(
      (s) => out.push(s),
      false,
      () => 0,
      { heartbeatMs: 1_000_000 },
    );
    for (const s of [29, 30, 31, 32]) p.event(tickProgress(tick(s), 30, 30));
    p.close();
    expect(out.join('')).not.toMatch(/3[1-9]\/30/);
    expect(out.join('')).toContain('load 30/30');
  });
});
