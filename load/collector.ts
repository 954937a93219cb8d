import {
  decodeHistogram,
  encodeHistogram,
  newHistogram,
  percentileMs,
  recordMs,
  summarize,
  type Histogram,
} from './histogram.ts';
import type { LoadResult } from '../core/report-schema.ts';
import { StatusTally, type StatusDump } from './status.ts';

/** One engine's raw tallies, serializable so worker threads and shards can hand them over. */
export interface CollectorDump {
  histogram: string;
  endpoints: {
    name: string;
    method: string;
    requests: number;
    errors: number;
    histogram: string;
    statuses: StatusDump;
  }[];
  seconds: { t: number; requests: number; errors: number; histogram: string }[];
  checks: { passes: number; fails: number };
  iterations: number;
}

interface Endpoint {
  name: string;
  method: string;
  requests: number;
  errors: number;
  hist: Histogram;
  statuses: StatusTally;
}
/** A past second keeps its histogram encoded (about 100 bytes instead of 10 KB), so a long run's memory stays flat. */
interface Second {
  requests: number;
  errors: number;
  hist: Histogram | null;
  packed: string | null;
}

/** Seconds this far behind the newest sample are packed; samples can still arrive that late (k6 flushes in batches). */
const PACK_AFTER_S = 3;

/** A second's histogram without unpacking it for good (reads of the timeline). */
function peek(s: Second): Histogram {
  return s.hist ?? decodeHistogram(s.packed!);
}

function histOf(s: Second): Histogram {
  if (!s.hist) {
    s.hist = decodeHistogram(s.packed!);
    s.packed = null;
  }
  return s.hist;
}

/** Every response of a run, in HDR histograms: overall, per endpoint and per second. */
export class LoadCollector {
  readonly all = newHistogram();
  readonly endpoints = new Map<string, Endpoint>();
  readonly seconds = new Map<number, Second>();
  private readonly liveSeconds = new Set<number>();
  private newest = -1;
  checks = { passes: 0, fails: 0 };
  iterations = 0;
  requests = 0;
  errors = 0;

  /** NaN: the first recorded sample starts the clock (k6 spends a moment initialising before it sends). */
  constructor(public startedAtMs: number) {}

  private endpoint(name: string, method: string): Endpoint {
    const key = `${method} ${name}`;
    let e = this.endpoints.get(key);
    if (!e)
      this.endpoints.set(
        key,
        (e = { name, method, requests: 0, errors: 0, hist: newHistogram(), statuses: new StatusTally() }),
      );
    return e;
  }

  private second(t: number): Second & { hist: Histogram } {
    let s = this.seconds.get(t);
    // Per-second histograms only feed the timeline's p95: 2 digits keep them small.
    if (!s) this.seconds.set(t, (s = { requests: 0, errors: 0, hist: newHistogram(2), packed: null }));
    histOf(s);
    this.liveSeconds.add(t);
    if (t > this.newest) this.packBefore((this.newest = t) - PACK_AFTER_S + 1);
    return s as Second & { hist: Histogram };
  }

  /** Encodes the live seconds older than `t` (runs once per new second, not per sample). */
  private packBefore(t: number): void {
    for (const old of this.liveSeconds) {
      if (old >= t) continue;
      const o = this.seconds.get(old)!;
      o.packed = encodeHistogram(o.hist!);
      o.hist = null;
      this.liveSeconds.delete(old);
    }
  }

  /** `status` 0: no HTTP response (a network error or timeout). */
  record(name: string, method: string, latencyMs: number, failed: boolean, atMs: number, status: number): void {
    if (Number.isNaN(this.startedAtMs)) this.startedAtMs = atMs - latencyMs;
    const t = Math.max(0, Math.floor((atMs - this.startedAtMs) / 1000));
    const e = this.endpoint(name, method);
    const s = this.second(t);
    recordMs(this.all, latencyMs);
    recordMs(e.hist, latencyMs);
    recordMs(s.hist, latencyMs);
    e.statuses.add(status);
    e.requests += 1;
    s.requests += 1;
    this.requests += 1;
    if (failed) {
      e.errors += 1;
      s.errors += 1;
      this.errors += 1;
    }
  }

  /** Seconds holding a live (unpacked) histogram: bounded, however long the run. */
  get liveSecondCount(): number {
    return this.liveSeconds.size;
  }

  check(ok: boolean): void {
    if (ok) this.checks.passes += 1;
    else this.checks.fails += 1;
  }

  /** The latest complete second, for live progress. */
  lastSecond(nowMs: number): { t: number; rps: number; p95: number; errors: number } | null {
    if (Number.isNaN(this.startedAtMs)) return null;
    const t = Math.floor((nowMs - this.startedAtMs) / 1000) - 1;
    const s = this.seconds.get(t);
    return s ? { t, rps: s.requests, p95: percentileMs(peek(s), 95), errors: s.errors } : null;
  }

  dump(): CollectorDump {
    return {
      histogram: encodeHistogram(this.all),
      endpoints: [...this.endpoints.values()].map((e) => ({
        name: e.name,
        method: e.method,
        requests: e.requests,
        errors: e.errors,
        histogram: encodeHistogram(e.hist),
        statuses: e.statuses.dump(),
      })),
      seconds: [...this.seconds.entries()].map(([t, s]) => ({
        t,
        requests: s.requests,
        errors: s.errors,
        histogram: s.packed ?? encodeHistogram(s.hist!),
      })),
      checks: { ...this.checks },
      iterations: this.iterations,
    };
  }

  /** Adds another collector's tallies (a worker thread's) into this one. */
  absorb(d: CollectorDump): void {
    this.all.add(decodeHistogram(d.histogram));
    for (const e of d.endpoints) {
      const mine = this.endpoint(e.name, e.method);
      mine.requests += e.requests;
      mine.errors += e.errors;
      mine.hist.add(decodeHistogram(e.histogram));
      mine.statuses.absorb(e.statuses);
      this.requests += e.requests;
      this.errors += e.errors;
    }
    for (const s of d.seconds) {
      const mine = this.second(s.t);
      mine.requests += s.requests;
      mine.errors += s.errors;
      mine.hist.add(decodeHistogram(s.histogram));
    }
    this.checks.passes += d.checks.passes;
    this.checks.fails += d.checks.fails;
    this.iterations += d.iterations;
  }

  toResult(meta: {
    engine: string;
    vus: number;
    durationS: number;
    availability?: LoadResult['availability'];
    shards?: number;
  }): LoadResult {
    const durationS = meta.durationS > 0 ? meta.durationS : 1;
    // A trailing partial second would show a false dip in throughput.
    const timeline = [...this.seconds.entries()]
      .filter(([t]) => t < Math.max(1, Math.floor(durationS)))
      .sort((a, b) => a[0] - b[0])
      .map(([t, s]) => ({ t, rps: s.requests, p95: percentileMs(peek(s), 95), errors: s.errors }));
    return {
      engine: meta.engine,
      vus: meta.vus,
      durationS: Math.round(meta.durationS * 1000) / 1000,
      requests: this.requests,
      rps: Math.round((this.requests / durationS) * 100) / 100,
      errorRate: this.requests === 0 ? 0 : this.errors / this.requests,
      errors: this.errors,
      latencyMs: summarize(this.all),
      histogram: encodeHistogram(this.all),
      endpoints: [...this.endpoints.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((e) => ({
          name: e.name,
          method: e.method,
          requests: e.requests,
          errors: e.errors,
          latencyMs: summarize(e.hist),
          histogram: encodeHistogram(e.hist),
          ...e.statuses.fields(),
        })),
      timeline,
      checks: { ...this.checks },
      iterations: this.iterations,
      ...(meta.availability ? { availability: meta.availability } : {}),
      ...(meta.shards ? { shards: meta.shards } : {}),
    };
  }
}
