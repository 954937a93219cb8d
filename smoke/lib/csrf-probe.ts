/**
 * The csrf.* checks: one state-changing request of a cookie session (smoke.login.csrf.probe, default smoke.logout),
 * sent once as it should be (the control) and once bent (no token, another session's token, a foreign origin).
 */
import type { Api, Req, Res, Session } from './http.ts';
import type { SmokePlan } from './plan.ts';
import { MAIN_USER, bodyFor, clientSession, me, ok } from './auth.ts';
import { fillTemplate } from './template.ts';
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

/**
 * Skips unless the config maps a CSRF token. A cookie credential without a mapping is a gap in the config; a credential
 * sent in a header is not applicable once login has handed one out (the platform's own answer, not only the mapping).
 */
export async function requireCsrfMapping(api: Api, plan: SmokePlan): Promise<void> {
  if (plan.config.login.csrf) return;
  const send = plan.config.login.send;
  const where = send.as === 'bearer' ? 'the Authorization header' : `the ${send.name} ${send.as}`;
  skip.notConfigured(
    send.as === 'cookie',
    `the session travels in ${where} but smoke.login.csrf is not set: map where the platform hands out its CSRF token`,
  );
  const session = await requireControl('login', () => clientSession(api, plan, MAIN_USER));
  skip.notApplicable(
    session.access,
    `login handed out a token the session sends in ${where}, which a browser never attaches to a cross-site request by itself: there is no CSRF to check`,
  );
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
