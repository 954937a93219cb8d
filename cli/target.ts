import { dirname, resolve } from 'node:path';
import { loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { ReferenceInfo } from '../core/reference.ts';
import type { RunOptions } from './plan.ts';
import { startReferenceTarget } from './reference-target.ts';
import { DEFAULT_KPI_FILE } from '../core/files.ts';

export interface Target {
  config: Config;
  configDir: string;
  configFile?: string;
  kpiFile: string;
  /** Secret values to redact from every output. */
  secrets: string[];
  reference?: ReferenceInfo;
  stop(): Promise<void>;
}

export { DEFAULT_KPI_FILE };

/** The team's own platform from gonogo.config.ts, or the bundled reference platform started for this run. */
export async function resolveTarget(
  opts: RunOptions,
  env: NodeJS.ProcessEnv,
  info: (m: string) => void,
): Promise<Target> {
  if (opts.reference) {
    const ref = await startReferenceTarget(opts.flaws, env, opts.dialect);
    info(
      `reference platform${ref.info.dialect !== 'marketplace' ? ` (${ref.info.dialect} dialect)` : ''} at ${ref.info.baseUrl}${opts.flaws.length ? ` with flaws ${opts.flaws.join(', ')}` : ''}`,
    );
    try {
      const { config } = await loadConfigFile(ref.configFile, env, opts.suites);
      return {
        config,
        configDir: dirname(ref.configFile),
        configFile: ref.configFile,
        kpiFile: DEFAULT_KPI_FILE,
        secrets: ref.secrets,
        reference: ref.info,
        stop: ref.stop,
      };
    } catch (e) {
      await ref.stop();
      throw e;
    }
  }
  const loaded = await loadConfigFile(opts.config, env, opts.suites);
  return {
    config: loaded.config,
    configDir: loaded.dir,
    configFile: loaded.file,
    kpiFile: resolve(loaded.dir, loaded.config.kpis),
    secrets: [...loaded.secrets.values()],
    stop: async () => {},
  };
}
