import { resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { ConfigSchema } from '../../config/schema.ts';
import { loadKpiFile, type KpiFile } from '../../config/kpis.ts';
import type { SuiteContext } from '../../config/suite.ts';
import type { SecurityConfigInput } from '../../security/config.ts';

let kpis: Promise<KpiFile> | undefined;

/** The default KPI file, as `gonogo run` would load it. */
export function defaultKpis(): Promise<KpiFile> {
  kpis ??= loadKpiFile(resolve(import.meta.dirname, '../../config/defaults/kpis.yaml'));
  return kpis;
}

/** A suite context for the security suite alone, against a loopback target. */
export async function securityContext(
  baseUrl: string,
  security: SecurityConfigInput,
  configDir = tmpdir(),
): Promise<SuiteContext> {
  return {
    config: ConfigSchema.parse({ target: { baseUrl, timeoutMs: 5000 }, security }),
    configDir,
    kpis: await defaultKpis(),
    outDir: resolve(tmpdir(), 'gonogo-security-test'),
    signal: new AbortController().signal,
    progress: () => {},
    load: { vus: 1, duration: '1s', engine: 'auto' },
    secrets: new Set(),
  };
}
