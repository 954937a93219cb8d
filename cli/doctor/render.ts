import type { Row, RowStatus } from './rows.ts';
import type { DoctorResult } from './walk.ts';

const MARK: Record<RowStatus, string> = { ok: 'ok  ', fail: 'FAIL', skip: 'skip' };

/** 0 when every step answered as mapped (skips are steps the config does not map, or that a budget kept), 1 otherwise. */
export function doctorExitCode(r: DoctorResult): 0 | 1 {
  return r.rows.some((row) => row.status === 'fail') ? 1 : 0;
}

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 3)}...` : s.padEnd(n));

/** The per-step table, then the count of requests and the time; each failing step names the key to change. */
export function renderDoctor(r: DoctorResult, head: string): string {
  const w = {
    step: Math.min(34, Math.max(4, ...r.rows.map((x) => x.step.length))),
    sent: Math.min(52, Math.max(4, ...r.rows.map((x) => x.sent.length))),
  };
  const lines = [head, '', `     ${pad('STEP', w.step)}  ${pad('SENT', w.sent)}  ANSWERED  (EXPECTED)`];
  for (const row of r.rows) {
    lines.push(`${MARK[row.status]} ${pad(row.step, w.step)}  ${pad(row.sent, w.sent)}  ${row.answered}${row.expected && row.status !== 'skip' ? `  (expected ${row.expected})` : ''}`);
    if (row.status === 'fail' && row.key) lines.push(`     ${' '.repeat(w.step)}  -> change ${row.key}`);
  }
  const count = (s: RowStatus) => r.rows.filter((x: Row) => x.status === s).length;
  lines.push('');
  if (r.stopped) lines.push(`Stopped: ${r.stopped}`);
  const fails = count('fail');
  lines.push(`${fails ? `NOT AS MAPPED: ${fails} step${fails === 1 ? '' : 's'} to fix` : 'Every step answered as mapped'} (${count('ok')} ok, ${fails} failing, ${count('skip')} not sent).`);
  lines.push(`Sent ${r.requests} request${r.requests === 1 ? '' : 's'} (${r.logins} login${r.logins === 1 ? '' : 's'}; login model ${r.loginModel}) in ${(r.ms / 1000).toFixed(1)} s.`);
  return lines.join('\n');
}
