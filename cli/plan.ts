import { randomBytes } from 'node:crypto';
import { UsageError } from '../core/errors.ts';
import type { KpiFile } from '../config/kpis.ts';
import { suiteNames, type SuiteName } from '../core/report-schema.ts';
import { LOAD_LIMITS, parseCount, parseLoadDuration } from '../load/limits.ts';

export const ENGINES = ['k6', 'autocannon', 'auto'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface RunOptions {
  config: string;
  reference: boolean;
  flaws: string[];
  /** With --reference: which dialect of the reference platform to serve (default marketplace). */
  dialect?: string;
  suites: SuiteName[];
  engine: EngineName;
  quick: boolean;
  vus?: number;
  duration?: string;
  shards?: number;
  label?: string;
  baseline?: string;
  checklists: string[];
  out?: string;
  /** A merged LoadResult (gonogo merge) judged as this run's load suite instead of running the load here. */
  fromMerged?: string;
  /** Record the report in the history store (history.record in the config does the same). */
  record?: boolean;
}

export interface Plan {
  runId: string;
  /** Suites in the order they run: security and smoke first, load last so its traffic cannot trip the smoke checks. */
  suites: SuiteName[];
  load: { vus: number; duration: string; engine: EngineName; shards?: number };
}

export function parseSuites(list: string): SuiteName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(suiteNames as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) {
    throw new UsageError(
      `--suite: unknown suite ${unknown.map((u) => `"${u}"`).join(', ') || '(empty list)'}; choose from ${suiteNames.join(', ')}`,
    );
  }
  return [...new Set(names)] as SuiteName[];
}

export function parseEngine(name: string): EngineName {
  if (!(ENGINES as readonly string[]).includes(name))
    throw new UsageError(`--engine: unknown engine "${name}"; choose k6, autocannon or auto`);
  return name as EngineName;
}

/** A k6 duration above zero and within LOAD_LIMITS.maxDurationS, kept in its k6 spelling. */
export function parseDuration(d: string, flag = '--duration'): string {
  parseLoadDuration(d, flag);
  return d;
}

/** A count flag (--vus, --shards): decimal digits only, from 1 to its documented maximum. */
export function parsePositiveInt(v: string, flag: string, max: number = LOAD_LIMITS.maxVus): number {
  return parseCount(v, flag, max);
}

export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The load profile: explicit --vus/--duration win, then --quick, then the KPI file's documented profile. */
export function makePlan(opts: RunOptions, kpis: KpiFile, runId = newRunId()): Plan {
  const order: SuiteName[] = ['security', 'smoke', 'load'];
  const base = opts.quick ? kpis.profile.quick : kpis.profile;
  const vus = opts.vus ?? base.vus;
  if (opts.shards && opts.suites.includes('load') && opts.shards > vus)
    throw new UsageError(`--shards: ${opts.shards} shards for ${vus} VUs; every shard needs at least one VU`);
  return {
    runId,
    suites: order.filter((s) => opts.suites.includes(s)),
    load: {
      vus,
      duration: opts.duration ?? base.duration,
      engine: opts.engine,
      ...(opts.shards ? { shards: opts.shards } : {}),
    },
  };
}
