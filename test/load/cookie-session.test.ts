import { describe, expect, it } from 'vitest';
import { cookieSessionProblem } from '../../load/config.ts';

const login = { method: 'POST', path: '/accounts/login/' };
const journeys = [
  { name: 'browse', steps: [{ name: 'home', method: 'GET', path: '/' }] },
  {
    name: 'orders',
    steps: [
      { name: 'login', method: 'POST', path: '/accounts/login/' },
      { name: 'list', method: 'GET', path: '/api/orders', bearer: 'token' },
    ],
  },
];

describe('the load journeys and a cookie session with CSRF', () => {
  it('refuse journeys that log in or send a token, naming them and smoke.login.csrf, rather than load as an anonymous client', () => {
    expect(cookieSessionProblem({ ...login, csrf: {} }, journeys)).toBe(
      'load.journeys: orders.login, orders.list log in or send a token, but smoke.login.csrf is set (a cookie session with a CSRF token), which the load journeys do not carry yet: they would load the target as an anonymous client. Keep anonymous journeys only, or leave load out (--suite smoke,security)',
    );
  });

  it('leave anonymous journeys, and every journey of a token login, alone', () => {
    expect(cookieSessionProblem({ ...login, csrf: {} }, journeys.slice(0, 1))).toBeUndefined();
    expect(cookieSessionProblem(login, journeys)).toBeUndefined();
  });
});
