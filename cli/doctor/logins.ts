import type { SmokePlan } from '../../smoke/lib/plan.ts';
import type { Session } from '../../core/signin/http.ts';
import { describeKey } from '../../smoke/lib/limits.ts';
import type { Limiter } from '../../core/signin/limits.ts';
import type { DoctorSender } from './sender.ts';
import type { OpenApiSource } from './doc-fields.ts';
import { loginRow, SHAPE_REFUSED, type Signed } from './accounts.ts';
import { is2xx, type Row } from './rows.ts';

/**
 * The logins one walk may send: half the login model's limit per window, on the key it counts: a limit keyed by user
 * counts each account apart (the doctor sends one login per account), one keyed by address counts them all together.
 */
export class LoginBudget {
  spent = 0;
  readonly perKey: number;
  readonly model: string;
  private readonly shared: boolean;

  constructor(l: Limiter) {
    this.perKey = Math.floor(l.model.limit / 2);
    this.shared = l.key !== 'user';
    this.model = `${l.model.limit} per ${l.model.windowMs / 1000} s, ${describeKey(l.key)}`;
  }

  get left(): boolean {
    return this.shared ? this.spent < this.perKey : this.perKey >= 1;
  }

  /** The login and its row, or a `held` row and undefined when the budget does not allow it. */
  async login(
    api: DoctorSender,
    plan: SmokePlan,
    docs: OpenApiSource,
    rows: Row[],
    step: string,
    a: { email: string; password: string },
    own: boolean,
    accountKey?: string,
  ): Promise<{ session: Session | null; status: number } | undefined> {
    if (!this.left) {
      rows.push({
        step,
        status: 'held',
        sent: '-',
        expected: 'a login',
        key: 'smoke.ratelimit.login (document the login limit), or fewer smoke.accounts',
        answered: `not sent: the login model (smoke.ratelimit.login: ${this.model}) leaves the doctor ${this.perKey} login${this.perKey === 1 ? '' : 's'} (half a window)`,
      });
      return undefined;
    }
    this.spent++;
    const r = await loginRow(api, plan, docs, step, a.email, a.password, own, accountKey);
    rows.push(r.row);
    return r;
  }
}

/** A team account may take one login the mapping could get wrong only when its lockout is more than this many failures away. */
const LOCKOUT_MARGIN = 2;

/** A login that shows the mapping itself does not work: refused as a request, or answered without the token where the mapping reads it. */
export const mappingRefused = (r: { session: Session | null; status: number }) =>
  SHAPE_REFUSED.has(r.status) || (is2xx(r.status) && !r.session);

/**
 * The team's accounts, one login each, the flow's owner and counterparty first (a tight budget still walks the flow).
 * None once the mapping showed it does not work (`refused`): another account would only spend a login, or count a
 * failed one; without a working own account, the first team login refused that way stops the others, and none is
 * tried when the KPI file's lockout threshold leaves no room for that one failure.
 */
export async function teamLogins(
  api: DoctorSender,
  plan: SmokePlan,
  docs: OpenApiSource,
  budget: LoginBudget,
  rows: Row[],
  o: { refused: boolean; ownWorks: boolean },
): Promise<Map<string, Signed>> {
  const { owner, counterparty } = plan.config.roles;
  const rank = (role: string) => (role === owner ? 0 : role === counterparty ? 1 : 2);
  const order = plan.config.accounts.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a.role) - rank(y.a.role));
  const sessions = new Map<string, Signed>();
  let refused = o.refused;
  for (const { a, i } of order) {
    const step = `login ${a.role}`;
    const skip = (why: string) =>
      rows.push({ step, status: 'skip', sent: '-', expected: '', answered: `not sent: ${why}` });
    if (refused) {
      skip('the login mapping did not work above; another account would only spend a login, or count a failed one');
      continue;
    }
    // Without a working own account a team login may be refused by the mapping: one failed login must stay far from the lockout.
    if (!o.ownWorks && plan.params.lockout.attempts <= LOCKOUT_MARGIN) {
      rows.push({
        step,
        status: 'held',
        sent: '-',
        expected: 'a login',
        key: 'the own account above (smoke.register, smoke.mailbox), or params.lockout.attempts in the KPI file',
        answered: `not sent: the doctor's own account could not log in, and a login the mapping gets wrong would count against this account's lockout (params.lockout.attempts: ${plan.params.lockout.attempts})`,
      });
      continue;
    }
    const password = process.env[a.passwordEnv];
    if (!password) {
      rows.push({
        step,
        status: 'fail',
        sent: '-',
        expected: 'the password in the environment',
        answered: `${a.passwordEnv} is not set`,
        key: `smoke.accounts[${i}].passwordEnv (${a.passwordEnv})`,
      });
      continue;
    }
    const r = await budget.login(
      api,
      plan,
      docs,
      rows,
      step,
      { email: a.email, password },
      false,
      `smoke.accounts[${i}]`,
    );
    if (r?.session && !sessions.has(a.role)) sessions.set(a.role, { email: a.email, session: r.session });
    if (r && !o.ownWorks && mappingRefused(r)) refused = true;
  }
  return sessions;
}
