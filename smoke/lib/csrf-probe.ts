/**
 * The csrf.* checks: one state-changing request of a cookie session (smoke.login.csrf.probe, default smoke.logout),
 * sent once as it should be (the control) and once bent (no token, another session's token, a foreign origin).
 */
import type { Api } from './http.ts';
import type { Req, Res, Session, SetCookie } from '../../core/signin/http.ts';
import { isRefused } from './refusal.ts';
import type { SmokePlan } from './plan.ts';
import { MAIN_USER, bodyFor, clientSession, me, ok } from './auth.ts';
import { fillTemplate } from '../../core/template.ts';
import { control, requireControl, skip } from './outcome.ts';
import { routePath } from '../routes.ts';

/** The request the checks bend: the configured probe, or logout with its body template. */
export function probeRequest(plan: SmokePlan, session: Session): Req {
  const p = plan.config.login.csrf?.probe ?? { ...plan.config.logout };
  const vars = { access_token: session.access, refresh_token: session.refresh };
  return {
    method: p.method,
    path: routePath(p.path, 'smoke.logout.path'),
    session,
    ...(p.body ? bodyFor(p.encoding, fillTemplate(p.body, vars)) : {}),
  };
}

/** SameSite values with which a browser keeps a cookie off cross-site state-changing requests. */
const KEPT_OFF_CROSS_SITE = ['strict', 'lax'];

/**
 * Cookies login set that a browser would attach to a cross-site request (no SameSite=Strict/Lax) and that
 * authenticate alone (`smoke.me` with only them is accepted): a header token beside them does not stop CSRF.
 */
export interface RidingCookies {
  names: string[];
}

/**
 * Skips unless the config maps a CSRF token. A cookie credential without a mapping is a gap in the config; a credential
 * sent in a header is not applicable once login has handed one out, unless login also set a cookie that authenticates
 * alone and rides cross-site requests: then the checks run against that cookie (returned) instead of a token.
 */
export async function requireCsrfMapping(api: Api, plan: SmokePlan): Promise<RidingCookies | undefined> {
  if (plan.config.login.csrf) return undefined;
  const send = plan.config.login.send;
  const where = send.as === 'bearer' ? 'the Authorization header' : `the ${send.name} ${send.as}`;
  skip.notConfigured(
    send.as === 'cookie',
    `the session travels in ${where} but smoke.login.csrf is not set: map where the platform hands out its CSRF token`,
  );
  const session = await requireControl('login', () => clientSession(api, plan, MAIN_USER));
  const base = `login handed out a token the session sends in ${where}, which a browser never attaches to a cross-site request by itself`;
  const set = (session.setCookies ?? []).filter((c) => c.value);
  skip.notApplicable(!set.length, `${base}, and set no cookie: there is no CSRF to check`);
  const loose = set.filter((c) => !KEPT_OFF_CROSS_SITE.includes(String(c.attrs.samesite ?? '').toLowerCase()));
  const names = (cs: SetCookie[]) => cs.map((c) => c.name).join(', ');
  skip.notApplicable(
    !loose.length,
    `${base}; the cookies it set (${names(set)}) are SameSite=Strict or Lax, which a browser keeps off cross-site requests: there is no CSRF to check`,
  );
  const alone = await requireControl('the login cookies on their own', () =>
    api.send({
      method: plan.config.me.method,
      path: routePath(plan.config.me.path, 'smoke.me.path'),
      headers: { cookie: cookieHeader(loose) },
    }),
  );
  skip.notApplicable(
    !ok(alone),
    `${base}; its cookies without SameSite=Strict/Lax (${names(loose)}) do not authenticate alone (${plan.config.me.method} ${plan.config.me.path} with only them answered ${alone.status}): there is no CSRF to check`,
  );
  return { names: loose.map((c) => c.name) };
}

const cookieHeader = (cs: SetCookie[]) => cs.map((c) => `${c.name}=${c.value}`).join('; ');

/**
 * The bent request of a platform whose login cookie authenticates alone: the session's probe request carrying only
 * those cookies (no header token, as a cross-site form would), with the given extra headers. It must be refused
 * (`smoke.refusal.statuses`) and the session must still work after it.
 */
export async function ridden(
  api: Api,
  plan: SmokePlan,
  session: Session,
  riding: RidingCookies,
  what: string,
  headers: Record<string, string> = {},
): Promise<string | undefined> {
  const own = (session.setCookies ?? []).filter((c) => riding.names.includes(c.name) && c.value);
  control(own.length, `login set none of the cookies ${riding.names.join(', ')} for this session`);
  const req: Req = {
    ...probeRequest(plan, session),
    session: null,
    headers: { ...headers, cookie: cookieHeader(own) },
  };
  const res = await api.send(req);
  if (ok(res)) return `${label(req)} ${what} was accepted (${res.status}): the cookie rides cross-site requests`;
  control(
    isRefused(res, plan),
    `${label(req)} ${what} answered ${res.status}, none of smoke.refusal.statuses: nothing says the platform refused it`,
  );
  const after = await me(api, plan, session);
  if (!ok(after))
    return `${label(req)} ${what} answered ${res.status}, yet the session no longer works after it (me answered ${after.status}): the request acted`;
  return undefined;
}

const label = (r: Req) => `${r.method} ${r.path}`;

/** The control: the request with the session's own token and a same-site Origin is accepted. */
export async function sendControl(api: Api, plan: SmokePlan, session: Session): Promise<Res> {
  const req = probeRequest(plan, session);
  const res = await api.send({ ...req, role: 'control' });
  control(
    ok(res),
    `${label(req)} with the session's token and a same-site Origin answered ${res.status}: the csrf checks need a state-changing request the session may send (smoke.login.csrf.probe)`,
  );
  return res;
}

/**
 * Sends the bent request and says what was wrong with the answer, or undefined when it was refused. A refusal must be
 * one of refusedStatuses (anything else proves nothing: an error), and the session must still work after it.
 */
export async function bent(
  api: Api,
  plan: SmokePlan,
  session: Session,
  what: string,
  change: Pick<Req, 'csrf' | 'headers'>,
): Promise<string | undefined> {
  const req = { ...probeRequest(plan, session), ...change };
  const res = await api.send(req);
  if (ok(res)) return `${label(req)} ${what} was accepted (${res.status})`;
  const statuses = plan.config.login.csrf!.refusedStatuses;
  control(
    statuses.includes(res.status),
    `${label(req)} ${what} answered ${res.status}, none of smoke.login.csrf.refusedStatuses (${statuses.join(', ')}): nothing says the CSRF protection refused it`,
  );
  const after = await me(api, plan, session);
  if (!ok(after))
    return `${label(req)} ${what} answered ${res.status}, yet the session no longer works after it (me answered ${after.status}): the request acted`;
  return undefined;
}
