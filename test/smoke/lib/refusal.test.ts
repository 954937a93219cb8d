import { describe, expect, it } from 'vitest';
import { SmokeConfig } from '../../../smoke/config.ts';
import { isRefused, isRefusalStatus } from '../../../smoke/lib/refusal.ts';

const plan = (smoke: unknown) => ({ config: SmokeConfig.parse(smoke) });

describe('what counts as a refusal', () => {
  it('is every 4xx but 429 and every 5xx by default, never a 2xx or a redirect', () => {
    const p = plan({});
    for (const s of [400, 401, 403, 404, 422, 428, 430, 500, 503])
      expect(isRefused({ status: s }, p), String(s)).toBe(true);
    for (const s of [200, 201, 204, 302, 429]) expect(isRefused({ status: s }, p), String(s)).toBe(false);
  });

  it('follows smoke.refusal.statuses: a platform that redirects refused requests to its login page', () => {
    const p = plan({ refusal: { statuses: [302, '401-403'] } });
    expect([302, 401, 403, 404, 500].map((s) => isRefused({ status: s }, p))).toEqual([true, true, true, false, false]);
    expect(isRefusalStatus(410, ['400-428'])).toBe(true);
  });

  it('refuses a 2xx, a reversed range and a malformed one at load, naming the key', () => {
    for (const statuses of [[200], ['200-299'], ['428-400'], ['4xx']]) {
      const r = SmokeConfig.safeParse({ refusal: { statuses } });
      expect(r.success, JSON.stringify(statuses)).toBe(false);
      expect(r.error!.issues[0]!.path.slice(0, 2)).toEqual(['refusal', 'statuses']);
    }
  });

  it('gives the OpenAPI sweep a path parameter of one segment', () => {
    expect(SmokeConfig.parse({}).openapiSweep.pathParamValue).toBe('999999999');
    expect(SmokeConfig.safeParse({ openapiSweep: { pathParamValue: 'a/b' } }).success).toBe(false);
  });
});
