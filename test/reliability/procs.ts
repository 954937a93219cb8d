import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** Every live descendant of a process, read from /proc (the test must see what gonogo left behind). */
export function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent)
      if (pp === p) {
        out.push(child);
        walk(child);
      }
  };
  walk(root);
  return out;
}

/** A process by pid and start time (a pid can be reused by another process later), with its command line. */
export interface Proc {
  pid: number;
  start: string;
  cmd: string;
}

export function identify(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return null;
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 200);
    return { pid, start, cmd };
  } catch {
    return null;
  }
}

/** The same process is still running (not a zombie, not a new process that got its pid). */
export function stillRunning(p: Proc): boolean {
  const now = identify(p.pid);
  return now !== null && now.start === p.start;
}

/** Resolves true when something accepts connections on the port. */
export function listening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
