import { describe, expect, it } from 'vitest';
import { SmokeConfig } from '../../smoke/config.ts';
import { missingRoutes, routePath, type RouteScope } from '../../smoke/routes.ts';
import { ROUTES } from '../helpers/routes.ts';

const scope = (over: Partial<RouteScope> = {}): RouteScope => ({
  suites: ['smoke'],
  notApplicable: {},
  loadLogsIn: false,
  loadRegisters: false,
  ...over,
});
const keys = (lines: string[]) => lines.map((l) => l.slice(0, l.indexOf(':')));

describe('one rule for routes: none has a default, each is required while something that runs needs it', () => {
  it('names every route a smoke run needs and the config left out, and why', () => {
    const lines = missingRoutes(SmokeConfig.parse({}), scope());
    expect(keys(lines)).toEqual([
      'smoke.login.path',
      'smoke.register.path',
      'smoke.me.path',
      'smoke.logout.path',
      'smoke.browser.loginPage',
      'smoke.health.routes',
    ]);
    expect(lines[0]).toBe(
      'smoke.login.path: required (received: nothing): every smoke check logs in; gonogo guesses no route (docs/config.md, "Routes")',
    );
  });

  it('asks nothing of a run without smoke or load accounts, and nothing once the routes are written', () => {
    expect(missingRoutes(SmokeConfig.parse({}), scope({ suites: ['security', 'load'] }))).toEqual([]);
    expect(missingRoutes(SmokeConfig.parse(ROUTES), scope())).toEqual([]);
  });

  it('requires the conditional routes only with what uses them', () => {
    const refresh = { ...ROUTES, refresh: {}, login: { ...ROUTES.login, refreshToken: { from: 'body', path: 'r' } } };
    expect(keys(missingRoutes(SmokeConfig.parse(refresh), scope()))).toEqual(['smoke.refresh.path']);
    expect(missingRoutes(SmokeConfig.parse({ ...refresh, login: ROUTES.login }), scope())).toEqual([]);
    // Declared not applicable, the rotation check frees the route, unless the load journeys renew tokens through it.
    const na = { 'auth.refresh-rotation': 'no rotation' };
    expect(missingRoutes(SmokeConfig.parse(refresh), scope({ notApplicable: na }))).toEqual([]);
    expect(
      keys(
        missingRoutes(
          SmokeConfig.parse(refresh),
          scope({ suites: ['smoke', 'load'], notApplicable: na, loadLogsIn: true }),
        ),
      ),
    ).toEqual(['smoke.refresh.path']);

    const post = { ...ROUTES, verifyEmail: { mode: 'post' } };
    expect(keys(missingRoutes(SmokeConfig.parse(post), scope()))).toEqual(['smoke.verifyEmail.path']);

    const confirm = { name: 'paid', role: 'confirm-payment', event: { preset: 'payment_intent.succeeded' } };
    const create = {
      name: 'create',
      role: 'create',
      path: '/orders',
      capture: { order_id: { from: 'body', path: 'id' }, payment_id: { from: 'body', path: 'pi' } },
    };
    const release = { name: 'release', role: 'release', path: '/orders/{{order_id}}/release' };
    const order = {
      get: { method: 'GET', path: '/orders/{{order_id}}' },
      update: { method: 'PATCH', path: '/orders/{{order_id}}' },
    };
    const escrow = { ...ROUTES, webhook: {}, escrow: { steps: [create, confirm, release], order } };
    expect(keys(missingRoutes(SmokeConfig.parse(escrow), scope()))).toEqual(['smoke.webhook.path']);

    const api = { ...ROUTES, browser: { enabled: false } };
    expect(missingRoutes(SmokeConfig.parse(api), scope())).toEqual([]);
    const csrf = { ...api, login: { ...ROUTES.login, csrf: {} } };
    expect(keys(missingRoutes(SmokeConfig.parse(csrf), scope()))).toEqual(['smoke.browser.loginPage']);
  });

  it('asks the load suite for the routes its accounts use', () => {
    const none = SmokeConfig.parse({});
    expect(keys(missingRoutes(none, scope({ suites: ['load'], loadLogsIn: true })))).toEqual(['smoke.login.path']);
    expect(keys(missingRoutes(none, scope({ suites: ['load'], loadRegisters: true })))).toEqual([
      'smoke.login.path',
      'smoke.register.path',
    ]);
  });

  it('derives nothing from a route left out, and the code that would need one names its key', () => {
    const c = SmokeConfig.parse({ login: ROUTES.login });
    expect(c.ratelimit.api).toBeUndefined();
    expect(c.debugProbes.map((p) => p.path)).toEqual(['/gonogo-no-such-route-404', '/api/auth/login']);
    expect(() => routePath(c.me.path, 'smoke.me.path')).toThrow('smoke.me.path is not set');
  });
});
