import type { CheckResult, LoadResult, SuiteName } from '../core/report-schema.ts';
import type { KpiFile } from './kpis.ts';
import type { Config } from './schema.ts';
import type { ReferenceInfo } from '../core/reference.ts';

/**
 * One measured metric. `values` holds the aggregations the KPI file asks for, keyed the way
 * thresholds name them: 'avg', 'min', 'med', 'max', 'p(95)', 'rate', 'count', 'value'.
 * An aggregation a suite could not measure is simply absent (the KPI becomes not-measured).
 */
export interface Measurement {
  /** Metric name, optionally with a k6 submetric filter: `http_req_duration{name:login}`. */
  metric: string;
  values: Record<string, number>;
  /** How many samples back the figure (error-rate claims need it). */
  samples?: number;
  note?: string;
}

export interface ProgressEvent {
  /** 'run' for events of the run itself (target start, interrupts). */
  suite: SuiteName | 'run';
  /** e.g. "auth.login" finished, or a load tick; 'state' only says what runs now (no line of its own in a log). */
  kind: 'check' | 'tick' | 'info' | 'warn' | 'state';
  message: string;
  done?: number;
  total?: number;
  /** What runs now (the checks in flight, the load phase), for the live line and the heartbeat; '' when nothing. */
  current?: string;
}

export interface SuiteContext {
  config: Config;
  /** Directory of the config file: relative paths in the config resolve against it. */
  configDir: string;
  kpis: KpiFile;
  outDir: string;
  /** Where the report is written (links in it are relative to this folder); the parent of outDir when absent. */
  reportDir?: string;
  signal: AbortSignal;
  progress: (e: ProgressEvent) => void;
  /** Present when gonogo started the bundled reference app for this run. */
  reference?: ReferenceInfo;
  load: {
    vus: number;
    duration: string;
    engine: 'k6' | 'autocannon' | 'auto';
    shards?: number;
    /** `run --from-merged`: the merged output of a distributed run, judged instead of running the load here. */
    merged?: { path: string; result: LoadResult };
  };
  /** Secret values to scrub from every output (passwords, tokens, webhook secret). */
  secrets: Set<string>;
  /** Where the secrets the config names by variable are read (default process.env): runs side by side in one process each pass their own. */
  env?: NodeJS.ProcessEnv;
}

export interface SuiteOutput {
  checks: CheckResult[];
  measurements: Measurement[];
  load?: LoadResult;
  /** Extra provenance for the report (engine versions, advisory source and date...). */
  provenance?: Record<string, unknown>;
  /** The engine that actually ran (load suite). */
  engine?: string;
}

export type SuiteRunner = (ctx: SuiteContext) => Promise<SuiteOutput>;
