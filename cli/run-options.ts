import { parseDuration, parseEngine, parsePositiveInt, parseSuites, type RunOptions } from './plan.ts';
import { UsageError } from '../core/errors.ts';
import { parseFlaws } from '../reference-app/flaws.ts';
import { dialectByName } from '../reference-app/dialects.ts';
import { LOAD_LIMITS } from '../load/limits.ts';

export interface RawRunOptions {
  config: string;
  reference?: boolean;
  flaws?: string;
  dialect?: string;
  suite: string;
  engine: string;
  quick?: boolean;
  vus?: string;
  duration?: string;
  shards?: string;
  label?: string;
  baseline?: string;
  checklist: string[];
  out?: string;
  fromMerged?: string;
  record?: boolean;
}

/** Prefixes a usage error with the flag it came from, so the message says where to look. */
function withFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

/** Turns the raw flags into RunOptions, rejecting every bad value with a usage error before anything starts. */
export function toRunOptions(raw: RawRunOptions): RunOptions {
  const flaws = raw.flaws ? withFlag('--flaws', () => parseFlaws(raw.flaws!)) : [];
  if (flaws.length && !raw.reference) throw new UsageError('--flaws only applies together with --reference');
  if (raw.dialect !== undefined && !raw.reference)
    throw new UsageError('--dialect only applies together with --reference');
  const dialect = raw.dialect !== undefined ? withFlag('--dialect', () => dialectByName(raw.dialect).name) : undefined;
  if (raw.fromMerged !== undefined) {
    if (!parseSuites(raw.suite).includes('load'))
      throw new UsageError('--from-merged gives the load suite its results: keep load in --suite (e.g. --suite load)');
    if (raw.shards !== undefined)
      throw new UsageError('--from-merged judges shards that already ran; --shards does not apply');
  }
  return {
    config: raw.config,
    reference: Boolean(raw.reference),
    flaws,
    ...(dialect ? { dialect } : {}),
    suites: parseSuites(raw.suite),
    engine: parseEngine(raw.engine),
    quick: Boolean(raw.quick),
    ...(raw.vus !== undefined ? { vus: parsePositiveInt(raw.vus, '--vus') } : {}),
    ...(raw.duration !== undefined ? { duration: parseDuration(raw.duration) } : {}),
    ...(raw.shards !== undefined ? { shards: parsePositiveInt(raw.shards, '--shards', LOAD_LIMITS.maxShards) } : {}),
    ...(raw.label !== undefined ? { label: raw.label } : {}),
    ...(raw.baseline !== undefined ? { baseline: raw.baseline } : {}),
    checklists: raw.checklist,
    ...(raw.out !== undefined ? { out: raw.out } : {}),
    ...(raw.fromMerged !== undefined ? { fromMerged: raw.fromMerged } : {}),
    ...(raw.record ? { record: true } : {}),
  };
}
