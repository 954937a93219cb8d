import { fork } from 'node:child_process';
import { moduleProcess } from '../core/files.ts';
import { exampleConfigFile, exampleEnv } from '../reference-app/example-env.ts';
import type { ReferenceInfo } from '../core/reference.ts';
import { USER_RATE_LIMIT_ENV, userRateLimitFrom } from '../reference-app/user-rate-limit.ts';
import {
  ACCESS_TTL_ENV,
  LOGIN_RATE_LIMIT_ENV,
  accessTtlFrom,
  loginRateLimitFrom,
} from '../reference-app/login-knobs.ts';
import type { ChildMessage, ParentMessage } from '../reference-app/child.ts';

export interface ReferenceTarget {
  info: ReferenceInfo;
  /** The dialect's example config (examples/<dialect>/gonogo.config.ts), pointed at this platform by environment variables. */
  configFile: string;
  secrets: string[];
  stop(): Promise<void>;
}

const CHILD = moduleProcess(import.meta.url, '../reference-app/child.ts');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts the bundled platform and its mail sink in a child process on free loopback ports, and maps
 * one onto the other. The platform runs apart from the harness, as a team's would: the load it serves
 * and the memory it holds are not counted as the harness's, and the harness's own work (parsing k6's
 * output, the autocannon workers) does not slow the target it measures.
 */
export async function startReferenceTarget(
  flaws: string[],
  env: NodeJS.ProcessEnv,
  dialect?: string,
): Promise<ReferenceTarget> {
  // Checked here, not only in the child: a bad value is a config error of this process (exit 2), not a failed start.
  userRateLimitFrom(env[USER_RATE_LIMIT_ENV]);
  loginRateLimitFrom(env[LOGIN_RATE_LIMIT_ENV]);
  accessTtlFrom(env[ACCESS_TTL_ENV]);
  const child = fork(CHILD.file, [], {
    execArgv: CHILD.execArgv,
    env: { ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  let ready: Extract<ChildMessage, { type: 'ready' }>;
  try {
    ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the reference platform did not start within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      child.once('message', (m: ChildMessage) => {
        clearTimeout(timer);
        if (m.type === 'ready') resolve(m);
        else reject(new Error(`the reference platform failed to start: ${m.message}`));
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(
          new Error(
            `the reference platform exited (code ${code}) before it started${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`,
          ),
        );
      });
      child.send({ type: 'start', flaws, ...(dialect ? { dialect } : {}) } satisfies ParentMessage);
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const info: ReferenceInfo = { ...ready.info, stop };
  // The platform is tested as a team tests its own: through its example config, written with the public options only,
  // and pointed at it by environment variables (the example reads process.env when it loads, as a team's reads its CI's).
  for (const target of new Set([env, process.env]))
    Object.assign(target, exampleEnv(info, { mailApiUrl: ready.mailApiUrl }));
  return {
    info,
    configFile: exampleConfigFile(info.dialect),
    secrets: [info.jwtSecret, info.webhookSecret, ...info.accounts.map((a) => a.password)],
    stop,
  };
}
