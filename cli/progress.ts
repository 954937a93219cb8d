import type { ProgressEvent } from '../core/suite.ts';
import { visible } from '../reports/render/visible.ts';

export interface ProgressSink {
  event(e: ProgressEvent): void;
  /** Clears any live line so the summary prints cleanly. */
  close(): void;
}

/**
 * On a terminal, one live status line (suite, checks done/total, elapsed) redrawn in place;
 * elsewhere (CI logs, pipes) plain one-line-per-event output. Both go to stderr so stdout stays parseable.
 */
export function createProgress(write: (s: string) => void, isTTY: boolean, now: () => number = Date.now): ProgressSink {
  const started = now();
  const elapsed = () => `${((now() - started) / 1000).toFixed(1)}s`;
  let live = false;
  return {
    event(ev) {
      // Suites pass on what the target said; it must not drive the terminal.
      const e = { ...ev, message: visible(ev.message) };
      const count = e.total ? ` ${e.done ?? 0}/${e.total}` : '';
      if (!isTTY) {
        write(`[${elapsed()}] ${e.suite}${count} ${e.kind === 'warn' ? 'warning: ' : ''}${e.message}\n`);
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
      if (live) write('\r\x1b[2K');
      live = false;
    },
  };
}
