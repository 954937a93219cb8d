import type { Session } from '../../core/signin/http.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { resolveLimiters } from '../../core/signin/limits.ts';
import { workerRedactor } from '../../smoke/lib/evidence.ts';
import type { Actor, Actors } from '../../smoke/flow/run.ts';
import { DoctorSender, Throttled, Unreachable, type SentLine } from './sender.ts';
import { ownAccount, type Signed } from './accounts.ts';
import { LoginBudget, mappingRefused, teamLogins } from './logins.ts';
import { walkFlow } from './flow.ts';
import { OpenApiSource } from './doc-fields.ts';
import { sentOf, type Row } from './rows.ts';
import { healthRows, limitRows, logoutRow, meRow, openapiRow, refreshRow } from './steps.ts';

export interface DoctorResult {
  rows: Row[];
  /** Why the walk ended early (a 429, an unreachable target), when it did. */
  stopped?: string;
  requests: number;
  /** Every request sent and the status it got (0: no answer), in order; paths redacted. */
  sent: SentLine[];
  logins: number;
  /** Time spent waiting to stay under the API model (ms). */
  pacedMs: number;
  /** The login model the logins were counted against. */
  loginModel: string;
  ms: number;
}

/**
 * Walks each mapped step once against the target and says, per step, what answered and which key to change.
 * Never a failing login on purpose, at most one login per account, and no login beyond half the login model's
 * limit; paced under the API model; a 429 ends the walk.
 */
export async function walk(plan: SmokePlan, o: { caFile?: string; secretEnv: string }): Promise<DoctorResult> {
  const started = performance.now();
  const api = new DoctorSender(plan, o);
  const rows: Row[] = [];
  const limiters = resolveLimiters(plan.config, plan.params);
  const budget = new LoginBudget(limiters.login);
  const docs = new OpenApiSource(api, plan);
  let stopped: string | undefined;

  try {
    // The doctor's own account first: a login mapping that does not work is then found without a failed login on a team account.
    const own = await ownAccount(api, plan, docs);
    rows.push(...own.rows);
    let mine: Signed | undefined;
    let refused = false;
    if (own.account) {
      const r = await budget.login(api, plan, docs, rows, 'login (own account)', own.account, true);
      if (r?.session) mine = { email: own.account.email, session: r.session };
      refused = r !== undefined && mappingRefused(r);
    }
    const sessions = await teamLogins(api, plan, docs, budget, rows, { refused, ownWorks: mine !== undefined });
    const { owner, counterparty } = plan.config.roles;
    const ownerActor = sessions.get(owner) ?? mine;
    let session: Session | undefined = (mine ?? ownerActor)?.session;
    await meRow(api, plan, rows, session);

    session = await refreshRow(api, plan, rows, session);

    const actors: Actors | undefined = ownerActor
      ? {
          owner: actor(ownerActor),
          ...(sessions.get(counterparty) ? { counterparty: actor(sessions.get(counterparty)!) } : {}),
        }
      : undefined;
    await walkFlow(api, plan, actors, rows, plan.config.webhook.secretEnv);

    await limitRows(api, plan, limiters, rows, session, own.account ?? {});
    await healthRows(api, plan, rows);
    await openapiRow(plan, docs, rows);

    await logoutRow(api, plan, rows, session);
  } catch (e) {
    if (e instanceof Throttled) {
      stopped = `${e.message}: the doctor stops at a 429 and sends nothing more; the limit was spent before it came (another client, an earlier run, or a limit lower than smoke.ratelimit documents). Run it again after the window.`;
      rows.push({
        step: 'stopped',
        status: 'fail',
        sent: sentOf(e.res),
        answered: `429${e.res.headers['retry-after'] ? `, Retry-After ${e.res.headers['retry-after']}` : ''}`,
        expected: 'no 429',
        key: 'smoke.ratelimit (the documented limits), or wait out the window',
      });
    } else if (e instanceof Unreachable) {
      stopped = e.message;
      rows.push({ step: 'stopped', status: 'fail', sent: '-', answered: e.message, expected: 'an answer', key: e.key });
    } else throw e;
  }
  const r = workerRedactor();
  return {
    rows: rows.map((row) => ({ ...row, answered: r.text(row.answered), sent: r.text(row.sent) })),
    ...(stopped ? { stopped: r.text(stopped) } : {}),
    requests: api.sent.length,
    sent: api.sent.map((l) => ({ ...l, path: r.text(l.path) })),
    logins: budget.spent,
    pacedMs: api.pacedMs,
    loginModel: budget.model,
    ms: performance.now() - started,
  };
}

const actor = (s: Signed): Actor => ({ session: s.session, email: s.email });
