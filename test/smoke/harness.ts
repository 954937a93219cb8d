import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailSink } from '../../core/mail/sink.ts';
import { startReference } from '../../reference-app/index.ts';
import { runSmoke } from '../../smoke/index.ts';
import { parseKpiText } from '../../config/kpis.ts';
import type { SuiteOutput } from '../../config/suite.ts';
import { loadConfigFile } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { exampleConfigFile, exampleEnv } from '../../reference-app/example-env.ts';

const KPI_FILE = new URL('../../config/defaults/kpis.yaml', import.meta.url);

/**
 * The window of the platform's limits in these runs (the platform documents a minute): the limit probes wait out
 * the announced Retry-After, and the checks pace themselves under the limits per window, so a shorter window
 * shortens a run (a clean marketplace run alone: 69 s at 20 s, 37 s at 10 s). The example configs read the same
 * window (GONOGO_RATELIMIT_WINDOW_S), so the models judge the platform at the rate it enforces. It stays long enough
 * that a burst outpaces its limits on a loaded runner (100 requests, or DRF's 60 logins, well within one window: a
 * slower burst ends inconclusive, an error). fastapi's token bucket keeps 20 s: at 10 s it refills ten slots a second,
 * and on a runner busy with the other matrices its 100-request burst ran too slowly to empty it (ratelimit.api
 * inconclusive in three of its matrix runs); at 20 s the forwarded-for probe's spoofed requests still outnumber the
 * five slots a second it refills (smoke/lib/limit-probe.ts, spoofedCount).
 */
export const TEST_LIMIT_WINDOW_S: Record<string, number> = { marketplace: 10, drf: 10, fastapi: 20, session: 10 };

/** Starts sink + reference app with the given flaws, runs the smoke suite through examples/marketplace/gonogo.config.ts, stops everything. */
export async function smokeAgainstReference(
  flaws: string[],
  o: { outDir?: string; limitWindowS?: number; edit?: (c: Config) => Config } = {},
): Promise<SuiteOutput & { outDir: string; smokeMs: number }> {
  const started = performance.now();
  const out = await smokeAgainstDialect('marketplace', flaws, o);
  return { ...out, smokeMs: performance.now() - started };
}

/**
 * A dialect of the reference platform, driven only by the dialect's example config
 * (examples/<dialect>/gonogo.config.ts) and the environment a team would set for it.
 */
export async function smokeAgainstDialect(
  dialect: string,
  flaws: string[],
  o: { outDir?: string; limitWindowS?: number; edit?: (c: Config) => Config } = {},
): Promise<SuiteOutput & { outDir: string }> {
  const sink = await startMailSink({ host: '127.0.0.1' });
  const info = await startReference({
    flaws,
    dialect,
    smtp: sink.smtp,
    env: {},
    limitWindowS: o.limitWindowS ?? TEST_LIMIT_WINDOW_S[dialect] ?? 60,
  });
  const env = exampleEnv(info, { mailApiUrl: sink.apiUrl, kpiFile: new URL(KPI_FILE).pathname });
  try {
    // The example config reads process.env as it loads (as a team's reads its CI's): runs side by side take turns for that moment.
    const loaded = await withEnv(env, () => loadConfigFile(exampleConfigFile(dialect), process.env, ['smoke']));
    const outDir = o.outDir ?? (await mkdtemp(join(tmpdir(), `gonogo-smoke-${dialect}-`)));
    const kpis = parseKpiText(await readFile(KPI_FILE, 'utf8'), 'kpis.yaml');
    const out = await runSmoke({
      config: o.edit ? o.edit(loaded.config) : loaded.config,
      configDir: loaded.dir,
      kpis,
      outDir,
      signal: new AbortController().signal,
      progress: () => {},
      load: { vus: 1, duration: '1s', engine: 'auto' },
      secrets: new Set([...loaded.secrets.values()]),
      env: { ...process.env, ...env },
    });
    return { ...out, outDir };
  } finally {
    await info.stop();
    await sink.stop();
  }
}

let envTurn: Promise<unknown> = Promise.resolve();
/** Runs `fn` with `vars` set in process.env, one caller at a time, and puts the environment back afterwards. */
function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const run = envTurn.then(async () => {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
      return await fn();
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
  envTurn = run.catch(() => undefined);
  return run;
}
