import type { ProgressEvent } from '../config/suite.ts';
import { visible } from '../reports/render/visible.ts';

export interface ProgressSink {
  event(e: ProgressEvent): void;
  /** Clears any live line and stops the heartbeat so the summary prints cleanly. */
  close(): void;
}

export interface ProgressOptions {
  /** Non-TTY only: the longest silence before a line naming what runs is written (CI logs show a stuck run). */
  heartbeatMs?: number;
}

export const HEARTBEAT_MS = 10_000;

/**
 * On a terminal, one live status line (suite, checks done/total, elapsed) redrawn in place;
 * elsewhere (CI logs, pipes) plain one-line-per-event output, plus a heartbeat line whenever nothing
 * was written for heartbeatMs, naming the suite, its counter and what is running now. 'state' events
 * only update what runs (the live line, the heartbeat); they print no line of their own in a log.
 * Both go to stderr so stdout stays parseable.
 */
export function createProgress(
  write: (s: string) => void,
  isTTY: boolean,
  now: () => number = Date.now,
  o: ProgressOptions = {},
): ProgressSink {
  const started = now();
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const elapsed = () => secs(now() - started);
  const heartbeatMs = o.heartbeatMs ?? HEARTBEAT_MS;
  let live = false;
  let closed = false;
  // What runs now, for the heartbeat: the suite, since when, its latest counter and current work.
  let running: { suite: string; since: number; count: string; current?: string } | undefined;
  let timer: NodeJS.Timeout | undefined;

  const countOf = (e: ProgressEvent) => (e.total ? ` ${e.done ?? 0}/${e.total}` : '');
  const heartbeat = () => {
    if (closed) return;
    const r = running;
    const what = r
      ? `${r.suite}${r.count}${r.current ? `, running ${r.current}` : ''} (${secs(now() - r.since)} in ${r.suite})`
      : 'starting';
    out(`[${elapsed()}] still running: ${what}\n`);
  };
  // Every line written pushes the heartbeat back: at most heartbeatMs between two lines.
  const arm = () => {
    if (isTTY || closed) return;
    clearTimeout(timer);
    timer = setTimeout(heartbeat, heartbeatMs);
    timer.unref?.();
  };
  const out = (s: string) => {
    write(s);
    arm();
  };
  const track = (e: ProgressEvent) => {
    if (e.suite === 'run') return;
    if (!running || running.suite !== e.suite) running = { suite: e.suite, since: now(), count: '' };
    if (e.total) running.count = countOf(e);
    if (e.current !== undefined) running.current = e.current || undefined;
  };

  arm();
  return {
    event(ev) {
      if (closed) return;
      // Suites pass on what the target said; it must not drive the terminal.
      const e: ProgressEvent = {
        ...ev,
        message: visible(ev.message),
        ...(ev.current !== undefined ? { current: visible(ev.current) } : {}),
      };
      track(e);
      const count = countOf(e);
      if (!isTTY) {
        if (e.kind !== 'state')
          out(`[${elapsed()}] ${e.suite}${count} ${e.kind === 'warn' ? 'warning: ' : ''}${e.message}\n`);
        return;
      }
      if (e.kind === 'warn' || e.kind === 'info') {
        write(`${live ? '\r\x1b[2K' : ''}${e.kind === 'warn' ? '! ' : '  '}${e.suite}: ${e.message}\n`);
        live = false;
        return;
      }
      write(`\r\x1b[2K${e.suite}${count} · ${elapsed()} · ${e.message.slice(0, 100)}`);
      live = true;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      if (live) write('\r\x1b[2K');
      live = false;
    },
  };
}
