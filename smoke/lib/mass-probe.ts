import type { Api } from './http.ts';
import type { Res } from '../../core/signin/http.ts';
import type { SmokePlan } from './plan.ts';
import {
  MAIN_USER,
  login,
  me,
  newEmail,
  ok,
  readVerificationMail,
  register,
  strongPassword,
  useVerification,
  userSession,
} from './auth.ts';
import { claims, isJwt } from './jwt.ts';
import { assignedFields } from './mass-assignment.ts';
import type { GroupAnswer, Where } from './mass-split.ts';
import { RateLimited, requireControl } from './outcome.ts';

/**
 * One registration per group, judged where the platform could show a taken value: the registration response
 * (against `baseline`, a plain registration's), then the verified account's `me` and token claims (against
 * the suite's main account). Every field of `all` is looked for, so a value shown under another privileged
 * name counts. An account that cannot be verified or signed in leaves what it did not show unjudged, with the reason.
 */
export function groupProbe(
  api: Api,
  plan: SmokePlan,
  baseline: Res,
  all: Record<string, unknown>,
): (group: Record<string, unknown>) => Promise<GroupAnswer> {
  let mainView: Promise<{ who: unknown; token: unknown }> | undefined;
  const main = () =>
    (mainView ??= requireControl('a verified account of the suite', async () => {
      const { session } = await userSession(api, plan, MAIN_USER);
      const who = await me(api, plan, session);
      if (!ok(who)) throw new Error(`the "me" route answered ${who.status} to the suite's main account`);
      return { who: who.json, token: isJwt(session.access) ? claims(session.access) : undefined };
    }));

  let n = 0;
  return async (group) => {
    const email = newEmail(plan, `massassign-${++n}`);
    const password = strongPassword();
    const since = Date.now();
    const probe = await register(api, plan, email, password, group);
    if (!ok(probe)) return { accepted: false, status: probe.status };
    const shown: Record<string, Where[]> = {};
    const add = (where: Where, fields: string[]) => {
      for (const f of fields) (shown[f] ??= []).push(where);
    };
    add('registration response', assignedFields(probe.json, baseline.json, all));
    const incomplete = (why: string): GroupAnswer => ({ accepted: true, shown, incomplete: why });
    // The account is verified before `me` is read: a platform may hide an unverified account's view.
    const mail = await readVerificationMail(plan, email, since).catch((e: unknown) => {
      if (e instanceof RateLimited) throw e;
      return (e as Error).message;
    });
    if (typeof mail === 'string') return incomplete(`its verification mail: ${mail}`);
    const v = await useVerification(api, plan, mail);
    if (!ok(v)) return incomplete(`verifying its account answered ${v.status}`);
    const { res, session } = await login(api, plan, email, password);
    if (!session) return incomplete(`its verified account cannot log in (${res.status})`);
    const who = await me(api, plan, session);
    if (!ok(who)) return incomplete(`the "me" route answered ${who.status} to its account`);
    const ref = await main();
    add('account', assignedFields(who.json, ref.who, all));
    if (isJwt(session.access) && ref.token) add('token claims', assignedFields(claims(session.access), ref.token, all));
    return { accepted: true, shown };
  };
}
