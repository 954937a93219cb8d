import type { PlanJourney, PoolAccount } from '../../scenarios/journey-core.ts';
import type { SessionSpec } from '../../scenarios/session-core.ts';
import type { CollectorDump } from '../collector.ts';

export interface WorkerInput {
  baseUrl: string;
  /** Connections (virtual users) this worker runs per journey, index-aligned with journeys. */
  connections: number[];
  journeys: PlanJourney[];
  durationS: number;
  thinkTimeS: number;
  requestTimeoutS: number;
  sourceAddress?: string;
  env: Record<string, string>;
  /** The whole pool; this worker's VUs are numbered from vuOffset + 1, so VU ids (and accounts) are unique across workers. */
  accounts: PoolAccount[];
  vuOffset: number;
  /** How VUs read and renew their tokens. */
  session?: SessionSpec;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'tick'; requests: number; errors: number; p95: number }
  | { type: 'done'; dump: CollectorDump; warnings: string[] }
  | { type: 'failed'; message: string };

/** `go` carries the common start time, so every worker's seconds line up on one timeline. */
export type MainMessage = { type: 'go'; startedAtMs: number } | { type: 'stop' };
