import { describe, expect, it } from 'vitest';
import { judgeRbac, type RbacCell } from '../../../smoke/lib/rbac.ts';
import { SmokeConfig } from '../../../smoke/config.ts';
import { formatZodIssues } from '../../../core/errors.ts';

const cell = (route: string, control: RbacCell['control'] | undefined, owner: number): RbacCell => ({
  route,
  roles: ['admin'],
  ...(control ? { control } : {}),
  owner: { status: owner, refused: owner >= 400 && owner !== 429 },
});

describe('auth.rbac judgement', () => {
  it('passes only when every refusal stands on an allowed account that reached the route', () => {
    const v = judgeRbac([
      cell('GET /admin/users', { role: 'admin', status: 200, ok: true }, 403),
      cell('GET /vendor/orders', { role: 'vendor', status: 200, ok: true }, 401),
    ]);
    expect(v).toEqual({
      outcome: 'pass',
      proven: ['GET /admin/users: admin 200, owner 403', 'GET /vendor/orders: vendor 200, owner 401'],
    });
  });

  it('a refusal with no account to show the route answers anyone is unproven, naming the keys that give it one', () => {
    const v = judgeRbac([cell('GET /admin/users', undefined, 403)]);
    expect(v.outcome).toBe('unproven');
    expect(v.outcome === 'unproven' && v.unproven[0]).toMatch(
      /GET \/admin\/users: no account of "admin" is configured .*smoke\.accounts.*allowedRoles/,
    );
  });

  it('a route that refuses its own role (or does not exist) is unproven, not a pass', () => {
    const v = judgeRbac([cell('GET /admin/users', { role: 'admin', status: 404, ok: false }, 404)]);
    expect(v.outcome === 'unproven' && v.unproven[0]).toMatch(/the admin account itself answered 404/);
  });

  it('a route the owner reached fails whatever its control', () => {
    expect(
      judgeRbac([
        cell('GET /admin/users', undefined, 200),
        cell('GET /x', { role: 'admin', status: 200, ok: true }, 403),
      ]),
    ).toEqual({ outcome: 'fail', reached: ['GET /admin/users (200)'] });
  });
});

describe('smoke.roleRoutes allowedRoles', () => {
  it('defaults to none and takes the roles that may reach the route besides its own', () => {
    expect(
      SmokeConfig.parse({ roleRoutes: { vendor: [{ path: '/vendor/orders' }] } }).roleRoutes.vendor![0]!.allowedRoles,
    ).toEqual([]);
    expect(
      SmokeConfig.parse({ roleRoutes: { vendor: [{ path: '/vendor/orders', allowedRoles: ['admin'] }] } }).roleRoutes
        .vendor![0]!.allowedRoles,
    ).toEqual(['admin']);
  });

  it('refuses the owner role among them, naming the key', () => {
    const r = SmokeConfig.safeParse({
      roles: { owner: 'customer' },
      roleRoutes: { vendor: [{ path: '/vendor/orders', allowedRoles: ['customer'] }] },
    });
    expect(r.success).toBe(false);
    expect(formatZodIssues(r.error!).join('\n')).toMatch(
      /roleRoutes\.vendor\[0\]\.allowedRoles.*"customer", the role auth\.rbac probes/,
    );
  });
});
