import { CATALOGUE, areaOf, type CatalogueId } from '../core/catalogue.ts';
import type { CheckResult, CheckStatus, Evidence, SkipInfo } from '../core/report-schema.ts';

/** Builds a security check from the catalogue so ids, levels and titles stay the released ones. */
export function check(id: CatalogueId, status: CheckStatus, evidence: Evidence, durationMs = 0): CheckResult {
  const entry = CATALOGUE[id];
  return {
    id,
    suite: 'security',
    area: areaOf(id),
    title: entry.title,
    status,
    level: entry.level,
    evidence,
    durationMs: Math.max(0, Math.round(durationMs)),
  };
}

/** A skipped security check, with its kind (core/report-schema.ts SkipKind) and the reason also shown as its message. */
export function skipped(id: CatalogueId, skip: SkipInfo, evidence: Evidence = {}, durationMs = 0): CheckResult {
  return { ...check(id, 'skip', { message: skip.reason, ...evidence }, durationMs), skip };
}

/** Every check of an audit that could not run: an audit that throws never passes. */
export function errorChecks(ids: readonly CatalogueId[], error: unknown, durationMs = 0): CheckResult[] {
  const message = describe(error);
  return ids.map((id) => check(id, 'error', { message }, durationMs));
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Runs async tasks with at most `limit` in flight, keeping input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
