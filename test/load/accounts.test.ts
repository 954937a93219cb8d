import { describe, expect, it } from 'vitest';
import { LoadConfig } from '../../load/config.ts';
import { checkAccountPool, listedPool, parsePoolText } from '../../load/accounts/pool.ts';
import { journeysAuthenticate } from '../../load/accounts/index.ts';
import { accountFor, render, type PlanJourney } from '../../scenarios/journey-core.ts';
import { ConfigError, formatZodIssues } from '../../core/errors.ts';
import { LoadCollector } from '../../load/collector.ts';
import { VirtualUser } from '../../load/autocannon/vu.ts';

const login = {
  name: 'login',
  method: 'POST',
  path: '/login',
  body: { email: '{{account.email}}', password: '{{account.password}}' },
  capture: { token: 't' },
  once: true,
} as const;
const issues = (input: unknown): string[] => {
  const r = LoadConfig.safeParse(input);
  return r.success ? [] : formatZodIssues(r.error, input);
};

describe('load.accounts config', () => {
  it('takes exactly one source', () => {
    const journeys = [{ name: 'j', steps: [login] }];
    expect(issues({ journeys, accounts: { register: { count: 50 } } })).toEqual([]);
    expect(LoadConfig.parse({ journeys, accounts: { register: { count: 50 } } }).accounts).toEqual({
      register: { count: 50, concurrency: 4 },
    });
    expect(issues({ journeys, accounts: {} })).toEqual([
      'accounts: set exactly one of list, listEnv or register (received: {})',
    ]);
    expect(issues({ journeys, accounts: { listEnv: 'POOL', register: { count: 2 } } })[0]).toMatch(
      /^accounts: set exactly one of list, listEnv or register/,
    );
    expect(issues({ journeys, accounts: { listEnv: 'pool' } })[0]).toMatch(
      /^accounts\.listEnv: an environment variable name/,
    );
    expect(issues({ journeys, accounts: { register: { count: 0 } } })[0]).toMatch(/^accounts\.register\.count:/);
  });
  it('refuses a pool no journey uses, and account templates without a pool', () => {
    expect(
      issues({ journeys: [{ name: 'j', steps: [{ name: 'a', path: '/' }] }], accounts: { listEnv: 'POOL' } })[0],
    ).toMatch(/^accounts: an account pool is set but no journey step uses/);
    expect(issues({ journeys: [{ name: 'j', steps: [login] }] })[0]).toMatch(
      /^accounts: the journeys use \{\{account\.\*\}\} templates but no account pool is set/,
    );
  });
});

describe('listed pools', () => {
  it('reads JSON and CSV (header optional, commas allowed in passwords)', () => {
    expect(parsePoolText('[{"email":"a@x.test","password":"p1"},{"email":"b@x.test","password":"p,2"}]', 'V')).toEqual([
      { email: 'a@x.test', password: 'p1' },
      { email: 'b@x.test', password: 'p,2' },
    ]);
    expect(parsePoolText('email,password\na@x.test,p1\r\n\nb@x.test,p,2\n', 'V')).toEqual([
      { email: 'a@x.test', password: 'p1' },
      { email: 'b@x.test', password: 'p,2' },
    ]);
  });
  it('says where a malformed list is wrong without printing a password', () => {
    expect(() => parsePoolText('a@x.test,s3cret-pw\nno-comma-s3cret', 'load.accounts.listEnv (POOL)')).toThrow(
      'load.accounts.listEnv (POOL): line 2 is not "email,password"',
    );
    expect(() => parsePoolText('[{"email":"a@x.test"}]', 'V')).toThrow(/^V: entry 0\.password: /);
    expect(() => parsePoolText('[{"email":', 'V')).toThrow('V is not valid JSON');
    expect(() => parsePoolText('email,password', 'V')).toThrow('V holds no account');
    try {
      parsePoolText('x,s3cret-pw', 'V');
    } catch (e) {
      expect((e as Error).message).not.toContain('s3cret');
    }
  });
  it('reads list passwords from their variables; a missing one is a config error naming its dot-path', () => {
    const list = {
      list: [
        { email: 'a@x.test', passwordEnv: 'PW_A' },
        { email: 'b@x.test', passwordEnv: 'PW_B' },
      ],
    };
    expect(listedPool(list, { PW_A: 'one', PW_B: 'two' })).toEqual([
      { email: 'a@x.test', password: 'one' },
      { email: 'b@x.test', password: 'two' },
    ]);
    expect(() => checkAccountPool(list, { PW_A: 'one' }, 'gonogo.config.ts')).toThrow(ConfigError);
    expect(() => checkAccountPool(list, { PW_A: 'one' }, 'gonogo.config.ts')).toThrow(
      'gonogo.config.ts: load.accounts.list[1].passwordEnv: environment variable PW_B is not set',
    );
    expect(() => checkAccountPool({ listEnv: 'POOL' }, { POOL: 'garbage' }, 'f')).toThrow(
      /load\.accounts\.listEnv \(POOL\): line 1/,
    );
    expect(listedPool({ register: { count: 3, concurrency: 4 } }, {})).toBeNull();
  });
});

describe('accounts of virtual users', () => {
  const pool = Array.from({ length: 5 }, (_, i) => ({ email: `u${i}@x.test`, password: `p${i}` }));
  it('gives VU i account i mod pool size (i counts the VUs of the whole test: see the k6 shard test in engines.test.ts)', () => {
    expect([1, 2, 5, 6, 11].map((vu) => accountFor(pool, vu)!.email)).toEqual([
      'u0@x.test',
      'u1@x.test',
      'u4@x.test',
      'u0@x.test',
      'u0@x.test',
    ]);
    expect(accountFor([], 3)).toBeUndefined();
  });
  it('keeps an all-digit password a string in a JSON body', () => {
    expect(
      render(
        { password: '{{account.password}}', n: '{{vu}}' },
        { 'account.password': '123456', vu: '7' },
        () => undefined,
      ),
    ).toEqual({ password: '123456', n: 7 });
  });
  it('keeps its account after a failed login starts it over', () => {
    const j = {
      name: 'j',
      weight: 1,
      steps: [
        LoadConfig.parse({ journeys: [{ name: 'j', steps: [login] }], accounts: { listEnv: 'P' } }).journeys[0]!
          .steps[0]!,
      ],
    } as PlanJourney;
    const vu = new VirtualUser(j, new LoadCollector(0), 0, () => undefined, 3, pool[2]);
    const first = vu.nextRequest('');
    vu.onResponse(429, '{"detail":"Too many requests"}');
    expect(vu.nextRequest('').body).toBe(first.body);
    expect(JSON.parse(first.body!)).toEqual({ email: 'u2@x.test', password: 'p2' });
  });
  it('knows which journeys log in', () => {
    const j = (steps: object[]) => [{ name: 'j', weight: 1, steps }] as unknown as PlanJourney[];
    expect(journeysAuthenticate(j([{ name: 'a', capture: {} }]))).toBe(false);
    expect(journeysAuthenticate(j([{ name: 'a', capture: { token: 'access_token' } }]))).toBe(true);
    expect(journeysAuthenticate(j([{ name: 'a', capture: {}, bearer: 'token' }]))).toBe(true);
  });
});
