import { startMailSink } from '../smoke/mail/sink.ts';
import { startReference } from '../reference-app/index.ts';
import { smokeReferenceConfig } from '../smoke/reference.ts';
import { securityReferenceConfig } from '../security/reference.ts';
import { loadReferenceConfig } from '../load/reference.ts';
import type { ConfigInput } from '../config/schema.ts';
import type { ReferenceInfo } from '../reference-app/types.ts';

export interface ReferenceTarget {
  info: ReferenceInfo;
  configInput: ConfigInput;
  secrets: string[];
  stop(): Promise<void>;
}

/** Starts the harness's mail sink and the bundled platform on free loopback ports, and maps one onto the other. */
export async function startReferenceTarget(flaws: string[], env: NodeJS.ProcessEnv): Promise<ReferenceTarget> {
  const sink = await startMailSink({ host: '127.0.0.1' });
  let info: ReferenceInfo;
  try {
    info = await startReference({ flaws, smtp: sink.smtp, env });
  } catch (e) {
    await sink.stop();
    throw e;
  }
  const configInput: ConfigInput = {
    target: { baseUrl: info.baseUrl, caFile: info.caFile },
    smoke: smokeReferenceConfig(info, { mailApiUrl: sink.apiUrl }),
    security: securityReferenceConfig(info),
    load: loadReferenceConfig(info),
  };
  return {
    info,
    configInput,
    secrets: [info.jwtSecret, info.webhookSecret, ...info.accounts.map((a) => a.password)],
    stop: async () => {
      await info.stop();
      await sink.stop();
    },
  };
}
