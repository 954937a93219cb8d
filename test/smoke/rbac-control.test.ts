import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../config/schema.ts';
import type { SuiteOutput } from '../../core/suite.ts';
import { smokeAgainstDialect } from './harness.ts';

/** The marketplace's example config as a team without an admin account would write it. */
const withoutAdmin = (c: Config): Config => ({ ...c, smoke: { ...c.smoke, accounts: c.smoke.accounts.filter((a) => a.role !== c.smoke.roles.admin) } });
const rbac = (out: SuiteOutput) => out.checks.find((c) => c.id === 'auth.rbac')!;

/**
 * auth.rbac with no account that may reach the admin route: the owner's 403 there proves nothing (a route that refuses
 * everyone refuses the owner too), so the clean platform is unproven (an error), while a platform that lets the owner in
 * still fails.
 */
describe('auth.rbac needs a positive control per route', () => {
  let clean: SuiteOutput;
  let flawed: SuiteOutput;
  beforeAll(async () => {
    [clean, flawed] = await Promise.all([
      smokeAgainstDialect('marketplace', [], { edit: withoutAdmin }),
      smokeAgainstDialect('marketplace', ['client-reaches-admin'], { edit: withoutAdmin }),
    ]);
  }, 400_000);

  it('is an error, not a pass, when no configured account shows that the admin route answers anyone', () => {
    const c = rbac(clean);
    expect(c.status).toBe('error');
    expect(c.evidence.message).toMatch(/GET \/api\/admin\/users: no account of "admin" is configured .*smoke\.accounts.*allowedRoles/);
    // The manufacturer's route kept its control and is not named.
    expect(c.evidence.message).not.toContain('/api/manufacturer/orders');
  });

  it('still fails when the owner reaches the route, control or not', () => {
    const c = rbac(flawed);
    expect(c.status).toBe('fail');
    expect(c.evidence.message).toContain('GET /api/admin/users (200)');
  });
});
