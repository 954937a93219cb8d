import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** Latencies are recorded in whole microseconds, 3 significant digits (0.1%), auto-resizing past 60 s. */
export function newHistogram(digits: 2 | 3 = 3): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: digits,
    autoResize: true,
  });
}

export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Throws on anything that is not an encoded HDR histogram (merge turns that into an InputError). */
export function decodeHistogram(base64: string): Histogram {
  return hdr.decodeFromCompressedBase64(base64, 32, false);
}

export interface LatencySummaryMs {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** The max at bucket precision: an added (merged) histogram only knows that, so a single one reports it too. */
function maxUs(h: Histogram): number {
  // Present on every hdr-histogram-js implementation, missing from its public interface.
  return (h as Histogram & { highestEquivalentValue(v: number): number }).highestEquivalentValue(h.maxValue);
}

export function percentileMs(h: Histogram, p: number): number {
  return h.totalCount === 0 ? 0 : round3(Math.min(h.getValueAtPercentile(p), maxUs(h)) / 1000);
}

export function summarize(h: Histogram): LatencySummaryMs {
  if (h.totalCount === 0) return { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  return {
    mean: round3(h.mean / 1000),
    p50: percentileMs(h, 50),
    p90: percentileMs(h, 90),
    p95: percentileMs(h, 95),
    p99: percentileMs(h, 99),
    max: round3(maxUs(h) / 1000),
  };
}

/** Exact merge: bucket counts add, so merged percentiles are those of all samples (within histogram precision). */
export function addAll(parts: readonly Histogram[]): Histogram {
  const out = newHistogram();
  for (const p of parts) out.add(p);
  return out;
}
