import { writeFile } from 'node:fs/promises';
import type { LoadConfig } from './config.ts';
import type { PlanFile, PlanJourney, PoolAccount } from '../scenarios/journey-core.ts';
import type { SessionSpec } from '../scenarios/session-core.ts';
import type { MetricKpiDef } from '../config/kpis.ts';
import { UsageError } from '../core/errors.ts';
import { LOAD_LIMITS, parseLoadDuration } from './limits.ts';
import { normalizeBaseUrl, routeUrl } from '../core/url.ts';

/** Everything an engine needs for one run. `env` carries secrets to the engine, never into files. */
export interface LoadPlan {
  baseUrl: string;
  vus: number;
  duration: string;
  durationS: number;
  journeys: PlanJourney[];
  thinkTimeS: number;
  requestTimeoutS: number;
  gracefulStopS: number;
  slackS: number;
  insecureTls: boolean;
  caFile?: string;
  sourceAddress?: string;
  healthUrl: string | null;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  thresholds: Record<string, string[]>;
  k6Path?: string;
  workers: number;
  shards: number;
  outDir: string;
  env: Record<string, string>;
  /** The load account pool: VU i logs in as account i mod size. Empty: the journeys' own credentials. Never written to a file. */
  accounts: PoolAccount[];
  /** How VUs read and renew their tokens (load/logins); absent: tokens are kept as captured. */
  session?: SessionSpec;
  signal?: AbortSignal;
  onTick?: (tick: LoadTick) => void;
}

export interface LoadTick {
  elapsedS: number;
  remainingS: number;
  rps: number;
  p95: number;
  errors: number;
  requests: number;
}

export { durationToS } from './limits.ts';

/** k6 thresholds from the load KPIs, keyed by metric (submetric filters included). Availability is judged by gonogo, not k6. */
export function thresholdsFromKpis(kpis: readonly { kind: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of kpis) {
    if (k.kind !== 'metric') continue;
    const m = k as MetricKpiDef;
    if (m.suite !== 'load' || m.metric.startsWith('availability')) continue;
    (out[m.metric] ??= []).push(...m.thresholds.map((t) => t.source));
  }
  return out;
}

export function defaultJourneys(): PlanJourney[] {
  return [
    {
      name: 'get',
      weight: 1,
      steps: [
        { name: 'get', method: 'GET', path: '/', form: false, headers: {}, expect: [200], capture: {}, once: false },
      ],
    },
  ];
}

export interface PlanInput {
  baseUrl: string;
  load: LoadConfig;
  vus: number;
  duration: string;
  kpis: readonly { kind: string }[];
  outDir: string;
  caFile?: string;
  shards?: number;
  env?: Record<string, string>;
  accounts?: PoolAccount[];
}

export function buildPlan(i: PlanInput): LoadPlan {
  // Journeys join their paths under it (scenarios/journeys.ts, the autocannon worker) exactly as routeUrl does.
  const baseUrl = normalizeBaseUrl(i.baseUrl);
  // The last guard for profiles that did not come through the CLI flags (the KPI file, code).
  if (!Number.isInteger(i.vus) || i.vus < 1 || i.vus > LOAD_LIMITS.maxVus)
    throw new UsageError(`--vus must be a whole number from 1 to ${LOAD_LIMITS.maxVus} (received: ${i.vus})`);
  const durationS = parseLoadDuration(i.duration);
  const shards = i.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1 || shards > Math.min(i.vus, LOAD_LIMITS.maxShards))
    throw new UsageError(
      `--shards must be between 1 and the number of VUs (${i.vus}), at most ${LOAD_LIMITS.maxShards}; received ${shards}`,
    );
  return {
    baseUrl,
    vus: i.vus,
    duration: i.duration,
    durationS,
    journeys: i.load.journeys.length > 0 ? i.load.journeys : defaultJourneys(),
    thinkTimeS: i.load.thinkTimeS,
    requestTimeoutS: i.load.timeouts.requestS,
    gracefulStopS: i.load.timeouts.gracefulStopS,
    slackS: i.load.timeouts.slackS,
    insecureTls: i.load.insecureTls,
    caFile: i.caFile,
    sourceAddress: i.load.sourceAddress,
    healthUrl: i.load.health.path === null ? null : routeUrl(baseUrl, i.load.health.path),
    healthIntervalMs: i.load.health.intervalMs,
    healthTimeoutMs: i.load.health.timeoutMs,
    thresholds: thresholdsFromKpis(i.kpis),
    k6Path: i.load.k6Path,
    workers: i.load.workers,
    shards,
    outDir: i.outDir,
    env: i.env ?? {},
    accounts: i.accounts ?? [],
  };
}

export function planFile(p: LoadPlan): PlanFile {
  return {
    version: 1,
    baseUrl: p.baseUrl,
    vus: p.vus,
    duration: p.duration,
    journeys: p.journeys,
    thinkTimeS: p.thinkTimeS,
    requestTimeoutS: p.requestTimeoutS,
    gracefulStopS: p.gracefulStopS,
    insecureTls: p.insecureTls,
    thresholds: p.thresholds,
    ...(p.session ? { session: p.session } : {}),
  };
}

export async function writePlanFile(p: LoadPlan, path: string): Promise<void> {
  await writeFile(path, `${JSON.stringify(planFile(p), null, 2)}\n`);
}
