import { test, check, control, requireControl } from '../../lib/fixtures.ts';
import { login, ok, strongPassword, verifiedUser } from '../../lib/auth.ts';

// Destructive probe: runs after every other check, on an account the suite registered itself.
test('[auth.lockout] repeated failed logins lock the account', async ({ api, plan, rec }) => {
  const n = plan.params.lockout.attempts;
  const user = await requireControl('an account of the suite', () => verifiedUser(api, plan, 'lockout'));
  const statuses: number[] = [];
  let lockedAfter: number | undefined;
  for (let i = 1; i <= n; i++) {
    const { res, session } = await login(api, plan, user.email, strongPassword());
    control(!session, 'a wrong password logged in');
    statuses.push(res.status);
    // A failure answered differently from the first one means the lock already holds.
    if (lockedAfter === undefined && i > 1 && res.status !== statuses[0]) lockedAfter = i - 1;
  }
  const { res, session } = await login(api, plan, user.email, user.password);
  const locked = !session && !ok(res);
  rec.actual = `${n} wrong passwords answered ${statuses.join(', ')}; then the right password answered ${res.status}`;
  rec.expected = `locked after at most ${n} failed logins`;
  rec.measure('auth_lockout_attempts', { value: locked ? (lockedAfter ?? n) : n + 1 }, locked ? {} : { note: `not locked after ${n} failed logins (lower bound)` });
  check(locked, `after ${n} failed logins the right password still logs in (${res.status})`);
});
