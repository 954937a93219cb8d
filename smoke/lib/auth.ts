import type { Api, Res, Session } from './http.ts';
import type { SmokePlan } from './plan.ts';
import { secretFromEnv } from './plan.ts';
import { login, newEmail, ok, register, strongPassword, tokenFrom, useVerification } from './accounts.ts';
import { findVerification, waitForVerificationMail, type Mail } from './mail.ts';
import { workerRedactor } from './evidence.ts';
import { shared } from './state.ts';
import { control } from './outcome.ts';

export { login, newEmail, ok, register, strongPassword, tokenFrom, useVerification } from './accounts.ts';

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
/** A second client, for checks that need another user than the owner. */
export const SECOND_USER = 'second';

export interface Registered { email: string; password: string; mail: Mail; link?: string; token?: string; registerRes: Res; deliveryMs: number }

/** Registers an account of the suite's own and waits for its verification mail. */
export async function registerAndReadMail(api: Api, plan: SmokePlan, tag: string, extra: Record<string, unknown> = {}): Promise<Registered> {
  const email = newEmail(plan, tag);
  const password = strongPassword();
  const since = Date.now();
  const registerRes = await register(api, plan, email, password, extra);
  control(ok(registerRes), `registering ${email} answered ${registerRes.status}`);
  const mail = await waitForVerificationMail(plan, email, since - 1000);
  const deliveryMs = Date.now() - since;
  const v = findVerification(plan, mail);
  workerRedactor().add(v.token);
  return { email, password, mail, ...v, registerRes, deliveryMs };
}

/** A verified account of the suite's own, registered once per run per tag. */
export async function verifiedUser(api: Api, plan: SmokePlan, tag: string): Promise<{ email: string; password: string }> {
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
export async function userSession(api: Api, plan: SmokePlan, tag: string, fresh = false): Promise<{ email: string; session: Session }> {
  const u = await verifiedUser(api, plan, tag);
  const make = async () => {
    const { res, session } = await login(api, plan, u.email, u.password);
    control(session, `login as the suite's own account ${u.email} answered ${res.status} without a token`);
    return session;
  };
  return { email: u.email, session: fresh ? await make() : await shared(`session-user-${tag}`, make) };
}

export async function me(api: Api, plan: SmokePlan, session: Session | null): Promise<Res> {
  return api.send({ method: plan.config.me.method, path: plan.config.me.path, session });
}

/** Session carrying a different access token (forged, expired, revoked). */
export function withAccess(session: Session, access: string): Session {
  return { cookies: {}, access };
}

/** The QA account of the self-registration role, or else an account of the suite's own (same role by definition). */
export async function clientSession(api: Api, plan: SmokePlan, tag: string): Promise<Session> {
  const role = plan.config.register.defaultRole;
  if (plan.config.accounts.some((a) => a.role === role)) return roleSession(api, plan, role);
  return (await userSession(api, plan, tag)).session;
}
