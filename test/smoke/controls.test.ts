import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../config/schema.ts';
import type { SuiteOutput } from '../../config/suite.ts';
import { smokeAgainstDialect } from './harness.ts';

/** The marketplace's example config as a team without an admin account would write it. */
const withoutAdmin = (c: Config): Config => ({
  ...c,
  smoke: { ...c.smoke, accounts: c.smoke.accounts.filter((a) => a.role !== c.smoke.roles.admin) },
});

/**
 * The same config with mappings under which each negative check's refusal would come from the mapping, not from the
 * protection: every check it touches must end `error` (unproven), never `pass`, on the clean platform.
 */
const misMapped = (c: Config): Config => {
  const s = withoutAdmin(c).smoke;
  return {
    ...c,
    smoke: {
      ...s,
      // The platform answers 401, which this list does not call a refusal.
      openapiSweep: { ...s.openapiSweep, refusedStatuses: [403] },
      // A route that answers 200: no error page is provoked.
      debugProbes: [...s.debugProbes, { method: 'GET', path: s.health.routes![0]! }],
      // A route the CORS probe's session may not read: an error answer's headers prove nothing.
      cors: { ...s.cors, paths: ['/api/admin/users'] },
      // A field the order does not have: the owner's own change cannot be read back.
      escrow: { ...s.escrow, order: { ...s.escrow.order, descriptionPath: 'gonogo_no_such_field' } },
    },
  };
};

/**
 * The flawed run's config also narrows two settings, to show each one steers its checks: a refusal that is only a 5xx
 * (the platform's 401 to an unsigned token no longer counts), and a Retry-After of at most 5 s (the limiters announce
 * a window of 20).
 */
const narrowed = (c: Config): Config => {
  const s = withoutAdmin(c).smoke;
  return { ...c, smoke: { ...s, refusal: { statuses: ['500-599'] }, ratelimit: { ...s.ratelimit, maxWaitS: 5 } } };
};

const check = (out: SuiteOutput, id: string) => out.checks.find((c) => c.id === id)!;

describe('negative checks need their positive control', () => {
  let clean: SuiteOutput;
  let flawed: SuiteOutput;
  beforeAll(async () => {
    [clean, flawed] = await Promise.all([
      smokeAgainstDialect('marketplace', [], { edit: misMapped }),
      smokeAgainstDialect('marketplace', ['client-reaches-admin'], { edit: narrowed }),
    ]);
  }, 400_000);

  it('auth.rbac is an error, not a pass, when no configured account shows that the admin route answers anyone', () => {
    const c = check(clean, 'auth.rbac');
    expect(c.status).toBe('error');
    expect(c.evidence.message).toMatch(
      /GET \/api\/admin\/users: no account of "admin" is configured .*smoke\.accounts.*allowedRoles/,
    );
    // The manufacturer's route kept its control and is not named.
    expect(c.evidence.message).not.toContain('/api/manufacturer/orders');
  });

  it('auth.rbac still fails when the owner reaches the route, control or not', () => {
    const c = check(flawed, 'auth.rbac');
    expect(c.status).toBe('fail');
    expect(c.evidence.message).toContain('GET /api/admin/users (200)');
  });

  it("auth.authz-matrix is an error, not a pass, when no account of the admin role shows its operation answers anyone; a lesser role's 2xx still fails it", () => {
    const c = check(clean, 'auth.authz-matrix');
    expect(c.status).toBe('error');
    expect(c.evidence.message).toMatch(/GET \/api\/admin\/users: no account of "admin" in smoke\.accounts/);
    expect(c.evidence.message).not.toContain('/api/manufacturer/orders');
    const f = check(flawed, 'auth.authz-matrix');
    expect(f.status).toBe('fail');
    expect(f.evidence.message).toMatch(/GET \/api\/admin\/users, reserved to admin, was reached by client \(200\)/);
  });

  it('what counts as a refusal comes from smoke.refusal.statuses', () => {
    const c = check(flawed, 'auth.alg-none-rejected');
    expect(c.status).toBe('fail');
    expect(c.evidence.message).toMatch(/an unsigned alg "none" token answered 401/);
  });

  it('a limit check that cannot afford the announced wait is warn, naming smoke.ratelimit.maxWaitS, never a pass', () => {
    const c = check(flawed, 'ratelimit.api');
    expect(c.status).toBe('warn');
    expect(c.evidence.message).toMatch(/exceeds smoke\.ratelimit\.maxWaitS \(5 s\).*raise smoke\.ratelimit\.maxWaitS/);
  });

  it('auth.openapi-sweep is an error when the answers are not the refusals it was told to expect', () => {
    const c = check(clean, 'auth.openapi-sweep');
    expect(c.status).toBe('error');
    expect(c.evidence.message).toMatch(
      /secured operations answered neither 2xx nor 403 \(smoke\.openapiSweep\.refusedStatuses\)/,
    );
  });

  it('config.debug-off is an error when a probe provoked no error answer', () => {
    const c = check(clean, 'config.debug-off');
    expect(c.status).toBe('error');
    expect(c.evidence.message).toMatch(/GET \/health \(200\).*smoke\.debugProbes/);
  });

  it('the CORS checks are errors when the probed route does not answer the session', () => {
    for (const id of ['cors.foreign-origin', 'cors.credentials-wildcard']) {
      const c = check(clean, id);
      expect(c.status, id).toBe('error');
      expect(c.evidence.message).toMatch(/GET \/api\/admin\/users with a session answered 403.*smoke\.cors\.paths/);
    }
  });

  it('the order-change checks are errors when the owner cannot change its own order through the mapped route', () => {
    for (const id of ['auth.object-ownership', 'escrow.mark-paid-refused']) {
      const c = check(clean, id);
      expect(c.status, id).toBe('error');
      expect(c.evidence.message).toMatch(/"gonogo_no_such_field" \(smoke\.escrow\.order\.descriptionPath\)/);
    }
  });
});
