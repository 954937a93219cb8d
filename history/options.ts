import { UsageError } from '../core/errors.ts';
import type { RunFilter } from './store.ts';

export interface FilterFlags {
  project?: string;
  branch?: string;
  last?: string;
  since?: string;
}

/** `--project`, `--branch`, `--last N`, `--since DATE` as a store filter; a bad value is a usage error naming its flag. */
export function filterOf(flags: FilterFlags): RunFilter {
  const f: RunFilter = {};
  if (flags.project !== undefined) f.project = flags.project;
  if (flags.branch !== undefined) f.branch = flags.branch;
  if (flags.last !== undefined) {
    if (!/^\d+$/.test(flags.last) || Number(flags.last) < 1 || Number(flags.last) > 100_000)
      throw new UsageError(`--last takes a whole number of runs from 1 to 100000 (got "${flags.last}")`);
    f.last = Number(flags.last);
  }
  if (flags.since !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}/.test(flags.since) || Number.isNaN(Date.parse(flags.since)))
      throw new UsageError(
        `--since takes a date or time such as 2026-11-01 or 2026-11-01T03:00:00Z (got "${flags.since}")`,
      );
    f.since = flags.since;
  }
  return f;
}

/** A TCP port for `serve --port`. */
export function portOf(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new UsageError(`--port takes a port number from 0 to 65535 (got "${value}"; 0 picks a free port)`);
  return Number(value);
}
