import { test, check, control, requireControl } from '../../lib/fixtures.ts';
import { login, ok, strongPassword, verifiedUser } from '../../lib/auth.ts';
import type { Api } from '../../lib/http.ts';
import type { SmokePlan } from '../../lib/plan.ts';
import { lockoutFinding, refineWith } from '../../lib/lockout.ts';
import { sharedKeysSection } from '../../lib/limit-checks.ts';

/** `failures` wrong passwords, then the right one: the statuses of the wrong ones and whether the right one was refused. */
async function failThenRight(api: Api, plan: SmokePlan, user: { email: string; password: string }, failures: number) {
  // The control: the right password logs this account in before any failure, so a refusal after them is the lock.
  const before = await requireControl('the right password before the failures', () =>
    login(api, plan, user.email, user.password),
  );
  control(before.session, `the right password did not log the account in before any failure (${before.res.status})`);
  const wrong: number[] = [];
  for (let i = 0; i < failures; i++) {
    const { res, session } = await login(api, plan, user.email, strongPassword());
    control(!session, 'a wrong password logged in');
    wrong.push(res.status);
  }
  const { res, session } = await login(api, plan, user.email, user.password);
  return { wrong, right: res.status, rightRefused: !session && !ok(res) };
}

// Destructive probe: runs after every other check, on accounts the suite registered itself.
test('[auth.lockout] repeated failed logins lock the account', async ({ api, plan, rec }) =>
  sharedKeysSection(plan, async () => {
    const n = plan.params.lockout.attempts;
    const user = await requireControl('an account of the suite', () => verifiedUser(api, plan, 'lockout'));
    const first = await failThenRight(api, plan, user, n);
    rec.expected = `after at most ${n} failed logins the right password is refused`;
    rec.actual = `${n} wrong passwords answered ${first.wrong.join(', ')}; then the right password answered ${first.right}`;
    // Where the lock began is only known from a right password after fewer failures, on a second account.
    const k = refineWith(first);
    let refined: { failures: number; rightRefused: boolean } | undefined;
    if (k !== undefined) {
      try {
        const second = await failThenRight(api, plan, await verifiedUser(api, plan, 'lockout-2'), k);
        refined = { failures: k, rightRefused: second.rightRefused };
        rec.actual += `; a second account: ${k} wrong passwords answered ${second.wrong.join(', ')}, then the right password answered ${second.right}`;
      } catch (e) {
        rec.actual += `; the second account that would pin the threshold down failed (${(e as Error).message}), so the count is an upper bound`;
      }
    }
    const f = lockoutFinding(first, refined);
    if (f.locked) {
      rec.actual += f.exact
        ? `: locked after exactly ${f.after} failed logins`
        : `: locked after at most ${f.after} failed logins`;
      rec.measure(
        'auth_lockout_attempts',
        { value: f.after },
        f.exact ? {} : { note: `locked after at most ${f.after} failed logins (upper bound)` },
      );
    } else {
      rec.measure(
        'auth_lockout_attempts',
        { value: f.notLockedAfter + 1 },
        { note: `not locked after ${n} failed logins (lower bound)` },
      );
    }
    check(f.locked, `after ${n} failed logins the right password still logs in (${first.right})`);
  }));
