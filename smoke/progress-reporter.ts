import type { FullConfig, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';

/** What the Playwright runner tells gonogo over the IPC channel while a phase runs. */
export type PhaseMessage =
  | { gonogo: 'progress'; type: 'begin'; total: number }
  | { gonogo: 'progress'; type: 'test-begin' | 'test-end'; id: string; title: string; status?: TestResult['status'] };

/**
 * A Playwright reporter that streams which tests start and end to gonogo (the runner is gonogo's child with
 * an IPC channel), so the console can say what runs while a phase is busy. Playwright's JSON report only
 * arrives at the end. Without a channel (Playwright run by hand) it does nothing.
 */
export default class ProgressReporter implements Reporter {
  private send(m: PhaseMessage): void {
    if (process.send && process.connected) process.send(m);
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.send({ gonogo: 'progress', type: 'begin', total: suite.allTests().length });
  }

  onTestBegin(test: TestCase): void {
    this.send({ gonogo: 'progress', type: 'test-begin', id: test.id, title: test.title });
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.send({ gonogo: 'progress', type: 'test-end', id: test.id, title: test.title, status: result.status });
  }

  printsToStdio(): boolean {
    return false;
  }
}
