import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrefixServer, type PrefixServer } from '../fixtures/prefix-server.ts';
import { faultProject, FAULT_ENV } from './support.ts';

const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;

/**
 * A platform served under a path prefix (https://host/app/v1, as behind a reverse proxy): every suite
 * must join its routes under the prefix. The fixture answers 404 outside it and records each request,
 * so a suite that resolved a route against the bare host shows up as a request outside the prefix.
 */
describe('target.baseUrl with a path prefix', () => {
  let server: PrefixServer;
  let config: string;
  beforeAll(async () => {
    server = await startPrefixServer('/app/v1');
    config = faultProject(`${server.origin}${server.prefix}`, server.caFile);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const run = async (suite: string) => {
    server.seen.length = 0;
    const r = await execa(
      'node',
      [
        BIN,
        'run',
        '--config',
        config,
        '--suite',
        suite,
        '--vus',
        '2',
        '--duration',
        '2s',
        '--engine',
        'autocannon',
        '--out',
        join(config, '..', `out-${suite}`),
      ],
      {
        reject: false,
        env: { ...FAULT_ENV, GONOGO_DEBUG: '' },
      },
    );
    expect([0, 1], r.stderr).toContain(r.exitCode);
    const paths = server.seen.map((s) => `${s.method} ${s.path.split('?')[0]}`);
    return { paths, outside: paths.filter((p) => !/^\/app\/v1(\/|$)/.test(p.split(' ')[1]!)), seen: [...server.seen] };
  };

  it('smoke joins every route under the prefix, the browser pages included', async () => {
    const { paths, outside, seen } = await run('smoke');
    expect(outside).toEqual([]);
    expect(paths).toContain('POST /app/v1/api/auth/login');
    expect(paths).toContain('POST /app/v1/api/auth/register');
    if (existsSync('/usr/bin/chromium')) {
      expect(seen.filter((s) => /HeadlessChrome/.test(s.userAgent)).map((s) => s.path)).toContain('/app/v1/login');
    }
  }, 240_000);

  it('security grades the pages under the prefix', async () => {
    const { paths, outside } = await run('security');
    expect(outside).toEqual([]);
    expect(paths).toEqual(
      // The API page graded is smoke.me's route (security.headers.apiPath follows it when left out).
      expect.arrayContaining(['GET /app/v1/', 'GET /app/v1/api/auth/me', 'GET /app/v1/gonogo-missing-page-404']),
    );
  }, 120_000);

  it('load sends its journeys and health polls under the prefix', async () => {
    const { paths, outside } = await run('load');
    expect(outside).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining(['POST /app/v1/api/auth/login', 'GET /app/v1/api/orders', 'GET /app/v1/health']),
    );
  }, 120_000);
});
