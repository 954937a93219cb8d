import type { Row, RowStatus } from './rows.ts';
import type { DoctorResult } from './walk.ts';

const MARK: Record<RowStatus, string> = { ok: 'ok  ', fail: 'FAIL', skip: 'skip', held: 'held' };

/** 0 when every mapped step answered as mapped; 1 when one did not, or was held back to stay within a limit (it proved nothing). */
export function doctorExitCode(r: DoctorResult): 0 | 1 {
  return r.rows.some((row) => row.status === 'fail' || row.status === 'held') ? 1 : 0;
}

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 3)}...` : s.padEnd(n));

/** The per-step table, then the count of requests and the time; each failing step names the key to change. */
export function renderDoctor(r: DoctorResult, head: string): string {
  const w = {
    step: Math.min(40, Math.max(4, ...r.rows.map((x) => x.step.length))),
    sent: Math.min(52, Math.max(4, ...r.rows.map((x) => x.sent.length))),
  };
  const lines = [head, '', `     ${pad('STEP', w.step)}  ${pad('SENT', w.sent)}  ANSWERED  (EXPECTED)`];
  for (const row of r.rows) {
    lines.push(
      `${MARK[row.status]} ${pad(row.step, w.step)}  ${pad(row.sent, w.sent)}  ${row.answered}${row.expected && row.status !== 'skip' ? `  (expected ${row.expected})` : ''}`,
    );
    if ((row.status === 'fail' || row.status === 'held') && row.key)
      lines.push(`     ${' '.repeat(w.step)}  -> change ${row.key}`);
  }
  const count = (s: RowStatus) => r.rows.filter((x: Row) => x.status === s).length;
  lines.push('');
  if (r.stopped) lines.push(`Stopped: ${r.stopped}`);
  const fails = count('fail');
  const held = count('held');
  const verdict = fails
    ? `NOT AS MAPPED: ${fails} step${fails === 1 ? '' : 's'} to fix`
    : held
      ? `NOT PROVEN: ${held} step${held === 1 ? '' : 's'} held back to stay within a limit`
      : 'Every mapped step answered as mapped';
  lines.push(`${verdict} (${count('ok')} ok, ${fails} failing, ${held} held, ${count('skip')} not sent).`);
  lines.push(
    `Sent ${r.requests} request${r.requests === 1 ? '' : 's'} (${r.logins} login${r.logins === 1 ? '' : 's'}; login model ${r.loginModel}) in ${(r.ms / 1000).toFixed(1)} s${r.pacedMs > 0 ? `, ${(r.pacedMs / 1000).toFixed(1)} s of it waiting to stay under the API model (smoke.ratelimit.api)` : ''}.`,
  );
  return lines.join('\n');
}
