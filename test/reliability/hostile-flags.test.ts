import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../load/helpers.ts';
import { closedPortProject, gonogoChild } from './child.ts';

/**
 * Load profile flags are refused upfront unless they are plain decimal counts and durations within
 * the documented bounds (1..10000 VUs, above 0 and at most 24h): a 100000h duration used to overflow
 * Node's timer and finish a "long" run after a second, and 1e9 / 0x10 / " 7" were read as numbers.
 */
const BAD_RUN: Array<[string, string]> = [
  ['--vus', '1e9'],
  ['--vus', '0x10'],
  ['--vus', ' 7'],
  ['--vus', '0'],
  ['--vus', '-3'],
  ['--vus', '+5'],
  ['--vus', '7.0'],
  ['--vus', '10001'],
  ['--vus', ''],
  ['--duration', '0s'],
  ['--duration', '0ms'],
  ['--duration', '100000h'],
  ['--duration', '25h'],
  ['--duration', '1d'],
  ['--duration', '30'],
  ['--duration', ' 30s'],
  ['--shards', '0x2'],
  ['--shards', '65'],
  ['--shards', '1e1'],
];

describe('gonogo run refuses a hostile load profile before anything starts', () => {
  const project = closedPortProject();
  it.each(BAD_RUN)('%s %j -> exit 2 naming the flag', async (flag, value) => {
    const r = await gonogoChild(['run', '--config', project.config, '--suite', 'load', flag, value]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`Usage error: ${flag}`);
    expect(r.err).not.toMatch(/starting|Config error/);
  });
});

describe('gonogo load and k6 export refuse a hostile profile', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    await target.stop();
  });

  it.each([
    ['--duration', '100000h'],
    ['--duration', '0s'],
    ['--duration', '25h'],
    ['--vus', '1e3'],
    ['--vus', '0x10'],
    ['--vus', ' 7'],
    ['--vus', '10001'],
  ])('load %s %j -> exit 2 and no traffic', async (flag, value) => {
    const args = { '--vus': '2', '--duration': '1s', [flag]: value };
    const r = await gonogoChild(['load', `${target.url}/`, '--engine', 'autocannon', ...Object.entries(args).flat()]);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toContain(`${flag}: "${value}"`);
    expect(target.hits.get('/') ?? 0).toBe(0);
  });

  it.each([
    ['--parallelism', '1e3'],
    ['--parallelism', '0x10'],
    ['--parallelism', '1001'],
    ['--duration', '100000h'],
    ['--vus', '1e9'],
  ])('k6 export %s %j -> exit 2 and no manifests', async (flag, value) => {
    const out = join(mkdtempSync(join(tmpdir(), 'gonogo-export-')), 'manifests');
    const args = { '--parallelism': '2', [flag]: value };
    const r = await gonogoChild([
      'k6',
      'export',
      '--base-url',
      target.url,
      '--config',
      join(out, 'none.ts'),
      '--out',
      out,
      ...Object.entries(args).flat(),
    ]);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toContain(`${flag}: "${value}"`);
    expect(existsSync(out)).toBe(false);
  });

  it('a profile at the bounds still runs (positive control)', async () => {
    const r = await gonogoChild([
      'load',
      `${target.url}/`,
      '--engine',
      'autocannon',
      '--vus',
      '2',
      '--duration',
      '1s',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).requests).toBeGreaterThan(0);
  });
});
