/** k6's documented exit codes that gonogo treats specially (k6 errext/exitcodes). */
export const K6_THRESHOLDS_FAILED = 99;

export type ExitKind = 'ok' | 'thresholds' | 'error';

export interface ProcessOutcome {
  exitCode?: number;
  signal?: string;
  timedOut?: boolean;
  isCanceled?: boolean;
  stderr?: string;
}

/** 0 = completed, 99 = thresholds crossed (a verdict on the target), anything else = the engine failed. */
export function classifyExit(o: ProcessOutcome): { kind: ExitKind; message: string } {
  if (o.timedOut)
    return {
      kind: 'error',
      message:
        'k6 did not finish within the duration plus load.timeouts.gracefulStopS and load.timeouts.slackS, and was stopped: raise load.timeouts.slackS',
    };
  if (o.isCanceled) return { kind: 'error', message: 'the load run was interrupted' };
  if (o.exitCode === 0) return { kind: 'ok', message: 'k6 completed' };
  if (o.exitCode === K6_THRESHOLDS_FAILED)
    return { kind: 'thresholds', message: 'k6 completed; thresholds from the KPI file were crossed' };
  if (o.exitCode === undefined) return { kind: 'error', message: `k6 was killed${o.signal ? ` by ${o.signal}` : ''}` };
  return { kind: 'error', message: `k6 failed with exit code ${o.exitCode}` };
}

/** The last lines of stderr that say what went wrong (k6 logs errors as level=error). */
export function stderrEvidence(stderr: string | undefined, maxLines = 8): string {
  const lines = (stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /level=(error|fatal)|^error|panic/i.test(l));
  return (errors.length > 0 ? errors : lines).slice(-maxLines).join('\n');
}
