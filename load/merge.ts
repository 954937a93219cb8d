import { open } from 'node:fs/promises';
import { checkInputFile, readInputText } from '../core/read-input.ts';
import { LoadResult } from '../core/report-schema.ts';
import { InputError } from '../core/errors.ts';
import { decodeHistogram, encodeHistogram, newHistogram, summarize } from './histogram.ts';
import { LoadCollector } from './collector.ts';
import { firstSampleTime, openK6JsonFile, streamK6Json } from './k6/stream.ts';
import { StatusTally } from './status.ts';

/**
 * Merges shard results exactly: histograms add bucket by bucket, so the merged p95 is the p95 of
 * every sample (never an average of shard p95s). Shards are assumed to have run at the same time.
 */
export function mergeResults(parts: readonly LoadResult[]): LoadResult {
  if (parts.length === 0) throw new InputError('nothing to merge: name at least one shard result');
  const all = newHistogram();
  for (const p of parts) all.add(decodeHistogram(p.histogram));
  // statuses: null once a shard's endpoint has no breakdown (an older report): a partial sum would mislead.
  const endpoints = new Map<
    string,
    {
      name: string;
      method: string;
      requests: number;
      errors: number;
      hist: ReturnType<typeof newHistogram>;
      statuses: StatusTally | null;
    }
  >();
  for (const p of parts) {
    for (const e of p.endpoints) {
      if (!e.histogram)
        throw new InputError(`endpoint "${e.name}" of a shard carries no histogram; it cannot be merged exactly`);
      const key = `${e.method} ${e.name}`;
      const m = endpoints.get(key) ?? {
        name: e.name,
        method: e.method,
        requests: 0,
        errors: 0,
        hist: newHistogram(),
        statuses: new StatusTally(),
      };
      m.requests += e.requests;
      m.errors += e.errors;
      m.hist.add(decodeHistogram(e.histogram));
      const theirs = StatusTally.fromEndpoint(e);
      if (theirs && m.statuses) m.statuses.absorb(theirs.dump());
      else m.statuses = null;
      endpoints.set(key, m);
    }
  }
  const seconds = new Map<number, { rps: number; p95: number; errors: number }>();
  for (const p of parts) {
    for (const s of p.timeline) {
      const m = seconds.get(s.t) ?? { rps: 0, p95: 0, errors: 0 };
      // Per-second p95 is not kept as a histogram: the merged timeline shows the worst shard's (an upper bound).
      seconds.set(s.t, { rps: m.rps + s.rps, p95: Math.max(m.p95, s.p95), errors: m.errors + s.errors });
    }
  }
  const requests = parts.reduce((s, p) => s + p.requests, 0);
  const errors = parts.reduce((s, p) => s + p.errors, 0);
  const durationS = Math.max(...parts.map((p) => p.durationS));
  const sum = (f: (p: LoadResult) => number | undefined): number => parts.reduce((s, p) => s + (f(p) ?? 0), 0);
  const avail = parts.filter((p) => p.availability);
  const engines = [...new Set(parts.map((p) => p.engine))];
  return LoadResult.parse({
    engine: engines.join('+'),
    vus: sum((p) => p.vus),
    durationS,
    requests,
    rps: durationS > 0 ? Math.round((requests / durationS) * 100) / 100 : 0,
    errorRate: requests === 0 ? 0 : errors / requests,
    errors,
    latencyMs: summarize(all),
    histogram: encodeHistogram(all),
    endpoints: [...endpoints.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => ({
        name: e.name,
        method: e.method,
        requests: e.requests,
        errors: e.errors,
        latencyMs: summarize(e.hist),
        histogram: encodeHistogram(e.hist),
        ...(e.statuses ? e.statuses.fields() : {}),
      })),
    timeline: [...seconds.entries()].sort((a, b) => a[0] - b[0]).map(([t, s]) => ({ t, ...s })),
    checks: { passes: sum((p) => p.checks?.passes), fails: sum((p) => p.checks?.fails) },
    iterations: sum((p) => p.iterations),
    // Every shard polls the same health route: the availability KPI uses the pooled polls.
    ...(avail.length > 0
      ? {
          availability: {
            polls: sum((p) => p.availability?.polls),
            ok: sum((p) => p.availability?.ok),
            url: avail[0]!.availability!.url,
            ...(avail.every((p) => p.availability!.failed)
              ? {
                  failed: {
                    status: sum((p) => p.availability?.failed?.status),
                    timeout: sum((p) => p.availability?.failed?.timeout),
                    network: sum((p) => p.availability?.failed?.network),
                  },
                }
              : {}),
          },
        }
      : {}),
    shards: sum((p) => p.shards ?? 1),
    ...mergedAccounts(parts),
  });
}

/** Shards of one run share one pool: kept when every shard reports the same, dropped when they disagree. */
function mergedAccounts(parts: readonly LoadResult[]): Pick<LoadResult, 'accounts'> {
  const first = parts[0]!.accounts;
  if (!first || !parts.every((p) => p.accounts && p.accounts.source === first.source && p.accounts.size === first.size))
    return {};
  return { accounts: first };
}

/** The largest LoadResult JSON shard gonogo reads (one holds a compressed histogram and a per-second timeline). */
export const SHARD_MAX_BYTES = 256 * 1024 * 1024;

/** The first bytes of a file, enough to tell k6's NDJSON stream from a LoadResult document without reading it all. */
async function fileHead(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    // A UTF-8 byte-order mark is skipped, as readInputText does.
    return buf
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
}

/** A shard file: a LoadResult JSON (gonogo load --json, report.json's `load`) or k6's `--out json` stream (.json/.json.gz). */
export async function readShard(path: string, vus = 1): Promise<LoadResult> {
  // A FIFO or device would be waited on forever by either reader below; k6 streams may be large, so no size cap here.
  await checkInputFile(path, { what: 'shard', maxBytes: Number.MAX_SAFE_INTEGER });
  const ndjson = path.endsWith('.gz') || /^\{"(type|metric)":/.test((await fileHead(path)).trimStart());
  if (!ndjson) {
    const text = await readInputText(path, { what: 'shard', maxBytes: SHARD_MAX_BYTES });
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${path} is not JSON: ${(e as Error).message}`, { cause: e });
    }
    const candidate = (data as { load?: unknown })?.load ?? data;
    const parsed = LoadResult.safeParse(candidate);
    if (!parsed.success)
      throw new InputError(
        `${path} is not a gonogo load result: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
          .join('; ')}`,
      );
    try {
      decodeHistogram(parsed.data.histogram);
    } catch (e) {
      throw new InputError(`${path}: the histogram is corrupt (${(e as Error).message})`, { cause: e });
    }
    return parsed.data;
  }
  try {
    const start = await firstSampleTime(openK6JsonFile(path));
    const collector = new LoadCollector(start ?? Number.NaN);
    const { parsed, bad, firstBadLine, cutOff, maxVus } = await streamK6Json(openK6JsonFile(path), collector);
    if (parsed === 0)
      throw new InputError(`${path} holds no k6 http_req_duration samples${bad ? ` (${bad} unreadable lines)` : ''}`);
    // A shard that lost samples would undercount the merged load without a trace: refused, not merged in part.
    if (cutOff)
      throw new InputError(
        `${path} ends in the middle of a record (no newline after its last line): a copy taken while k6 was still writing, or a k6 that was killed? Merge the complete file`,
      );
    if (bad)
      throw new InputError(
        `${path}: ${bad} k6 record${bad === 1 ? ' is' : 's are'} not valid JSON (the first on line ${firstBadLine}); a shard with lost samples would undercount the load`,
      );
    const times = [...collector.seconds.keys()];
    return collector.toResult({
      engine: 'k6',
      vus: maxVus > 0 ? maxVus : vus,
      durationS: times.length ? Math.max(...times) + 1 : 0,
    });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read k6 output ${path}: ${(e as Error).message}`, { cause: e });
  }
}
