import type { Api } from './http.ts';
import type { Res, Session } from '../../core/signin/http.ts';
import type { SmokePlan } from './plan.ts';
import { secretFromEnv } from './plan.ts';
import { fillTemplate, placeholders } from '../../core/template.ts';
import {
  bodyFor,
  login,
  newEmail,
  ok,
  register,
  strongPassword,
  tokenFrom,
  useVerification,
  type Sender,
} from '../../core/signin/accounts.ts';
import { findVerification, waitForVerificationMail, type Mail } from '../../core/signin/mail.ts';
import { workerRedactor } from './evidence.ts';
import { shared } from './state.ts';
import { control } from './outcome.ts';
import { routePath } from '../routes.ts';

export {
  bodyFor,
  login,
  newEmail,
  ok,
  register,
  strongPassword,
  tokenFrom,
  useVerification,
} from '../../core/signin/accounts.ts';

/** Did the response hand out any credential (token in the body or a cookie named like the configured one)? */
export function gaveCredential(res: Res, plan: SmokePlan): boolean {
  const l = plan.config.login;
  return Boolean(tokenFrom(res, l.token) || (l.refreshToken && tokenFrom(res, l.refreshToken)));
}

export function account(plan: SmokePlan, role: string): { email: string; password: string } {
  const a = plan.config.accounts.find((x) => x.role === role);
  if (!a) throw new Error(`no account with role "${role}" in smoke.accounts`);
  return { email: a.email, password: secretFromEnv(a.passwordEnv) };
}

/** A logged-in QA account, one login per run (shared by workers): sessions are reused, never logged out. */
export async function roleSession(api: Api, plan: SmokePlan, role: string): Promise<Session> {
  return shared(`session-${role}`, async () => {
    const { email, password } = account(plan, role);
    const { res, session } = await login(api, plan, email, password);
    control(session, `login as ${role} (${email}) answered ${res.status} without a token`);
    return session;
  });
}

/**
 * The suite's own accounts are few and shared between checks: each one costs a registration, a
 * verification and a login against the target's anonymous budget (often 100/min per address), and
 * a suite that spends it has to wait a whole window before its last probes. Checks that change an
 * account's sessions (refresh reuse, logout) or its state (lockout, mass assignment) keep their own.
 */
export const MAIN_USER = 'main';
/** A second user of the suite, for checks that need another user than the owner. */
export const SECOND_USER = 'second';

export interface Registered {
  email: string;
  password: string;
  mail: Mail;
  link?: string;
  token?: string;
  registerRes: Res;
  deliveryMs: number;
}

/** Registers an account of the suite's own and waits for its verification mail. */
export async function registerAndReadMail(
  api: Api,
  plan: SmokePlan,
  tag: string,
  extra: Record<string, unknown> = {},
): Promise<Registered> {
  const email = newEmail(plan, tag);
  const password = strongPassword();
  const since = Date.now();
  const registerRes = await register(api, plan, email, password, extra);
  control(ok(registerRes), `registering ${email} answered ${registerRes.status}`);
  return { email, password, registerRes, ...(await readVerificationMail(plan, email, since)) };
}

/** Waits for the verification mail of an address registered at `since` (epoch ms) and finds its link and token. */
export async function readVerificationMail(
  plan: SmokePlan,
  email: string,
  since: number,
): Promise<{ mail: Mail; link?: string; token?: string; deliveryMs: number }> {
  const mail = await waitForVerificationMail(plan, email, since - 1000);
  const deliveryMs = Date.now() - since;
  const v = findVerification(plan, mail);
  workerRedactor().add(v.token);
  return { mail, ...v, deliveryMs };
}

/** A verified account of the suite's own, registered once per run per tag. */
export async function verifiedUser(
  api: Api,
  plan: SmokePlan,
  tag: string,
): Promise<{ email: string; password: string }> {
  const u = await shared(`user-${tag}`, async () => {
    const reg = await registerAndReadMail(api, plan, tag);
    const res = await useVerification(api, plan, reg);
    control(ok(res), `verifying ${reg.email} answered ${res.status}`);
    return { email: reg.email, password: reg.password };
  });
  workerRedactor().add(u.password);
  return u;
}

/** A session of a verified account of the suite's own (shared by workers unless `fresh`). */
export async function userSession(
  api: Api,
  plan: SmokePlan,
  tag: string,
  fresh = false,
): Promise<{ email: string; session: Session }> {
  const u = await verifiedUser(api, plan, tag);
  const make = async () => {
    const { res, session } = await login(api, plan, u.email, u.password);
    control(session, `login as the suite's own account ${u.email} answered ${res.status} without a token`);
    return session;
  };
  return { email: u.email, session: fresh ? await make() : await shared(`session-user-${tag}`, make) };
}

export async function me(api: Api, plan: SmokePlan, session: Session | null): Promise<Res> {
  return api.send({ method: plan.config.me.method, path: routePath(plan.config.me.path, 'smoke.me.path'), session });
}

/** Session carrying a different access token (forged, expired, revoked). */
export function withAccess(_session: Session, access: string): Session {
  return { cookies: {}, access };
}

/** The QA account of the self-registration role, or else an account of the suite's own (same role by definition). */
export async function clientSession(api: Api, plan: SmokePlan, tag: string): Promise<Session> {
  const role = plan.config.roles.owner;
  if (plan.config.accounts.some((a) => a.role === role)) return roleSession(api, plan, role);
  return (await userSession(api, plan, tag)).session;
}

/** The session's tokens as template variables; a template naming one the session lacks is a broken mapping, not a finding. */
function tokenVars(session: Session, template: unknown, where: string): Record<string, string | undefined> {
  const vars = { refresh_token: session.refresh, access_token: session.access };
  for (const name of placeholders(template)) {
    control(
      !(name in vars) || vars[name as keyof typeof vars],
      `${where} sends {{${name}}} but login returned no ${name === 'refresh_token' ? 'refresh token (map it in smoke.login.refreshToken)' : 'access token'}`,
    );
  }
  return vars;
}

/** Logs the session out the way the platform expects: the configured route, with the body template when one is set. */
export async function logout(api: Sender, plan: SmokePlan, session: Session): Promise<Res> {
  const lo = plan.config.logout;
  const body = lo.body
    ? bodyFor(lo.encoding, fillTemplate(lo.body, tokenVars(session, lo.body, 'smoke.logout.body')))
    : {};
  return api.send({ method: lo.method, path: routePath(lo.path, 'smoke.logout.path'), session, ...body });
}

/** Uses a refresh token: as the configured cookie, in the body template, or as `{ [field]: token }`. */
export async function refreshWith(api: Sender, plan: SmokePlan, token: string, session: Session): Promise<Res> {
  const rc = plan.config.refresh;
  // A cookie session's refresh is a state-changing request too: its CSRF token goes along, its access token does not.
  const csrf = session.csrf ? { session: { cookies: {}, csrf: session.csrf } } : {};
  const path = routePath(rc.path, 'smoke.refresh.path');
  if (rc.cookie) return api.send({ method: rc.method, path, headers: { cookie: `${rc.cookie}=${token}` }, ...csrf });
  const fields = rc.body
    ? fillTemplate(rc.body, { ...tokenVars(session, rc.body, 'smoke.refresh.body'), refresh_token: token })
    : { [rc.field]: token };
  return api.send({ method: rc.method, path, ...bodyFor(rc.encoding, fields), ...csrf });
}
