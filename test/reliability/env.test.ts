import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPortProject, gonogoChild } from './child.ts';

/**
 * Environment variables are input like files and flags: the ones gonogo reads (GONOGO_CONFIG_TIMEOUT_S,
 * GONOGO_REFERENCE_*, TMPDIR), the secrets a config names (`passwordEnv`, `listEnv`) and the ones a config
 * file reads itself (process.env in gonogo.config.ts). Empty, blank, huge, malformed or odd values are
 * exit 2 naming the variable, never its secret value, never a harness error, never a run that goes ahead.
 */
const scratch = mkdtempSync(join(tmpdir(), 'gonogo-env-'));
const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at |Harness error/);
const HUGE = 'x'.repeat(100_000);

async function run(config: string, env: Record<string, string>, suite = 'security') {
  const p = closedPortProject({ config });
  const out = join(p.dir, 'out');
  const extra = suite === 'load' ? ['--engine', 'autocannon', '--vus', '1', '--duration', '1s'] : [];
  const r = await gonogoChild(['run', '--config', p.config, '--suite', suite, '--out', out, ...extra], {
    env,
    timeoutMs: 45_000,
  });
  return { ...r, file: p.config, report: existsSync(join(out, 'report.json')) };
}

/** A load journey that logs each VU in as a pool account, so the pool is used. */
const JOURNEY = `[{ name: 'login', steps: [{ name: 'login', method: 'POST', path: '/api/auth/login', once: true, body: { email: '{{account.email}}', password: '{{account.password}}' } }] }]`;
const PLAIN = `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 } };\n`;

describe('GONOGO_CONFIG_TIMEOUT_S', () => {
  it.each([
    ['0', '0'],
    ['-1', '-1'],
    ['5s', '5s'],
    [' 5', ' 5'],
    ['1e3', '1e3'],
    ['past the 2^31 ms timer', '99999999999'],
    ['100 KB of x', HUGE],
  ])('%s -> exit 2 naming the variable and its bounds', async (_, value) => {
    const r = await run(PLAIN, { GONOGO_CONFIG_TIMEOUT_S: value });
    expect({ code: r.code, report: r.report }, r.err).toEqual({ code: 2, report: false });
    expect(r.err).toContain('Config error in GONOGO_CONFIG_TIMEOUT_S: a whole number of seconds from 1 to 3600');
    // A long value is cut in the message, not echoed whole.
    expect(r.err.length).toBeLessThan(400);
    noTrace(r.err);
  });

  it.each(['', '3600'])('%j is accepted and the run judges the target (positive control)', async (value) => {
    const r = await run(PLAIN, { GONOGO_CONFIG_TIMEOUT_S: value });
    expect(r.code, r.err).toBe(1);
    expect(r.report).toBe(true);
  });
});

describe('secrets the config names', () => {
  const pool = `export default {
  target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 },
  smoke: { login: { path: '/api/auth/login' } },
  load: { accounts: { list: [{ email: 'load@example.com', passwordEnv: 'GONOGO_ENV_TEST_PW' }] }, journeys: ${JOURNEY} },
};\n`;
  it.each([
    ['unset', undefined, 'is not set'],
    ['empty', '', 'is not set'],
    ['blank', '   ', 'holds only whitespace (3 characters)'],
    ['with a trailing newline', 'Pool-Pw-8812!\n', 'holds a line break'],
    ['a live Stripe key', 'sk_live_51Habc0123456789', 'holds a live Stripe key'],
  ])('passwordEnv %s -> exit 2 naming the path, never the value', async (_, value, needle) => {
    const r = await run(pool, value === undefined ? {} : { GONOGO_ENV_TEST_PW: value }, 'load');
    expect({ code: r.code, report: r.report }, r.err).toEqual({ code: 2, report: false });
    expect(r.err).toContain(`Config error in ${r.file}: load.accounts.list[0].passwordEnv: `);
    expect(r.err).toContain(`GONOGO_ENV_TEST_PW ${needle}`);
    if (value?.trim()) expect(r.out + r.err).not.toContain(value.trim());
    noTrace(r.err);
  });

  it('a good value, and a 100 KB one, are accepted, the run goes ahead and neither leaks (positive control)', async () => {
    for (const value of ['Pool-Pw-8812!', `Huge-${HUGE}`]) {
      const r = await run(pool, { GONOGO_ENV_TEST_PW: value }, 'load');
      expect(r.code, r.err).toBe(1);
      expect(r.report).toBe(true);
      expect(r.out + r.err).not.toContain(value);
    }
  });

  const listEnv = `export default {
  target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 },
  smoke: { login: { path: '/api/auth/login' } },
  load: { accounts: { listEnv: 'GONOGO_ENV_TEST_POOL' }, journeys: ${JOURNEY} },
};\n`;
  it.each([
    ['JSON cut short', '[{"email": "a@example.com", "password": "Pool-Secret-1"', 'is not valid JSON'],
    ['an empty JSON list', '[]', 'the list'],
    [
      'a CSV line without a password',
      'email,password\na@example.com,Pool-Secret-1\nb@example.com',
      'line 3 is not "email,password"',
    ],
    ['blank lines only', '\n\n\n', 'holds only whitespace'],
  ])('listEnv holding %s -> exit 2 naming the variable, never the passwords', async (_, value, needle) => {
    const r = await run(listEnv, { GONOGO_ENV_TEST_POOL: value }, 'load');
    expect({ code: r.code, report: r.report }, r.err).toEqual({ code: 2, report: false });
    expect(r.err).toContain(`Config error in ${r.file}: `);
    expect(r.err).toContain(needle);
    expect(r.err).not.toContain('Pool-Secret-1');
    noTrace(r.err);
  });

  it('a CSV pool in listEnv is accepted (positive control)', async () => {
    const r = await run(
      listEnv,
      { GONOGO_ENV_TEST_POOL: 'email,password\na@example.com,Pool-Secret-1\nb@example.com,Pool-Secret-2\n' },
      'load',
    );
    expect(r.code, r.err).toBe(1);
    expect(r.report).toBe(true);
  });
});

describe('variables the config file reads itself', () => {
  const reads = `export default { target: { baseUrl: process.env.GONOGO_ENV_TEST_URL ?? 'https://127.0.0.1:9', timeoutMs: 500 } };\n`;
  it.each([
    ['empty', '', /target\.baseUrl: an absolute http\(s\) URL/],
    ['not a URL', 'staging.example.com', /target\.baseUrl: an absolute http\(s\) URL/],
    ['another scheme', 'ftp://127.0.0.1:9/', /target\.baseUrl: an absolute http\(s\) URL/],
    ['with a password', 'https://qa:Env-Url-Pass-4471@127.0.0.1:9/', /target\.baseUrl: no user name or password/],
    ['100 KB long', `https://127.0.0.1:9/${HUGE}?q=1`, /target\.baseUrl: /],
  ])('GONOGO_ENV_TEST_URL %s -> a config error on target.baseUrl', async (_, value, message) => {
    const r = await run(reads, { GONOGO_ENV_TEST_URL: value });
    expect({ code: r.code, report: r.report }, r.err).toEqual({ code: 2, report: false });
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain('Env-Url-Pass-4471');
    expect(r.err.length).toBeLessThan(2000);
    noTrace(r.err);
  });

  it('a good value is used (positive control)', async () => {
    const r = await run(reads, { GONOGO_ENV_TEST_URL: 'https://127.0.0.1:9/' });
    expect(r.code, r.err).toBe(1);
    expect(r.report).toBe(true);
  });
});

describe('TMPDIR', () => {
  const file = join(scratch, 'a-file');
  writeFileSync(file, 'not a folder');
  it.each([
    ['a folder that does not exist', join(scratch, 'nowhere'), 'a folder that does not exist'],
    ['a file', file, 'a file, not a directory'],
    ['a folder no one may write', '/sys', 'not writable'],
  ])('naming %s -> exit 2 before anything starts, for load and run', async (_, value, needle) => {
    const p = closedPortProject();
    for (const args of [
      ['load', 'http://127.0.0.1:9/', '--engine', 'autocannon', '--duration', '1s'],
      ['run', '--config', p.config, '--suite', 'security', '--out', join(p.dir, 'out')],
    ]) {
      const r = await gonogoChild(args, { env: { TMPDIR: value } });
      expect(r.code, `${args[0]}: ${r.err}`).toBe(2);
      expect(r.err).toContain(
        `Input error: the environment variable TMPDIR names ${JSON.stringify(value)}, which is ${needle}`,
      );
      expect(r.err).not.toMatch(/starting|requests/);
      noTrace(r.err);
    }
  });

  it('a writable folder is used (positive control)', async () => {
    const r = await gonogoChild(
      ['load', 'http://127.0.0.1:9/', '--engine', 'autocannon', '--duration', '1s', '--vus', '1'],
      { env: { TMPDIR: mkdtempSync(join(scratch, 't-')) } },
    );
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain('NO-GO: every one of the');
  });
});

describe('GONOGO_REFERENCE_USER_RATE_LIMIT', () => {
  it.each(['abc', '0/1000', '100/', '100/10s'])(
    '%j -> exit 2 naming the variable, the platform never started',
    async (value) => {
      const out = join(scratch, `ref-${value.replace(/\W/g, '_')}`);
      const r = await gonogoChild(['run', '--reference', '--suite', 'security', '--out', out], {
        env: { GONOGO_REFERENCE_USER_RATE_LIMIT: value },
      });
      expect({ code: r.code, report: existsSync(join(out, 'report.json')) }, r.err).toEqual({ code: 2, report: false });
      expect(r.err).toContain(
        'Config error in GONOGO_REFERENCE_USER_RATE_LIMIT: the environment variable must look like MAX/WINDOW_MS',
      );
      expect(r.err).not.toMatch(/reference platform at/);
      noTrace(r.err);
    },
  );

  it('a well-formed value starts the platform and the run judges it (positive control)', async () => {
    const out = join(scratch, 'ref-ok');
    const r = await gonogoChild(['run', '--reference', '--suite', 'security', '--out', out], {
      env: { GONOGO_REFERENCE_USER_RATE_LIMIT: '1000/10000' },
      timeoutMs: 120_000,
    });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/reference platform at/);
  }, 150_000);
});
