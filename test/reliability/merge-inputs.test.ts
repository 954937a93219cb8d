import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LoadCollector } from '../../load/collector.ts';
import { gonogoChild } from './child.ts';

/** A shard of `n` requests; `seed` makes each shard's latencies its own. */
function shard(n: number, seed: number): string {
  const c = new LoadCollector(0);
  for (let i = 0; i < n; i++)
    c.record('home', 'GET', 5 + ((i * 7919 + seed * 104729) % 97), false, (i % 5) * 1000, 200);
  return `${JSON.stringify(c.toResult({ engine: 'autocannon', vus: 2, durationS: 5 }))}\n`;
}

function shards() {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-merge-cli-'));
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.json');
  writeFileSync(a, shard(300, 1));
  writeFileSync(b, shard(200, 2));
  return { dir, a, b };
}

/**
 * `gonogo merge` adds every count of every shard, so the same shard twice doubles the load and an
 * --out that is an input destroys it: both are usage errors (exit 2) and nothing is written.
 */
describe('gonogo merge refuses inputs that would make it lie', () => {
  it.each([
    [
      'the same path twice',
      (s: ReturnType<typeof shards>) => [s.a, s.a, '--out', join(s.dir, 'm.json')],
      'named twice',
    ],
    [
      'one file by two spellings',
      (s: ReturnType<typeof shards>) => [s.a, join(s.dir, '.', 'a.json'), '--out', join(s.dir, 'm.json')],
      'named twice',
    ],
    [
      'one file and a symlink to it',
      (s: ReturnType<typeof shards>) => {
        symlinkSync(s.a, join(s.dir, 'link.json'));
        return [s.a, join(s.dir, 'link.json'), '--out', join(s.dir, 'm.json')];
      },
      'named twice',
    ],
    [
      'a shard and its copy',
      (s: ReturnType<typeof shards>) => {
        copyFileSync(s.a, join(s.dir, 'copy.json'));
        return [s.a, s.b, join(s.dir, 'copy.json'), '--out', join(s.dir, 'm.json')];
      },
      'hold the same load result',
    ],
    [
      'a shard and a report.json carrying it',
      (s: ReturnType<typeof shards>) => {
        writeFileSync(
          join(s.dir, 'report.json'),
          JSON.stringify({ schemaVersion: 1, load: JSON.parse(readFileSync(s.a, 'utf8')) }),
        );
        return [s.a, join(s.dir, 'report.json'), '--out', join(s.dir, 'm.json')];
      },
      'hold the same load result',
    ],
    ['--out naming the only input', (s: ReturnType<typeof shards>) => [s.a, '--out', s.a], 'is one of the shards'],
    [
      '--out naming the second input',
      (s: ReturnType<typeof shards>) => [s.a, s.b, '--out', join(s.dir, '.', 'b.json')],
      'is one of the shards',
    ],
    [
      '--out through a symlink to an input',
      (s: ReturnType<typeof shards>) => {
        symlinkSync(s.b, join(s.dir, 'out-link.json'));
        return [s.a, s.b, '--out', join(s.dir, 'out-link.json')];
      },
      'is one of the shards',
    ],
    [
      'an --out that cannot be written',
      (s: ReturnType<typeof shards>) => [s.a, s.b, '--out', '/sys/gonogo-merged.json'],
      '--out /sys/gonogo-merged.json: cannot write',
    ],
  ])('%s -> exit 2, inputs untouched', async (_, args, needle) => {
    const s = shards();
    const before = [readFileSync(s.a, 'utf8'), readFileSync(s.b, 'utf8')];
    const r = await gonogoChild(['merge', ...args(s)]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(needle);
    expect(r.err).not.toContain('Harness error');
    expect([readFileSync(s.a, 'utf8'), readFileSync(s.b, 'utf8')]).toEqual(before);
  });

  it('k6 --out json shards: the same stream plain and gzipped is one shard', async () => {
    const s = shards();
    const line = (v: number, t: number) =>
      JSON.stringify({
        metric: 'http_req_duration',
        type: 'Point',
        data: {
          time: new Date(Date.UTC(2026, 0, 1, 0, 0, t)).toISOString(),
          value: v,
          tags: { name: 'home', method: 'GET', expected_response: 'true' },
        },
      });
    const text = `${[line(10, 0), line(12, 0), line(30, 1)].join('\n')}\n`; // k6 ends every record with a newline
    writeFileSync(join(s.dir, 'k6.json'), text);
    writeFileSync(join(s.dir, 'k6.json.gz'), gzipSync(text));
    const r = await gonogoChild([
      'merge',
      join(s.dir, 'k6.json'),
      join(s.dir, 'k6.json.gz'),
      '--out',
      join(s.dir, 'm.json'),
    ]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('hold the same load result');
  });

  it('distinct shards merge, every request counted once (positive control)', async () => {
    const s = shards();
    const out = join(s.dir, 'merged.json');
    const r = await gonogoChild(['merge', s.a, s.b, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).requests).toBe(500);
  });
});
