import { describe, expect, it } from 'vitest';
import {
  judgeBurst,
  predictAnswered,
  toleranceCount,
  usedAt,
  type Algorithm,
  type LimitModel,
} from '../../../core/ratelimit-model.ts';
import {
  freeAtLimit,
  probeBurst,
  probeRetryAfter,
  spoofedCount,
  spoofedEscapes,
} from '../../../smoke/lib/limit-probe.ts';
import { absentSim, bucketSim, earlier, FakeClock, fixedSim, slidingSim, type Sim } from './limiters.ts';

const WINDOW = 60_000;
const T0 = 1_700_000_000_000;
const SIMS: Record<Algorithm, (limit: number, windowMs: number) => Sim> = {
  fixed: fixedSim,
  sliding: slidingSim,
  'token-bucket': bucketSim,
};
const model = (algorithm: Algorithm, limit = 100): LimitModel => ({
  algorithm,
  limit,
  windowMs: WINDOW,
  ...(algorithm === 'fixed' ? { windowStart: 'first-request' as const } : {}),
});

/** The probe end to end against a simulated limiter: earlier traffic of the suite, the burst, the judgement, the Retry-After wait. */
async function probe(o: {
  m: LimitModel;
  sim: Sim;
  earlierCount: number;
  spanMs: number;
  gapMs?: number;
  toleranceRatio?: number;
  atMost?: boolean;
}) {
  const clock = new FakeClock(T0);
  const history = earlier(o.sim, clock, o.earlierCount, o.spanMs);
  clock.t += o.gapMs ?? 0;
  const tolerance = toleranceCount(o.m.limit, o.toleranceRatio ?? 0.1);
  const send = clock.sender(o.sim);
  const burst = await probeBurst({ model: o.m, history, tolerance, send, clock });
  const j = judgeBurst({
    model: o.m,
    history,
    sends: burst.sends,
    limitedAt: burst.limitedAt,
    tolerance,
    ...(o.atMost ? { atMost: true } : {}),
  });
  const honour = burst.limited
    ? await probeRetryAfter({ limited: burst.limited, send, clock, maxWaitS: 65 })
    : undefined;
  return { j, burst, honour, history, clock };
}

describe("rate-limit model against correct limiters whose window already holds the suite's requests", () => {
  for (const algorithm of ['fixed', 'sliding', 'token-bucket'] as const) {
    const sim = () => SIMS[algorithm](100, WINDOW);

    it(`${algorithm}: an empty window is limited at the limit, and the announced wait is honoured`, async () => {
      const { j, honour } = await probe({ m: model(algorithm), sim: sim(), earlierCount: 0, spanMs: 0 });
      expect(j).toMatchObject({
        ok: true,
        limited: true,
        measured: 100,
        predicted: 100,
        observedLimit: 100,
        heldBefore: 0,
      });
      expect(honour?.kind).toBe('honoured');
    });

    for (const [count, spanMs] of [
      [60, 40_000],
      [96, 30_000],
      [90, 59_000],
      [150, 90_000],
    ] as const) {
      it(`${algorithm}: ${count} earlier requests over ${spanMs / 1000} s are no false fail, and the wait is honoured`, async () => {
        const { j, honour } = await probe({ m: model(algorithm), sim: sim(), earlierCount: count, spanMs });
        expect(j.ok, `${j.problem}`).toBe(true);
        expect(j.limited).toBe(true);
        expect(Math.abs(j.measured - j.predicted)).toBeLessThanOrEqual(1);
        expect(j.observedLimit).toBeGreaterThanOrEqual(99);
        expect(j.observedLimit).toBeLessThanOrEqual(101);
        expect(honour?.kind).toBe('honoured');
      });
    }

    it(`${algorithm}: a limiter twice as loose fails, with the surplus named`, async () => {
      const { j } = await probe({
        m: model(algorithm),
        sim: SIMS[algorithm](200, WINDOW),
        earlierCount: 60,
        spanMs: 40_000,
      });
      // The burst stops tolerance + 1 past the model's 429: the surplus is a lower bound.
      expect(j).toMatchObject({ ok: false, limited: false });
      expect(j.inconclusive).toBeUndefined();
      expect(j.problem).toMatch(/never limited within \d+ requests \(the model predicted a 429 after \d+\)/);
      expect(j.observedLimit).toBeGreaterThan(110);
    });

    it(`${algorithm}: an absent limiter fails after a bounded burst`, async () => {
      const { j, burst } = await probe({ m: model(algorithm), sim: absentSim(), earlierCount: 60, spanMs: 40_000 });
      expect(j).toMatchObject({ ok: false, limited: false });
      expect(j.problem).toMatch(/never limited/);
      expect(burst.sends.length).toBeLessThanOrEqual(2 * 100 + 2 * 10 + 2);
    });

    it(`${algorithm}: a limiter twice as strict fails`, async () => {
      const { j } = await probe({
        m: model(algorithm),
        sim: SIMS[algorithm](50, WINDOW),
        earlierCount: 20,
        spanMs: 20_000,
      });
      expect(j.ok).toBe(false);
      expect(j.problem).toMatch(/fewer than the model's/);
    });
  }

  for (const algorithm of ['fixed', 'sliding', 'token-bucket'] as const) {
    /** 20 earlier requests on the probed route, and 50 on routes the limiter exempts (health checks, webhooks): the suite cannot tell which. */
    const withExempt = async (limit: number) => {
      const clock = new FakeClock(T0);
      const sim = SIMS[algorithm](limit, WINDOW);
      const counted = earlier(sim, clock, 20, 20_000);
      const exempt = Array.from({ length: 50 }, (_, i) => T0 + 20_000 + i * 200);
      clock.t = T0 + 30_000;
      const history = [...counted, ...exempt].sort((a, b) => a - b);
      const burst = await probeBurst({
        model: model(algorithm),
        history: counted,
        tolerance: 10,
        send: clock.sender(sim),
        clock,
      });
      const judge = (certain?: number[]) =>
        judgeBurst({
          model: model(algorithm),
          history,
          ...(certain ? { certain } : {}),
          sends: burst.sends,
          limitedAt: burst.limitedAt,
          tolerance: 10,
        });
      return { judged: judge(counted), naive: judge() };
    };

    it(`${algorithm}: earlier requests on routes the limiter exempts are no false fail`, async () => {
      const { judged, naive } = await withExempt(100);
      expect(judged.ok, judged.problem).toBe(true);
      expect(judged.predictedAtMost).toBeGreaterThan(judged.predicted);
      // Counting every earlier request as held is the false fail this prevents.
      expect(naive.ok).toBe(false);
    });

    it(`${algorithm}: with exempt routes in the history, a limiter twice as loose still fails`, async () => {
      const { judged } = await withExempt(200);
      expect(judged.ok).toBe(false);
      expect(judged.problem).toMatch(/never limited|more than the model/);
    });
  }

  it('sliding: "429 after 4 requests" with 96 requests of the suite in the window is the model\'s own prediction', async () => {
    const { j } = await probe({ m: model('sliding'), sim: slidingSim(100, WINDOW), earlierCount: 96, spanMs: 20_000 });
    expect(j).toMatchObject({ ok: true, measured: 4, predicted: 4, heldBefore: 96, observedLimit: 100 });
  });

  it('token bucket: slots freed one at a time during a slow burst are predicted', async () => {
    const clock = new FakeClock(T0, 100);
    const sim = bucketSim(100, WINDOW);
    const m = model('token-bucket');
    const burst = await probeBurst({ model: m, history: [], tolerance: 10, send: clock.sender(sim), clock });
    const j = judgeBurst({ model: m, history: [], sends: burst.sends, limitedAt: burst.limitedAt, tolerance: 10 });
    // 100 ms per request refills 1/6 of a token each: about 120 are answered, and the model knows it.
    expect(j.measured).toBeGreaterThan(115);
    expect(j).toMatchObject({ ok: true, limited: true, predicted: j.measured });
  });

  it('token bucket: a burst slower than the refill ends inconclusive, never as a failure', async () => {
    const clock = new FakeClock(T0, 700);
    const m = model('token-bucket');
    const burst = await probeBurst({
      model: m,
      history: [],
      tolerance: 10,
      send: clock.sender(bucketSim(100, WINDOW)),
      clock,
      deadlineMs: 45_000,
    });
    const j = judgeBurst({ model: m, history: [], sends: burst.sends, limitedAt: burst.limitedAt, tolerance: 10 });
    expect(clock.t - T0).toBeLessThan(46_000);
    expect(j).toMatchObject({ ok: false, limited: false, inconclusive: true });
  });

  it('a Retry-After shorter than the window needs is caught', async () => {
    const clock = new FakeClock(T0);
    const inner = fixedSim(100, WINDOW);
    const lying: Sim = {
      hit: (t) => {
        const r = inner.hit(t);
        return r.status === 429 ? { ...r, headers: { 'retry-after': '1' } } : r;
      },
    };
    const burst = await probeBurst({
      model: model('fixed'),
      history: [],
      tolerance: 10,
      send: clock.sender(lying),
      clock,
    });
    expect(await probeRetryAfter({ limited: burst.limited!, send: clock.sender(lying), clock, maxWaitS: 65 })).toEqual({
      kind: 'refused',
      waitS: 1,
      status: 429,
    });
  });

  it('an announced wait beyond maxWaitS is not waited out, and says so', async () => {
    const clock = new FakeClock(T0);
    const r = await probeRetryAfter({
      limited: { status: 429, headers: { 'retry-after': '3600' } },
      send: clock.sender(absentSim()),
      clock,
      maxWaitS: 65,
    });
    expect(r).toEqual({ kind: 'not-waited', waitS: 3600 });
    expect(clock.t).toBe(T0);
  });
});

describe('the login limit judged from the model', () => {
  const login = (algorithm: Algorithm) => model(algorithm, 10);
  for (const algorithm of ['fixed', 'sliding', 'token-bucket'] as const) {
    it(`${algorithm}: "429 after 1 attempt" with 9 earlier attempts in the window is the model's prediction, reported with the count it held`, async () => {
      const { j } = await probe({
        m: login(algorithm),
        sim: SIMS[algorithm](10, WINDOW),
        earlierCount: 9,
        spanMs: 1_000,
        toleranceRatio: 0.1,
      });
      expect(j).toMatchObject({ ok: true, measured: 1, predicted: 1, heldBefore: 9, observedLimit: 10 });
    });

    it(`${algorithm}: the same "429 after 1 attempt" with an empty window is not a pass`, async () => {
      // A limiter of 1 per minute where 10 are documented: only the model's count, not the bare 429, can tell.
      const { j } = await probe({ m: login(algorithm), sim: SIMS[algorithm](1, WINDOW), earlierCount: 0, spanMs: 0 });
      expect(j).toMatchObject({ ok: false, measured: 1, predicted: 10 });
    });

    it(`${algorithm}: no login limit fails even when the window held earlier attempts`, async () => {
      const { j } = await probe({ m: login(algorithm), sim: absentSim(), earlierCount: 9, spanMs: 1_000 });
      expect(j).toMatchObject({ ok: false, limited: false });
    });
  }

  it('an undocumented login limit is judged as an upper bound: stricter passes, looser fails', async () => {
    expect(
      (await probe({ m: login('fixed'), sim: fixedSim(3, WINDOW), earlierCount: 0, spanMs: 0, atMost: true })).j.ok,
    ).toBe(true);
    expect(
      (await probe({ m: login('fixed'), sim: fixedSim(20, WINDOW), earlierCount: 0, spanMs: 0, atMost: true })).j.ok,
    ).toBe(false);
  });
});

describe('spoofed X-Forwarded-For against an address key', () => {
  it('a slot freed by a sliding window during the spoofed requests is no escape', async () => {
    const clock = new FakeClock(T0);
    const sim = slidingSim(100, WINDOW);
    // One early request leaves the window right after the burst.
    const history = earlier(sim, clock, 1, 0);
    clock.t = T0 + WINDOW - 600;
    const m = model('sliding');
    const burst = await probeBurst({ model: m, history, tolerance: 10, send: clock.sender(sim), clock });
    expect(burst.limitedAt).toBe(99);
    const spoofed = [];
    for (let i = 0; i < 5; i++) {
      const t = clock.t;
      spoofed.push({ t, status: sim.hit(t).status });
      clock.t += 100;
    }
    expect(spoofed.filter((s) => s.status !== 429)).toHaveLength(1);
    expect(spoofedEscapes({ model: m, history, burst, spoofed, graceMs: 1000 })).toEqual({ answered: 1, explained: 1 });
  });

  it('slots freed by requests the platform counted but the suite logged with a credential are no escape', async () => {
    const clock = new FakeClock(T0);
    const sim = slidingSim(100, WINDOW);
    // 13 requests with a tampered token, answered 401: the platform counted them on the address (optional authentication).
    const refused = earlier(sim, clock, 13, 200);
    // 13 anonymous requests on routes the platform exempts (health, pages): in the suite's history, never counted.
    const exempt = Array.from({ length: 13 }, (_, i) => T0 + 5000 + i);
    clock.t = T0 + WINDOW - 600;
    const m = model('sliding');
    const burst = await probeBurst({ model: m, history: [], tolerance: 10, send: clock.sender(sim), clock });
    expect(burst.limitedAt).toBe(87);
    const spoofed = [];
    for (let i = 0; i < 15; i++) {
      const t = clock.t;
      spoofed.push({ t, status: sim.hit(t).status });
      clock.t += 60;
    }
    expect(spoofed.filter((x) => x.status !== 429).length).toBeGreaterThanOrEqual(10);
    // Judged on the exempt requests alone, the window looks full until long after the probe: every answer an escape.
    expect(spoofedEscapes({ model: m, history: exempt, burst, spoofed, graceMs: 1000 }).explained).toBe(0);
    // The history holds the refused credentials too, and the certain end (no earlier request on the route) is judged as well.
    const judged = spoofedEscapes({
      model: m,
      history: [...exempt, ...refused],
      certain: [],
      burst,
      spoofed,
      graceMs: 1000,
    });
    expect(judged.answered).toBeLessThanOrEqual(judged.explained);
    // At the 429 the certain end finds the 13 slots the refused requests hold free, so the probe sends 13 more than its 5.
    expect(freeAtLimit({ model: m, history: exempt, certain: [], burst })).toBe(13);
    expect(freeAtLimit({ model: m, history: exempt, burst })).toBe(0);
    expect(spoofedCount(m, 1000, 13)).toBe(spoofedCount(m) + 13);
  });

  it('a limiter that keys the spoofed address afresh lets every one through, and that is an escape', async () => {
    const clock = new FakeClock(T0);
    const sim = fixedSim(100, WINDOW);
    const m = model('fixed');
    const burst = await probeBurst({ model: m, history: [], tolerance: 10, send: clock.sender(sim), clock });
    const spoofed = Array.from({ length: 5 }, (_, i) => ({
      t: clock.t + i,
      status: fixedSim(100, WINDOW).hit(clock.t + i).status,
    }));
    expect(spoofedEscapes({ model: m, history: [], burst, spoofed, graceMs: 1000 })).toEqual({
      answered: 5,
      explained: 0,
    });
  });
});

describe('spoofed X-Forwarded-For against a fast token bucket', () => {
  // 100 per 20 s frees five slots a second: five spoofed requests judged a second late would all be explained.
  const fast: LimitModel = { algorithm: 'token-bucket', limit: 100, windowMs: 20_000 };
  const spoof = async (fresh: boolean) => {
    const clock = new FakeClock(T0);
    const sim = bucketSim(100, 20_000);
    const burst = await probeBurst({ model: fast, history: [], tolerance: 10, send: clock.sender(sim), clock });
    const spoofed = [];
    for (let i = 0; i < spoofedCount(fast); i++) {
      const t = clock.t;
      spoofed.push({ t, status: (fresh ? bucketSim(100, 20_000) : sim).hit(t).status });
      clock.t += 20;
    }
    return spoofedEscapes({ model: fast, history: [], burst, spoofed, graceMs: 1000 });
  };

  it('sends enough that the slots a correct bucket frees are at most about half of them', () => {
    expect(spoofedCount(fast)).toBe(15);
    expect(spoofedCount({ algorithm: 'token-bucket', limit: 100, windowMs: 60_000 })).toBe(9);
    expect(spoofedCount({ algorithm: 'fixed', limit: 10, windowMs: 60_000 })).toBe(7);
    expect(spoofedCount({ algorithm: 'sliding', limit: 3, windowMs: 60_000 })).toBe(5);
    expect(spoofedCount({ algorithm: 'token-bucket', limit: 100_000, windowMs: 1000 })).toBe(240);
    expect(spoofedCount(fast, 1000, 300)).toBe(240);
  });

  it('a correct bucket refills no more than the model explains', async () => {
    const r = await spoof(false);
    expect(r.answered).toBeLessThanOrEqual(r.explained);
  });

  it('a bucket per spoofed address lets every one through: more than a correct one could', async () => {
    const r = await spoof(true);
    expect(r.answered).toBe(15);
    expect(r.answered).toBeGreaterThan(r.explained);
  });
});

describe('model arithmetic', () => {
  it("fixed windows open at the key's first request, or on the clock", () => {
    const first: LimitModel = { algorithm: 'fixed', limit: 3, windowMs: 1000, windowStart: 'first-request' };
    expect(predictAnswered(first, [500, 600], [1400, 1410, 1420])).toBe(1);
    expect(predictAnswered(first, [500, 600], [1500, 1510, 1520, 1530])).toBe(3);
    const clock: LimitModel = { ...first, windowStart: 'clock' };
    expect(predictAnswered(clock, [500, 600], [1000, 1010, 1020, 1030])).toBe(3);
  });

  it('a sliding log frees each slot when its request leaves the window', () => {
    const m: LimitModel = { algorithm: 'sliding', limit: 3, windowMs: 1000 };
    expect(usedAt(m, [0, 400, 800], 1000)).toBe(2);
    expect(predictAnswered(m, [0, 400, 800], [1000, 1400, 1401])).toBe(2);
  });

  it('a token bucket refills limit per window, one token at a time', () => {
    const m: LimitModel = { algorithm: 'token-bucket', limit: 10, windowMs: 1000 };
    const drained = Array.from({ length: 10 }, (_, i) => i);
    expect(predictAnswered(m, drained, [10])).toBe(0);
    expect(predictAnswered(m, drained, [110, 111])).toBe(1);
    expect(usedAt(m, drained, 2000)).toBe(0);
  });

  it('the tolerance is a count of at least one request', () => {
    expect(toleranceCount(100, 0.1)).toBe(10);
    expect(toleranceCount(10, 0.1)).toBe(1);
    expect(toleranceCount(5, 0)).toBe(1);
  });
});
