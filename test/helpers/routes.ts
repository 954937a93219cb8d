/**
 * The routes of the JSON API the unit tests map, written out as every config must (no route has a default,
 * docs/config.md "Routes"); spread into a smoke section: `SmokeConfig.parse({ ...ROUTES, login: { ...ROUTES.login, ... } })`.
 */
export const ROUTES = {
  login: { path: '/api/auth/login' },
  register: { path: '/api/auth/register' },
  refresh: { path: '/api/auth/refresh' },
  logout: { path: '/api/auth/logout' },
  me: { method: 'GET', path: '/api/auth/me' },
  webhook: { path: '/api/webhooks/stripe' },
  browser: { loginPage: '/login' },
  health: { routes: ['/health'] },
} as const;
