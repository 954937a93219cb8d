import type { SuiteContext } from '../../config/suite.ts';
import type { LoadLogins } from '../../core/report-schema.ts';
import type { PlanJourney, PlanStep, PoolAccount } from '../../scenarios/journey-core.ts';
import { REFRESH_STEP_NAME, REFRESH_VAR, type SessionSpec } from '../../scenarios/session-core.ts';
import type { LoginConfig, RefreshConfig } from '../../core/signin/config.ts';
import { routePath } from '../../core/url.ts';
import { resolveLimiters } from '../../core/signin/limits.ts';
import { cookieSessionProblem, type LoadConfig } from '../config.ts';
import type { LoadPlan } from '../plan.ts';
import { LoginPhaseError, runLoginPhase } from './phase.ts';

export { LoginPhaseError } from './phase.ts';

const sameRoute = (s: Pick<PlanStep, 'method' | 'path'>, r: { method: string; path: string }) =>
  s.method === r.method.toUpperCase() && s.path === r.path;

/** The journeys with their login steps marked: the `once` steps on smoke.login's route. */
export function markLogins(
  journeys: readonly PlanJourney[],
  route: { method: string; path?: string | undefined },
): PlanJourney[] {
  const path = route.path;
  // No login route: nothing logs in (a run whose journeys do stops first, smoke/routes.ts).
  if (path === undefined) return [...journeys];
  return journeys.map((j) => ({
    ...j,
    steps: j.steps.map((s) => (s.once && sameRoute(s, { method: route.method, path }) ? { ...s, login: true } : s)),
  }));
}

/** The one list of `once` steps the logging-in journeys share; the login phase runs it per account. */
export function sharedOnceSteps(journeys: readonly PlanJourney[]): PlanStep[] {
  const lists = journeys.map((j) => j.steps.filter((s) => s.once)).filter((l) => l.length > 0);
  if (lists.length === 0) return [];
  const first = JSON.stringify(lists[0]);
  if (lists.some((l) => JSON.stringify(l) !== first)) {
    throw new LoginPhaseError(
      `the journeys log in with different \`once\` steps, and the login phase runs one list for every account: give every journey the same \`once\` steps, or set load.logins.mode to "journey"`,
    );
  }
  return lists[0]!;
}

/**
 * How VUs read and renew their tokens, from the smoke mapping: the access token where smoke.login.token says (into
 * the variable the login step captures it as, or the journeys' `bearer`), the refresh token where
 * smoke.login.refreshToken says, renewed through smoke.refresh. Undefined when no variable holds the token.
 */
export function sessionSpec(
  smoke: { login: LoginConfig; refresh: RefreshConfig },
  journeys: readonly PlanJourney[],
  logins: LoadConfig['logins'],
): SessionSpec | undefined {
  const access = smoke.login.token;
  const loginSteps = journeys.flatMap((j) => j.steps.filter((s) => s.login));
  const captured =
    access.from === 'body'
      ? loginSteps.flatMap((s) => Object.entries(s.capture)).find(([, p]) => p === access.path)?.[0]
      : undefined;
  const tokenVar = captured ?? journeys.flatMap((j) => j.steps).find((s) => s.bearer)?.bearer;
  if (!tokenVar) return undefined;
  const r = smoke.refresh;
  const refreshStep: PlanStep | undefined = smoke.login.refreshToken
    ? {
        name: REFRESH_STEP_NAME,
        method: r.method,
        path: routePath(r.path, 'smoke.refresh.path'),
        form: r.encoding === 'form',
        expect: [200, 201],
        capture: {},
        once: false,
        ...(r.cookie
          ? { headers: { Cookie: `${r.cookie}={{${REFRESH_VAR}}}` } }
          : { headers: {}, body: r.body ?? { [r.field]: `{{${REFRESH_VAR}}}` } }),
      }
    : undefined;
  return {
    tokenVar,
    access,
    ...(smoke.login.refreshToken ? { refresh: smoke.login.refreshToken } : {}),
    ...(refreshStep ? { refreshStep } : {}),
    ...(logins.tokenLifetimeS !== undefined ? { lifetimeMs: logins.tokenLifetimeS * 1000 } : {}),
    renewBeforeMs: logins.renewBeforeS * 1000,
  };
}

export interface PreparedLogins {
  accounts: PoolAccount[];
  info?: LoadLogins;
  warnings: string[];
}

/**
 * Marks the plan's login steps and sets its session spec; with a pool and `logins.mode: setup`, logs the accounts the
 * VUs will use in before the load (load/logins/phase.ts). Throws LoginPhaseError when the phase cannot fit or no
 * account logged in.
 */
export async function prepareLogins(
  ctx: SuiteContext,
  cfg: LoadConfig,
  plan: LoadPlan,
  accounts: PoolAccount[],
): Promise<PreparedLogins> {
  const smoke = ctx.config.smoke;
  const cookieSession = cookieSessionProblem(smoke.login, plan.journeys);
  if (cookieSession) throw new LoginPhaseError(cookieSession);
  plan.journeys = markLogins(plan.journeys, smoke.login);
  const spec = sessionSpec(smoke, plan.journeys, cfg.logins);
  // VUs sharing an account share its session: a refresh token one of them rotated would be refused to the others, so they log in again.
  const shared = accounts.length === 0 ? plan.vus > 1 : accounts.length < plan.vus;
  if (spec && shared) delete spec.refreshStep;
  if (spec) plan.session = spec;
  const steps = cfg.accounts && cfg.logins.mode === 'setup' ? sharedOnceSteps(plan.journeys) : [];
  if (steps.length === 0 || accounts.length === 0) return { accounts, warnings: [] };
  const warnings: string[] = [];
  if (!steps.some((s) => s.login))
    warnings.push(
      `no \`once\` step of the journeys is the login route (smoke.login: ${smoke.login.method} ${smoke.login.path}); the login phase ran them unpaced`,
    );
  const used = accounts.slice(0, Math.min(accounts.length, plan.vus));
  const base = new URL(ctx.config.target.baseUrl);
  const { LoadSender } = await import('../accounts/http.ts');
  const api = new LoadSender({
    baseUrl: plan.baseUrl,
    allowedHosts: [base.host, ...ctx.config.target.allowedHosts],
    localAddress: cfg.sourceAddress,
    caFile: ctx.config.target.caFile ?? ctx.reference?.caFile,
    insecure: cfg.insecureTls,
    timeoutMs: ctx.config.target.timeoutMs,
  });
  const limiter = resolveLimiters(smoke, ctx.kpis.params).login;
  const env = { ...process.env, ...plan.env };
  const out = await runLoginPhase({
    accounts: used,
    steps,
    isLogin: (s) => Boolean(s.login),
    login: { model: limiter.model, key: limiter.key },
    session: spec,
    // Journeys join their paths under the base URL, as the engines do.
    send: (r) =>
      api.send({
        method: r.method,
        path: plan.baseUrl + r.path,
        headers: r.headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
      }),
    env: (n) => env[n],
    maxMs: cfg.logins.maxS * 1000,
    concurrency: cfg.logins.concurrency,
    signal: ctx.signal,
    onStart: (ms, model) =>
      ctx.progress({
        suite: 'load',
        kind: 'info',
        message: `logging in ${used.length} load account${used.length === 1 ? '' : 's'} before the load, paced to the login model (${model}): about ${Math.ceil(ms / 1000)} s (at most load.logins.maxS, ${cfg.logins.maxS} s)`,
      }),
  });
  if (out.failures.length)
    warnings.push(
      `${out.failures.length} of ${used.length} load accounts could not log in before the load (first: ${out.failures[0]}); their VUs log in in the journey`,
    );
  return {
    accounts: [...out.accounts, ...accounts.slice(used.length)],
    info: {
      mode: 'setup',
      loggedIn: out.loggedIn,
      ms: out.ms,
      loginRequests: out.loginRequests,
      throttled: out.throttled,
      model: out.model,
      maxS: cfg.logins.maxS,
    },
    warnings,
  };
}
