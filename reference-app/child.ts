/**
 * The reference platform as a child process of `gonogo run --reference` (see cli/reference-target.ts):
 * the target runs apart from the harness, as a team's platform would, so its CPU and memory are not
 * the harness's. Protocol over the IPC channel: the parent sends { type: 'start', flaws }, the child
 * answers { type: 'ready', info, mailApiUrl } or { type: 'error', message }; { type: 'stop' } or the
 * channel closing (the parent exited, however it died) stops the platform and ends the process.
 */
import { startPlatform, type RunningPlatform } from './launch.ts';

export type ParentMessage = { type: 'start'; flaws: string[]; dialect?: string } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; info: Omit<import('../core/reference.ts').ReferenceInfo, 'stop'>; mailApiUrl: string }
  | { type: 'error'; message: string };

// Ctrl+C reaches the whole process group: the harness decides when its target stops, after writing its report.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

let starting: Promise<RunningPlatform | undefined> | undefined;
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A stop during the start waits for it, so no server or temporary directory is left behind.
  try {
    await (await starting)?.stop();
  } finally {
    process.exit(0);
  }
}

const send = (m: ChildMessage) => process.send?.(m);
process.on('disconnect', () => void stop());
process.on('message', (m: ParentMessage) => {
  if (m.type === 'stop') {
    void stop();
    return;
  }
  if (m.type !== 'start' || starting) return;
  starting = startPlatform(m.flaws, process.env, m.dialect).then(
    (p) => {
      const { stop: _stop, ...info } = p.info;
      if (!stopping) send({ type: 'ready', info, mailApiUrl: p.mailApiUrl });
      return p;
    },
    (e: unknown) => {
      send({ type: 'error', message: (e as Error).message });
      setImmediate(() => process.exit(1));
      return undefined;
    },
  );
});
