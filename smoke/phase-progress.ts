import type { ProgressEvent } from '../config/suite.ts';
import { ID_IN_TITLE } from './adapter.ts';
import type { PhaseMessage } from './progress-reporter.ts';

const SHOWN = 3;

/**
 * Turns the runner's stream of test starts and ends into progress: done/total over the phase's tests and
 * the checks in flight. A test counts once however often it ends (a retry ends it again), and the total is
 * the runner's own count of the phase's tests, so the counter cannot pass it.
 */
export class PhaseProgress {
  private total = 0;
  private readonly finished = new Set<string>();
  private readonly running = new Map<string, string>();

  constructor(
    private readonly phase: string,
    private readonly emit: (e: ProgressEvent) => void,
  ) {}

  on(raw: unknown): void {
    const m = raw as Partial<PhaseMessage> | null;
    if (m?.gonogo !== 'progress') return;
    if (m.type === 'begin' && typeof m.total === 'number') this.total = m.total;
    else if (m.type === 'test-begin' && m.id)
      this.running.set(m.id, ID_IN_TITLE.exec(m.title ?? '')?.[1] ?? m.title ?? m.id);
    else if (m.type === 'test-end' && m.id) {
      this.running.delete(m.id);
      this.finished.add(m.id);
    } else return;
    this.emit(this.event());
  }

  event(): ProgressEvent {
    const names = [...this.running.values()];
    const list =
      names.length > SHOWN ? `${names.slice(0, SHOWN).join(', ')} and ${names.length - SHOWN} more` : names.join(', ');
    // The counter restarts with each phase: the phase is named so "0/4" after "41/42" reads right.
    const current = list ? `${list} in the ${this.phase} phase` : `the ${this.phase} phase`;
    return {
      suite: 'smoke',
      kind: 'state',
      message: `playwright ${this.phase}: ${this.finished.size} of ${this.total} tests done`,
      done: this.finished.size,
      total: this.total,
      current,
    };
  }
}
