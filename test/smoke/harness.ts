import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailSink } from '../../smoke/mail/sink.ts';
import { startReference } from '../../reference-app/index.ts';
import { runSmoke } from '../../smoke/index.ts';
import { parseKpiText } from '../../config/kpis.ts';
import type { SuiteOutput } from '../../core/suite.ts';
import { loadConfigFile } from '../../config/load.ts';
import { exampleConfigFile, exampleEnv } from '../../reference-app/example-env.ts';

const KPI_FILE = new URL('../../config/defaults/kpis.yaml', import.meta.url);

/** Starts sink + reference app with the given flaws, runs the smoke suite through examples/marketplace/gonogo.config.ts, stops everything. */
export async function smokeAgainstReference(flaws: string[], o: { outDir?: string } = {}): Promise<SuiteOutput & { outDir: string; smokeMs: number }> {
  const started = performance.now();
  const out = await smokeAgainstDialect('marketplace', flaws, o);
  return { ...out, smokeMs: performance.now() - started };
}

/**
 * A dialect of the reference platform, driven only by the dialect's example config
 * (examples/<dialect>/gonogo.config.ts) and the environment a team would set for it.
 */
export async function smokeAgainstDialect(dialect: string, flaws: string[], o: { outDir?: string } = {}): Promise<SuiteOutput & { outDir: string }> {
  const sink = await startMailSink({ host: '127.0.0.1' });
  const info = await startReference({ flaws, dialect, smtp: sink.smtp, env: {} });
  const env = exampleEnv(info, { mailApiUrl: sink.apiUrl, kpiFile: new URL(KPI_FILE).pathname });
  const saved = { ...process.env };
  try {
    Object.assign(process.env, env);
    const loaded = await loadConfigFile(exampleConfigFile(dialect), process.env, ['smoke']);
    const outDir = o.outDir ?? (await mkdtemp(join(tmpdir(), `gonogo-smoke-${dialect}-`)));
    const kpis = parseKpiText(await readFile(KPI_FILE, 'utf8'), 'kpis.yaml');
    const out = await runSmoke({
      config: loaded.config, configDir: loaded.dir, kpis, outDir, signal: new AbortController().signal, progress: () => {},
      load: { vus: 1, duration: '1s', engine: 'auto' }, secrets: new Set([...loaded.secrets.values()]),
    });
    return { ...out, outDir };
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    await info.stop();
    await sink.stop();
  }
}
