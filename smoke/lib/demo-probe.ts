import { test } from '@playwright/test';
import { check, control, covered, requireControl } from './outcome.ts';
import { MAIN_USER, gaveCredential, login, ok, verifiedUser } from './auth.ts';
import type { Api } from './http.ts';
import { retryAfterS } from './http.ts';
import type { SmokePlan } from './plan.ts';
import type { Recorder } from './evidence.ts';
import { digest, readSent } from './history.ts';
import { historyFor } from './limits.ts';
import { resolveLimiters } from '../../core/signin/limits.ts';
import { realClock } from './limit-probe.ts';
import { sharedKeysSection } from './limit-checks.ts';
import { describeModel } from '../../core/ratelimit-model.ts';
import { DemoPacer, demoClaim, runDemo, type DemoPair } from './demo.ts';
import { DEFAULT_DEMO_ACCOUNTS, DEFAULT_DEMO_PASSWORDS } from '../vocab.ts';

// Model edges: the target timestamps a request after the suite does, so a slot is taken a little late.
const GRACE_MS = 500;
const pair = (p: DemoPair) => `${p.email} / ${p.password}`;

/** Every pair, grouped: "a@x: p1, p2; b@x: p1". */
function byAddress(pairs: readonly DemoPair[]): string {
  const by = new Map<string, string[]>();
  for (const p of pairs) by.set(p.email, [...(by.get(p.email) ?? []), p.password]);
  return [...by].map(([email, pw]) => `${email}: ${pw.join(', ')}`).join('; ');
}

/**
 * auth.no-demo-accounts, run in the limit phase after the lockout probe and before the login burst: it holds the
 * login key alone (sharedKeysSection) and spends what the whole run left of the login limit, waiting for windows
 * within smoke.demoWaitS (see docs/config.md, The demo-account probe).
 */
export async function probeDemoAccounts(api: Api, plan: SmokePlan, rec: Recorder): Promise<void> {
  const c = plan.config;
  const lim = resolveLimiters(c, plan.params).login;
  const waitS = plan.budget.demoWaitS;
  test.setTimeout(test.info().timeout + waitS * 1000);
  await sharedKeysSection(plan, async () => {
    // The control: an account of the suite logs in through the same mapping now, or every refusal below proves nothing
    // (a broken login mapping, a login route down, an address already locked out refuse every pair alike).
    const known = await requireControl('a verified account of the suite', () => verifiedUser(api, plan, MAIN_USER));
    const right = await requireControl('login with the right password', () =>
      login(api, plan, known.email, known.password),
    );
    control(
      right.session,
      `an account of the suite could not log in with its right password (${right.res.status}): the demo pairs' refusals would prove nothing`,
    );
    // Each address gets the lockout threshold's attempts: that many failures lock, so the last one is still answered honestly.
    const perAddress = plan.params.lockout.attempts;
    const claim = demoClaim({
      own: c.demoAccounts,
      ownPasswords: c.demoPasswords,
      perAddress,
      defaults: c.demoDefaults ? DEFAULT_DEMO_ACCOUNTS : [],
      defaultPasswords: c.demoDefaults ? DEFAULT_DEMO_PASSWORDS : [],
    });
    const log = readSent(plan.stateDir);
    const all = Object.values(resolveLimiters(c, plan.params));
    const perKey = lim.key === 'user';
    const pacer = new DemoPacer(
      {
        model: lim.model,
        perAddress: perKey,
        history: (email) => historyFor(log, lim, all, perKey ? { subject: digest(email.toLowerCase()) } : {}),
      },
      GRACE_MS,
    );
    const started = Date.now();
    const run = await runDemo(claim, pacer, {
      waitMs: waitS * 1000,
      ...(c.demoAttemptsMax !== undefined ? { maxAttempts: c.demoAttemptsMax } : {}),
      clock: realClock,
      send: async ({ email, password }) => {
        // The demo passwords are a public list, not secrets: registering them would mask words like "password" in every report.
        const { res } = await login(api, plan, email, password, { publicPassword: true, expect429: true, paced: true });
        if (res.status === 429) return { kind: 'limited', retryAfterS: retryAfterS(res.headers) };
        return ok(res) || gaveCredential(res, plan) ? { kind: 'in' } : { kind: 'out' };
      },
    });
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    rec.expected = `no address of the list logs in with any of its ${perAddress} most likely passwords (smoke.demoAccounts first, then ${c.demoDefaults ? 'the shipped list' : 'nothing: smoke.demoDefaults is false'}; ${perAddress} per address: KPI params.lockout.attempts)`;
    rec.actual = `${run.tried.length} of ${claim.length} address/password pairs tried in ${run.attempts} attempts and ${seconds} s (${Math.round(run.waitedMs / 1000)} s waiting for the login limit, ${describeModel(lim.model)} ${perKey ? 'per address' : 'for the whole probe'})`;
    rec.detail('tried', run.tried.map(pair));
    rec.detail('budget', {
      attempts: run.attempts,
      waitedS: Math.round(run.waitedMs / 1000),
      waitS,
      seconds,
      perAddress,
      pairs: claim.length,
      loginModel: { ...lim.model, key: lim.key },
    });
    const why = {
      demoWaitS: `the login limit (${describeModel(lim.model)}) left no slot within smoke.demoWaitS (${waitS} s)`,
      demoAttemptsMax: `smoke.demoAttemptsMax (${c.demoAttemptsMax}) was reached`,
      'retry-after': `a 429 announced no wait, or one beyond what smoke.demoWaitS (${waitS} s) left`,
    };
    const notTried = run.untried.length
      ? `${run.untried.length} pairs not tried (${why[run.stoppedBy ?? 'demoWaitS']}): ${byAddress(run.untried)}`
      : 'none';
    rec.detail('notTried', notTried);
    check(
      run.loggedIn.length === 0,
      `demo accounts log in: ${run.loggedIn.map((p) => `${p.email} (password "${p.password}")`).join(', ')}`,
    );
    covered(run.untried.length === 0, `${rec.actual}; ${notTried}`);
  });
}
