import { startMailSink } from '../core/mail/sink.ts';
import { startReference } from './index.ts';
import type { ReferenceInfo } from '../core/reference.ts';

export interface RunningPlatform {
  info: ReferenceInfo;
  /** The sink's Mailpit-compatible API, where the smoke suite reads verification mail. */
  mailApiUrl: string;
  stop(): Promise<void>;
}

/** The mail sink and the reference platform delivering to it, in this process (`gonogo reference`, the platform child). */
export async function startPlatform(
  flaws: string[],
  env: NodeJS.ProcessEnv,
  dialect?: string,
): Promise<RunningPlatform> {
  const sink = await startMailSink({ host: '127.0.0.1' });
  let info: ReferenceInfo;
  try {
    info = await startReference({ flaws, ...(dialect ? { dialect } : {}), smtp: sink.smtp, env });
  } catch (e) {
    await sink.stop();
    throw e;
  }
  return {
    info,
    mailApiUrl: sink.apiUrl,
    stop: async () => {
      await info.stop();
      await sink.stop();
    },
  };
}
