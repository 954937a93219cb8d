import { account, roleSession } from '../lib/auth.ts';
import type { Api } from '../lib/http.ts';
import { requireControl } from '../lib/outcome.ts';
import type { SmokePlan } from '../lib/plan.ts';
import type { Actor } from './run.ts';

/** The order's other party, logged in, when an account of smoke.roles.counterparty is configured. */
export async function counterpartyActor(api: Api, plan: SmokePlan): Promise<Actor | undefined> {
  const role = plan.config.roles.counterparty;
  if (!plan.config.accounts.some((a) => a.role === role)) return undefined;
  return {
    session: await requireControl(`login as ${role}`, () => roleSession(api, plan, role)),
    email: account(plan, role).email,
  };
}
