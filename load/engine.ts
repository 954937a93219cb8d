import type { LoadResult } from '../core/report-schema.ts';
import type { LoadPlan } from './plan.ts';

/** Why an engine run did not yield a full result: the report shows it as evidence of an `error`. */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    message: string,
    readonly details: { exitCode?: number | null; stderr?: string; partial?: LoadResult } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface EngineRun {
  result: LoadResult;
  /** k6 exit 99: thresholds crossed. A verdict on the target, not an engine failure. */
  thresholdsCrossed: boolean;
  /** The engine's own threshold report when it has one (k6), metric -> expression -> held. */
  thresholds?: Record<string, Record<string, boolean>>;
  version?: string;
  warnings: string[];
}

export interface LoadEngine {
  readonly name: 'k6' | 'autocannon';
  isAvailable(): Promise<{ ok: true; version: string } | { ok: false; reason: string }>;
  run(plan: LoadPlan): Promise<EngineRun>;
}
