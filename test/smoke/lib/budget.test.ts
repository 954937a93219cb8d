import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKpiText } from '../../../config/kpis.ts';
import { SmokeConfig } from '../../../smoke/config.ts';
import { describeBudget, smokeBudget } from '../../../smoke/lib/budget.ts';

const KPIS = parseKpiText(
  readFileSync(new URL('../../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
  'kpis.yaml',
);
const withWindows = (windowS: number) => ({
  ...KPIS.params,
  rateLimit: { ...KPIS.params.rateLimit, windowS },
  loginRateLimit: { requests: 10, windowS },
});

describe('the smoke time limits', () => {
  it('default to the documented floors when the windows are short', () => {
    const b = smokeBudget(SmokeConfig.parse({}), withWindows(20));
    expect(b).toMatchObject({ maxWaitS: 65, checkTimeoutS: 125, demoWaitS: 40, timeoutS: 300 });
  });

  it('grow with the login window, so 60 s and 300 s windows need no hand-set limit', () => {
    const at60 = smokeBudget(SmokeConfig.parse({}), withWindows(60));
    // 120 s of checks + demo wait 120 + two login windows 120 + one Retry-After 65.
    expect(at60).toMatchObject({ maxWaitS: 65, demoWaitS: 120, timeoutS: 425 });
    const at300 = smokeBudget(SmokeConfig.parse({}), withWindows(300));
    expect(at300.maxWaitS).toBe(305);
    expect(at300.checkTimeoutS).toBe(365);
    expect(at300.timeoutS).toBe(120 + 600 + 600 + 305);
  });

  it('follow the configured login window over the KPI file', () => {
    const b = smokeBudget(SmokeConfig.parse({ ratelimit: { login: { windowS: 120 } } }), withWindows(20));
    expect(b.demoWaitS).toBe(240);
    expect(b.maxWaitS).toBe(125);
  });

  it('keep every value the config sets, and say so', () => {
    const c = SmokeConfig.parse({ timeoutS: 90, checkTimeoutS: 40, demoWaitS: 5, ratelimit: { maxWaitS: 10 } });
    const b = smokeBudget(c, withWindows(300));
    expect(b).toMatchObject({ timeoutS: 90, checkTimeoutS: 40, demoWaitS: 5, maxWaitS: 10 });
    expect(describeBudget(b)).toContain('smoke.timeoutS: set by smoke.timeoutS');
    expect(smokeBudget(SmokeConfig.parse({ ratelimit: { maxWaitS: 10 } }), withWindows(20)).checkTimeoutS).toBe(70);
  });

  it('name the setting that changes each limit', () => {
    const text = describeBudget(smokeBudget(SmokeConfig.parse({}), withWindows(60)));
    for (const key of ['smoke.timeoutS', 'smoke.checkTimeoutS', 'smoke.ratelimit.maxWaitS', 'smoke.demoWaitS'])
      expect(text).toContain(key);
    expect(text).toContain('the suite 425 s');
  });
});

describe("the limit probes' burst", () => {
  it('lasts at most smoke.ratelimit.burstS (45 s by default, at most 600)', () => {
    expect(SmokeConfig.parse({}).ratelimit.burstS).toBe(45);
    expect(SmokeConfig.parse({ ratelimit: { burstS: 120 } }).ratelimit.burstS).toBe(120);
    expect(SmokeConfig.safeParse({ ratelimit: { burstS: 601 } }).success).toBe(false);
  });
});
