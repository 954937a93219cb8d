/**
 * One rule for routes: no route has a default, since no two platforms name their routes alike and a guessed route
 * that happens to exist on the target would be tested in place of the real one. A route is required when a selected
 * suite uses it; the run stops before it starts (exit 2) naming the key of every route left out (docs/config.md, "Routes").
 */
import type { SmokeConfig } from './config.ts';

/** What a route rule reads beyond the smoke mapping: the suites that run, the load plan's needs, the declared checks. */
export interface RouteScope {
  suites: readonly string[];
  notApplicable: Record<string, string>;
  /** The load journeys log in (a `once` step or a `bearer` variable). */
  loadLogsIn: boolean;
  /** The load suite registers its own account pool (load.accounts.register). */
  loadRegisters: boolean;
}

interface RouteRule {
  key: string;
  path: (c: SmokeConfig) => string | undefined;
  /** Why the route is needed, or undefined when nothing that runs needs it. */
  needed: (c: SmokeConfig, s: RouteScope) => string | undefined;
}

const smokeRuns = (s: RouteScope) => s.suites.includes('smoke');
const declared = (s: RouteScope, ...ids: string[]) => ids.every((id) => id in s.notApplicable);

const RULES: RouteRule[] = [
  {
    key: 'smoke.login.path',
    path: (c) => c.login.path,
    needed: (_, s) =>
      smokeRuns(s)
        ? 'every smoke check logs in'
        : s.loadLogsIn || s.loadRegisters
          ? 'the load accounts log in'
          : undefined,
  },
  {
    key: 'smoke.register.path',
    path: (c) => c.register.path,
    needed: (_, s) =>
      smokeRuns(s)
        ? 'the smoke suite registers throwaway accounts of its own'
        : s.loadRegisters
          ? 'load.accounts.register registers the load accounts'
          : undefined,
  },
  {
    key: 'smoke.verifyEmail.path',
    path: (c) => c.verifyEmail.path,
    // In link mode the link in the mail is the route.
    needed: (c, s) =>
      c.verifyEmail.mode === 'post' && (smokeRuns(s) || s.loadRegisters)
        ? 'smoke.verifyEmail.mode is "post": the token is posted to this route'
        : undefined,
  },
  {
    key: 'smoke.me.path',
    path: (c) => c.me.path,
    needed: (_, s) => (smokeRuns(s) ? 'the smoke checks prove a token works on it' : undefined),
  },
  {
    key: 'smoke.refresh.path',
    path: (c) => c.refresh.path,
    needed: (c, s) =>
      !c.login.refreshToken
        ? undefined
        : smokeRuns(s) && !declared(s, 'auth.refresh-rotation')
          ? 'smoke.login.refreshToken is mapped: auth.refresh-rotation uses the refresh route'
          : s.loadLogsIn && s.suites.includes('load')
            ? 'smoke.login.refreshToken is mapped: the load journeys renew tokens through it'
            : undefined,
  },
  {
    key: 'smoke.logout.path',
    path: (c) => c.logout.path,
    needed: (c, s) =>
      !smokeRuns(s)
        ? undefined
        : !declared(s, 'auth.logout-revokes')
          ? 'auth.logout-revokes logs out'
          : c.login.csrf && !c.login.csrf.probe
            ? 'the csrf.* checks send logout unless smoke.login.csrf.probe names another request'
            : undefined,
  },
  {
    key: 'smoke.webhook.path',
    path: (c) => c.webhook.path,
    needed: (c, s) =>
      smokeRuns(s) && (c.escrow.steps ?? []).some((st) => st.role === 'confirm-payment')
        ? 'a confirm-payment step of smoke.escrow.steps posts its signed event there'
        : undefined,
  },
  {
    key: 'smoke.browser.loginPage',
    path: (c) => c.browser.loginPage,
    needed: (c, s) =>
      !smokeRuns(s)
        ? undefined
        : c.browser.enabled
          ? 'the browser checks sign in on it (smoke.browser.enabled: false for an API-only platform)'
          : c.login.csrf && !c.login.csrf.path
            ? 'smoke.login.csrf fetches its token there unless smoke.login.csrf.path names another page'
            : undefined,
  },
  {
    key: 'smoke.health.routes',
    path: (c) => (c.health.routes ? '' : undefined),
    needed: (_, s) => (smokeRuns(s) && !declared(s, 'health.routes') ? 'health.routes checks each of them' : undefined),
  },
];

/** One line per required route left out, naming its key and why it is needed; empty when none is. */
export function missingRoutes(c: SmokeConfig, scope: RouteScope): string[] {
  return RULES.flatMap((r) => {
    if (r.path(c) !== undefined) return [];
    const why = r.needed(c, scope);
    return why
      ? [`${r.key}: required (received: nothing): ${why}; gonogo guesses no route (docs/config.md, "Routes")`]
      : [];
  });
}

export { routePath } from '../core/url.ts';
