/** Logging in: every configured role gets in, and a failed login does not tell accounts apart. */
import { test, skip, check, control, requireControl, ControlFailed, CheckFailed } from '../lib/fixtures.ts';
import {
  MAIN_USER,
  verifiedUser,
  gaveCredential,
  login,
  me,
  ok,
  roleSession,
  strongPassword,
  newEmail,
} from '../lib/auth.ts';
import { loadPlan } from '../lib/plan.ts';
import { isRefused } from '../lib/refusal.ts';
import type { Res } from '../../core/signin/http.ts';

// Independent checks: spread over the workers (shared sessions and accounts are locked, see state.ts).
test.describe.configure({ mode: 'parallel' });

/** Refused as smoke.refusal.statuses defines it. */
const refused = (r: Res) => isRefused(r, loadPlan());

test('[auth.login-roles] each configured role can log in', async ({ api, plan, rec }) => {
  skip.notConfigured(plan.config.accounts.length === 0, 'no accounts configured (smoke.accounts)');
  for (const role of new Set(plan.config.accounts.map((a) => a.role))) {
    const session = await roleSession(api, plan, role).catch((e: unknown) => {
      if (e instanceof ControlFailed) throw new CheckFailed(e.message);
      throw e;
    });
    const r = await me(api, plan, session);
    check(ok(r), `${role}: the "me" route answered ${r.status} with the token login returned`);
  }
  rec.actual = 'every role logged in and reached the "me" route';
});

test('[auth.login-uniform-failure] wrong password and unknown user get the same answer', async ({ api, plan, rec }) => {
  // A fresh login with the right password: the login route works now, so the two refusals below are about the credentials.
  const user = await requireControl('a verified account of the suite', () => verifiedUser(api, plan, MAIN_USER));
  const right = await requireControl('login with the right password', () =>
    login(api, plan, user.email, user.password),
  );
  control(right.session, `the right password did not log in (${right.res.status})`);
  const wrong = await login(api, plan, user.email, strongPassword());
  const unknown = await login(api, plan, newEmail(plan, 'nobody-here'), strongPassword());
  check(!gaveCredential(wrong.res, plan) && !gaveCredential(unknown.res, plan), 'a failed login handed out a token');
  check(
    refused(wrong.res) && refused(unknown.res),
    `failed logins answered ${wrong.res.status} and ${unknown.res.status}`,
  );
  // Debug fields (stack traces) are config.debug-off's finding; enumeration is about the answer itself.
  const debugFields = new Set(plan.config.debugFields.map((f) => f.toLowerCase()));
  const norm = (r: Res, email: string) => {
    const body =
      r.json && typeof r.json === 'object' && !Array.isArray(r.json)
        ? JSON.stringify(Object.fromEntries(Object.entries(r.json).filter(([k]) => !debugFields.has(k.toLowerCase()))))
        : r.text;
    return body.split(email).join('<email>');
  };
  rec.actual = `wrong password: ${wrong.res.status}; unknown user: ${unknown.res.status}`;
  check(
    wrong.res.status === unknown.res.status,
    `wrong password answered ${wrong.res.status} but unknown user ${unknown.res.status}: accounts can be enumerated`,
  );
  check(
    norm(wrong.res, user.email) === norm(unknown.res, newEmail(plan, 'nobody-here')),
    'the bodies differ between wrong password and unknown user: accounts can be enumerated',
  );
});
