import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadCollector } from '../../load/collector.ts';
import { mergeResults, readShard } from '../../load/merge.ts';
import { InputError } from '../../core/errors.ts';
import { decodeHistogram } from '../../load/histogram.ts';

/** A deterministic, skewed latency sample set (ms) with a long tail. */
function samples(n: number): number[] {
  let x = 12345;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    return 2 + 40 * u * u + (u > 0.97 ? 400 * u : 0);
  });
}

function resultOf(values: number[], t0 = 0): ReturnType<LoadCollector['toResult']> {
  const c = new LoadCollector(t0);
  for (const [i, v] of values.entries())
    c.record(i % 3 === 0 ? 'login' : 'list', 'GET', v, i % 97 === 0, t0 + (i % 10) * 1000, i % 97 === 0 ? 429 : 200);
  return c.toResult({ engine: 'autocannon', vus: 5, durationS: 10 });
}

describe('exact merge', () => {
  it('merged percentiles equal those of the whole sample set, overall and per endpoint', () => {
    const all = samples(20_000);
    const whole = resultOf(all);
    const shards = [0, 1, 2, 3].map((k) => resultOf(all.filter((_, i) => i % 4 === k)));
    // Sharding by index changes which endpoint and second a sample lands in; rebuild the whole the same way.
    const wholeSame = mergeResults([
      resultOf(all.filter((_, i) => i % 4 === 0)),
      resultOf(all.filter((_, i) => i % 4 === 1)),
      resultOf(all.filter((_, i) => i % 4 === 2)),
      resultOf(all.filter((_, i) => i % 4 === 3)),
    ]);
    const merged = mergeResults(shards);
    expect(merged.latencyMs).toEqual(whole.latencyMs);
    expect(merged.requests).toBe(20_000);
    expect(merged.errors).toBe(wholeSame.errors);
    expect(merged.endpoints).toEqual(wholeSame.endpoints);
    expect(decodeHistogram(merged.histogram).totalCount).toBe(20_000);
    // The average of shard p95s is not what merge computes.
    const avgP95 = shards.reduce((s, r) => s + r.latencyMs.p95, 0) / 4;
    expect(merged.latencyMs.p95).toBe(whole.latencyMs.p95);
    expect(avgP95).not.toBe(merged.latencyMs.p95);
  });

  it('refuses corrupt and foreign input with an InputError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-merge-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"engine":"k6"}');
    await expect(readShard(bad)).rejects.toBeInstanceOf(InputError);
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, JSON.stringify({ ...resultOf([1, 2, 3]), histogram: 'not-a-histogram' }));
    await expect(readShard(corrupt)).rejects.toThrow(/histogram is corrupt/);
    await expect(readShard(join(dir, 'missing.json'))).rejects.toBeInstanceOf(InputError);
    expect(() => mergeResults([])).toThrow(InputError);
  });

  it('reads k6 --out json shards, gzip too, and report.json files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-merge-'));
    const t = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const line = (v: number, s: number, ok = true): string =>
      JSON.stringify({
        metric: 'http_req_duration',
        type: 'Point',
        data: {
          time: t(s),
          value: v,
          tags: { name: 'home', method: 'GET', status: ok ? '200' : '503', expected_response: String(ok) },
        },
      });
    const text = `${[
      '{"type":"Metric","data":{"name":"http_req_duration","type":"trend"},"metric":"http_req_duration"}',
      line(10, 0),
      line(20, 0),
      line(30, 1, false),
      // A request that got no response: k6 tags it status "0".
      JSON.stringify({
        metric: 'http_req_duration',
        type: 'Point',
        data: {
          time: t(1),
          value: 0,
          tags: { name: 'home', method: 'GET', status: '0', expected_response: 'false' },
        },
      }),
      JSON.stringify({ metric: 'checks', type: 'Point', data: { time: t(1), value: 1, tags: {} } }),
      JSON.stringify({ metric: 'iterations', type: 'Point', data: { time: t(1), value: 1, tags: {} } }),
    ].join('\n')}\n`; // k6 ends every record with a newline
    writeFileSync(join(dir, 'a.json'), text);
    writeFileSync(join(dir, 'b.json.gz'), gzipSync(text));
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ schemaVersion: 1, load: resultOf([5, 6]) }));
    const a = await readShard(join(dir, 'a.json'));
    expect(a).toMatchObject({
      requests: 4,
      errors: 2,
      checks: { passes: 1, fails: 0 },
      iterations: 1,
      timeline: [
        { t: 0, rps: 2, errors: 0 },
        { t: 1, rps: 2, errors: 2 },
      ],
    });
    expect(a.endpoints[0]).toMatchObject({
      statusCodes: [
        { status: 200, count: 2 },
        { status: 503, count: 1 },
      ],
      statusClasses: { '2xx': 2, '5xx': 1, network: 1 },
    });
    const merged = mergeResults([
      a,
      await readShard(join(dir, 'b.json.gz')),
      await readShard(join(dir, 'report.json')),
    ]);
    expect(merged.requests).toBe(10);
    expect(merged.errors).toBe(5);
    expect(merged.latencyMs.max).toBeCloseTo(30, 1);
  });
});

describe('collector memory over a long run', () => {
  it('packs past seconds, keeps a bounded number live, and loses nothing doing so', () => {
    const values = samples(6000);
    const c = new LoadCollector(0);
    const perSecond = new Map<number, number[]>();
    // 600 seconds, samples arriving up to 2 s late (k6 flushes its output in batches).
    values.forEach((v, i) => {
      const t = Math.floor(i / 10);
      const late = i % 7 === 0 ? Math.max(0, t - 2) : t;
      c.record('/x', 'GET', v, false, late * 1000 + 500, 200);
      perSecond.set(late, [...(perSecond.get(late) ?? []), v]);
    });
    expect(c.liveSecondCount).toBeLessThanOrEqual(4);
    const timeline = c.toResult({ engine: 'autocannon', vus: 1, durationS: 600 }).timeline;
    expect(timeline).toHaveLength(600);
    for (const s of timeline) {
      const own = new LoadCollector(0);
      for (const v of perSecond.get(s.t)!) own.record('/x', 'GET', v, false, s.t * 1000 + 500, 200);
      expect({ t: s.t, rps: s.rps, p95: s.p95 }).toEqual({
        t: s.t,
        rps: perSecond.get(s.t)!.length,
        p95: own.toResult({ engine: 'autocannon', vus: 1, durationS: 600 }).timeline.find((x) => x.t === s.t)!.p95,
      });
    }
    // A packed second absorbed from another collector (a worker's dump) adds up exactly.
    const twice = new LoadCollector(0);
    twice.absorb(c.dump());
    twice.absorb(c.dump());
    const doubled = twice.toResult({ engine: 'autocannon', vus: 1, durationS: 600 }).timeline;
    expect(doubled.map((s) => s.rps)).toEqual(timeline.map((s) => s.rps * 2));
    expect(doubled.map((s) => s.p95)).toEqual(timeline.map((s) => s.p95));
  });
});
