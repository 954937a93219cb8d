import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DemoPacer, demoClaim, runDemo, type DemoAnswer, type DemoPair } from '../../smoke/lib/demo.ts';
import { modelState, type LimitModel } from '../../core/ratelimit-model.ts';
import { DEFAULT_DEMO_ACCOUNTS, DEFAULT_DEMO_PASSWORDS, DEMO_PASSWORDS_FILE } from '../../smoke/vocab.ts';
import { DIALECTS, DIALECT_NAMES } from '../../reference-app/dialects.ts';
import { parseKpiText } from '../../config/kpis.ts';

const KPIS = parseKpiText(
  readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
  'kpis.yaml',
);
const LOCKOUT = KPIS.params.lockout.attempts;
const WINDOW_MS = 60_000;
const TOP5 = DEFAULT_DEMO_PASSWORDS.slice(0, 5);
const OWN = ['sample.client@seed.test', 'sample.maker@seed.test'];
const key = (p: DemoPair) => `${p.email}/${p.password}`;

/** A platform as the reference one behaves: its login limiter (per address, or per address and email) and a lockout at the Nth failure. */
function platform(model: LimitModel, perEmail: boolean, account: DemoPair, clock: { t: number }) {
  const limiters = new Map<string, ReturnType<typeof modelState>>();
  const failures = new Map<string, number>();
  return async (p: DemoPair): Promise<DemoAnswer> => {
    clock.t += 80;
    const k = perEmail ? p.email : '';
    const s = limiters.get(k) ?? modelState(model);
    limiters.set(k, s);
    if (!s.admits(clock.t)) return { kind: 'limited', retryAfterS: (s.nextFreeAt(clock.t) - clock.t) / 1000 };
    s.record(clock.t);
    if (p.email !== account.email) return { kind: 'out' };
    const f = failures.get(p.email) ?? 0;
    if (f >= LOCKOUT) return { kind: 'out' };
    if (p.password === account.password) return { kind: 'in' };
    failures.set(p.email, f + 1);
    return { kind: 'out' };
  };
}

function dialectModel(name: (typeof DIALECT_NAMES)[number]): { model: LimitModel; perEmail: boolean } {
  const d = DIALECTS[name];
  return {
    model: {
      algorithm: d.limits.algorithm,
      limit: d.limits.login.max,
      windowMs: WINDOW_MS,
      ...(d.limits.algorithm === 'fixed' ? { windowStart: 'first-request' as const } : {}),
    },
    perEmail: d.limits.login.key === 'address+email',
  };
}

async function probe(
  name: (typeof DIALECT_NAMES)[number],
  account: DemoPair,
  o: { waitMs?: number; historyFull?: boolean; maxAttempts?: number } = {},
) {
  const { model, perEmail } = dialectModel(name);
  const clock = { t: 1_000_000 };
  const claim = demoClaim({
    own: OWN,
    defaults: DEFAULT_DEMO_ACCOUNTS,
    ownPasswords: [],
    defaultPasswords: DEFAULT_DEMO_PASSWORDS,
    perAddress: LOCKOUT,
  });
  const send = platform(model, perEmail, account, clock);
  // Worst case: the run's login-limit probe has just spent a whole window on the key, as the platform saw it too.
  const history = o.historyFull ? Array.from({ length: model.limit }, (_, i) => clock.t - 1000 + i) : [];
  if (o.historyFull)
    for (const t of history) {
      clock.t = t;
      await send({ email: 'burst@seed.test', password: 'x' });
    }
  clock.t = 1_000_000;
  const pacer = new DemoPacer(
    {
      model,
      perAddress: perEmail,
      history: (email) => (perEmail ? (email === 'burst@seed.test' ? history : []) : history),
    },
    500,
  );
  const run = await runDemo(claim, pacer, {
    waitMs: o.waitMs ?? 2 * WINDOW_MS,
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
    clock: {
      now: () => clock.t,
      sleep: async (ms) => {
        clock.t += ms;
      },
    },
    send,
  });
  return { run, claim, seconds: (clock.t - 1_000_000) / 1000 };
}

describe('the demo-account claim', () => {
  it("tries each of the team's addresses with its most likely passwords before any default address, most common password first", () => {
    const claim = demoClaim({
      own: ['a@x', 'B@x'],
      defaults: ['d@x', 'b@x'],
      ownPasswords: ['seed1'],
      defaultPasswords: ['p1', 'p2', 'p3', 'seed1'],
      perAddress: 3,
    });
    expect(claim.map(key)).toEqual([
      'a@x/seed1',
      'B@x/seed1',
      'a@x/p1',
      'B@x/p1',
      'a@x/p2',
      'B@x/p2',
      'd@x/seed1',
      'd@x/p1',
      'd@x/p2',
    ]);
    expect(
      demoClaim({ own: [], defaults: ['d@x'], ownPasswords: [], defaultPasswords: ['p1', 'p2'], perAddress: 5 }).map(
        key,
      ),
    ).toEqual(['d@x/p1', 'd@x/p2']);
  });

  it('ships a default list with its sources, the most common first', () => {
    expect(TOP5).toEqual(['password', '123456', 'password123', 'admin', 'demo']);
    expect(DEFAULT_DEMO_ACCOUNTS[0]).toBe('admin@example.com');
    expect(readFileSync(DEMO_PASSWORDS_FILE, 'utf8')).toMatch(/SecLists/);
    expect(new Set(DEFAULT_DEMO_PASSWORDS.map((p) => p.toLowerCase())).size).toBe(DEFAULT_DEMO_PASSWORDS.length);
  });
});

describe.each(DIALECT_NAMES)(
  "on the %s dialect's login limit and the default lockout, in the default budget",
  (name) => {
    it('covers every address with each of the five most common passwords, even after a login probe spent the window', async () => {
      const { run, claim } = await probe(name, { email: 'nobody@x', password: 'x' }, { historyFull: true });
      expect(run.untried).toEqual([]);
      expect(run.tried.map(key)).toEqual(claim.map(key));
      for (const email of [...OWN, ...DEFAULT_DEMO_ACCOUNTS])
        for (const password of TOP5) expect(run.tried.map(key)).toContain(`${email}/${password}`);
      // Paced by the model, a correct limiter never answers 429: every attempt is a pair tried.
      expect(run.attempts).toBe(run.tried.length);
    });

    it.each(TOP5.map((p, i) => [i + 1, p] as const))(
      'catches a configured address and a default address with the password ranked %i (%s)',
      async (_rank, password) => {
        for (const email of [OWN[1]!, ...DEFAULT_DEMO_ACCOUNTS]) {
          const { run } = await probe(name, { email, password }, { historyFull: true });
          expect(run.loggedIn.map(key), `${email} / ${password}`).toEqual([`${email}/${password}`]);
        }
      },
    );
  },
);

describe('a budget that cannot cover the claim', () => {
  it('stops within smoke.demoWaitS and names every pair it did not try', async () => {
    const { run, claim, seconds } = await probe(
      'drf',
      { email: 'nobody@x', password: 'x' },
      { historyFull: true, waitMs: 5_000 },
    );
    expect(run.stoppedBy).toBe('demoWaitS');
    expect(run.untried.length).toBeGreaterThan(0);
    expect(run.tried.length + run.untried.length).toBe(claim.length);
    expect(seconds).toBeLessThan(5 + claim.length * 0.08 + 1);
  });

  it('stops at smoke.demoAttemptsMax', async () => {
    const { run, claim } = await probe('marketplace', { email: 'nobody@x', password: 'x' }, { maxAttempts: 12 });
    expect(run).toMatchObject({ attempts: 12, stoppedBy: 'demoAttemptsMax' });
    expect(run.untried.map(key)).toEqual(claim.slice(12).map(key));
  });

  it('never spends a failure past the lockout on one address', async () => {
    const { run } = await probe('fastapi', { email: 'nobody@x', password: 'x' });
    const per = new Map<string, number>();
    for (const p of run.tried) per.set(p.email, (per.get(p.email) ?? 0) + 1);
    expect(Math.max(...per.values())).toBe(LOCKOUT);
  });
});
