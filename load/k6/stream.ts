import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { LoadCollector } from '../collector.ts';

interface Point {
  metric: string;
  type: string;
  data: { time: string; value: number; tags?: Record<string, string> };
}

const DURATION = '{"metric":"http_req_duration","type":"Point"';
const CHECKS = '{"metric":"checks","type":"Point"';
const ITERATIONS = '{"metric":"iterations","type":"Point"';
const VUS = '{"metric":"vus","type":"Point"';

/**
 * Feeds k6's `--out json` stream into a collector line by line (constant memory). Only the
 * metrics gonogo needs are parsed; the prefix test skips the other dozen per request cheaply.
 * `maxVus` is the highest value of k6's `vus` gauge: the VUs a shard file ran, which the file alone must tell.
 */
export async function streamK6Json(
  input: Readable,
  collector: LoadCollector,
): Promise<{
  lines: number;
  parsed: number;
  bad: number;
  firstBadLine: number | null;
  cutOff: boolean;
  maxVus: number;
}> {
  // k6 ends every record with a newline: a stream whose last byte is not one was cut off mid-record, which
  // the prefix test below cannot see when the cut falls inside the prefix.
  let lastByte = -1;
  input.on('data', (chunk: Buffer | string) => {
    if (chunk.length)
      lastByte = typeof chunk === 'string' ? chunk.charCodeAt(chunk.length - 1) : chunk[chunk.length - 1]!;
  });
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lines = 0;
  let parsed = 0;
  let bad = 0;
  let firstBadLine: number | null = null;
  let maxVus = 0;
  for await (const line of rl) {
    lines += 1;
    if (line.startsWith(VUS)) {
      const v = /"value":(\d+)/.exec(line);
      if (v) maxVus = Math.max(maxVus, Number(v[1]));
      continue;
    }
    const isDuration = line.startsWith(DURATION);
    if (!isDuration && !line.startsWith(CHECKS) && !line.startsWith(ITERATIONS)) continue;
    let p: Point;
    try {
      p = JSON.parse(line) as Point;
    } catch {
      bad += 1;
      firstBadLine ??= lines;
      continue;
    }
    parsed += 1;
    if (isDuration) {
      const tags = p.data.tags ?? {};
      // k6 tags each response expected_response=true|false from the step's expected statuses.
      // Every http_* sample carries k6's `status` system tag ("0" when no response came back).
      collector.record(
        tags.name ?? tags.url ?? 'unnamed',
        tags.method ?? 'GET',
        p.data.value,
        tags.expected_response !== 'true',
        Date.parse(p.data.time),
        Number(tags.status ?? 0),
      );
    } else if (p.metric === 'checks') {
      collector.check(p.data.value === 1);
    } else {
      collector.iterations += p.data.value;
    }
  }
  return { lines, parsed, bad, firstBadLine, cutOff: lastByte !== -1 && lastByte !== 0x0a, maxVus };
}

/** A k6 JSON output file, gzip-compressed or not (k6 writes .gz when the name ends in .gz). */
export function openK6JsonFile(path: string): Readable {
  const raw = createReadStream(path);
  return path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

/** Earliest sample time of a k6 JSON file, so a collector's seconds start where the run did. */
export async function firstSampleTime(input: Readable): Promise<number | null> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.includes('"type":"Point"')) continue;
    const m = /"time":"([^"]+)"/.exec(line);
    if (m) {
      rl.close();
      input.destroy();
      return Date.parse(m[1]!);
    }
  }
  return null;
}
