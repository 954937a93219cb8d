import { newEmail, ok, register, strongPassword, useVerification, type Sender } from '../../core/signin/accounts.ts';
import { findVerification, waitForVerificationMail } from '../../core/signin/mail.ts';
import type { SigninPlan } from '../../core/signin/plan.ts';
import type { PoolAccount } from '../../scenarios/journey-core.ts';

export interface RegisterOutcome {
  accounts: PoolAccount[];
  /** One line per account that could not be registered or verified (no secret in it). */
  failures: string[];
  ms: number;
}

/** Registers one account of gonogo's own and follows its verification mail, with the account client the smoke suite signs in with. */
async function registerOne(api: Sender, plan: SigninPlan, tag: string): Promise<PoolAccount> {
  const email = newEmail(plan, tag);
  const password = strongPassword();
  const since = Date.now();
  const res = await register(api, plan, email, password);
  if (!ok(res)) throw new Error(`registering ${email} answered ${res.status}`);
  const mail = await waitForVerificationMail(plan, email, since - 1000);
  const verified = await useVerification(api, plan, findVerification(plan, mail));
  if (!ok(verified)) throw new Error(`verifying ${email} answered ${verified.status}`);
  return { email, password };
}

/**
 * Registers and verifies `count` accounts, at most `concurrency` at a time (each costs the target a
 * password hash and a mail). The pool keeps the order of the tags, so VU i always gets the same account.
 */
export async function registerPool(
  api: Sender,
  plan: SigninPlan,
  o: { count: number; concurrency: number; signal?: AbortSignal },
): Promise<RegisterOutcome> {
  const started = Date.now();
  const slots: (PoolAccount | null)[] = Array.from({ length: o.count }, () => null);
  const failures: string[] = [];
  let next = 0;
  // A fixed number of runners taking the next index: bounded concurrency without a queue library.
  const runner = async (): Promise<void> => {
    while (next < o.count && !o.signal?.aborted) {
      const i = next++;
      try {
        slots[i] = await registerOne(api, plan, `load-${i + 1}`);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, runner));
  if (o.signal?.aborted) failures.push('interrupted before every account was registered');
  return { accounts: slots.filter((a): a is PoolAccount => a !== null), failures, ms: Date.now() - started };
}
