import { randomBytes } from 'node:crypto';
import { UsageError } from '../config/errors.ts';
import type { KpiFile } from '../config/kpis.ts';
import { suiteNames, type SuiteName } from '../reports/schema.ts';

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
}

export interface Plan {
  runId: string;
  /** Suites in the order they run: security and smoke first, load last so its traffic cannot trip the smoke checks. */
  suites: SuiteName[];
  load: { vus: number; duration: string; engine: EngineName; shards?: number };
}

const DURATION = /^(\d+(?:\.\d+)?(ms|s|m|h))+$/;

export function parseSuites(list: string): SuiteName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(suiteNames as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) {
    throw new UsageError(`--suite: unknown suite ${unknown.map((u) => `"${u}"`).join(', ') || '(empty list)'}; choose from ${suiteNames.join(', ')}`);
  }
  return [...new Set(names)] as SuiteName[];
}

export function parseEngine(name: string): EngineName {
  if (!(ENGINES as readonly string[]).includes(name)) throw new UsageError(`--engine: unknown engine "${name}"; choose k6, autocannon or auto`);
  return name as EngineName;
}

export function parseDuration(d: string, flag = '--duration'): string {
  if (!DURATION.test(d)) throw new UsageError(`${flag}: "${d}" is not a k6 duration (e.g. 30s, 5m, 1m30s)`);
  return d;
}

export function parsePositiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag}: "${v}" is not a positive whole number`);
  return n;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The load profile: explicit --vus/--duration win, then --quick, then the KPI file's documented profile. */
export function makePlan(opts: RunOptions, kpis: KpiFile, runId = newRunId()): Plan {
  const order: SuiteName[] = ['security', 'smoke', 'load'];
  const base = opts.quick ? kpis.profile.quick : kpis.profile;
  return {
    runId,
    suites: order.filter((s) => opts.suites.includes(s)),
    load: {
      vus: opts.vus ?? base.vus,
      duration: opts.duration ?? base.duration,
      engine: opts.engine,
      ...(opts.shards ? { shards: opts.shards } : {}),
    },
  };
}
