/** What registration accepts: the password policy and privileged fields. */
import { test, check, control } from '../lib/fixtures.ts';
import { ok, strongPassword, register, newEmail } from '../lib/auth.ts';
import { privilegedFields } from '../lib/mass-assignment.ts';
import { describeOutcome, judgeFields, type FieldOutcome } from '../lib/mass-split.ts';
import { groupProbe } from '../lib/mass-probe.ts';

// Independent checks: spread over the workers (shared sessions and accounts are locked, see state.ts).
test.describe.configure({ mode: 'parallel' });

/** Passwords of a given length with the given character classes. */
function pw(length: number, classes: { upper?: boolean; lower?: boolean; digit?: boolean; special?: boolean }): string {
  const pools = [
    classes.upper && 'QWERTZUPKM',
    classes.lower && 'qwertzupkm',
    classes.digit && '3579',
    classes.special && '#!%*',
  ].filter(Boolean) as string[];
  let s = '';
  for (let i = 0; s.length < length; i++) s += pools[i % pools.length]![(i * 7 + 3) % pools[i % pools.length]!.length];
  return s;
}

test('[auth.password-policy] weak passwords are refused at registration', async ({ api, plan, rec }) => {
  const p = plan.params.passwordPolicy;
  const all = { upper: p.upper, lower: p.lower, digit: p.digit, special: p.special };
  const long = Math.max(p.minLength, 16);
  let n = 0;
  const tryPw = async (password: string) =>
    (await register(api, plan, newEmail(plan, `pw${n++}-${Date.now() % 100000}`), password)).status;
  const good = await tryPw(pw(p.minLength, { upper: true, lower: true, digit: true, special: true }));
  control(
    good >= 200 && good < 300,
    `a password meeting the policy at ${p.minLength} characters was refused (${good})`,
  );
  const weak: Array<[string, string]> = [
    [`${p.minLength - 1} characters`, pw(p.minLength - 1, { upper: true, lower: true, digit: true, special: true })],
  ];
  if (p.upper) weak.push(['no uppercase', pw(long, { ...all, upper: false })]);
  if (p.lower) weak.push(['no lowercase', pw(long, { ...all, lower: false })]);
  if (p.digit) weak.push(['no digit', pw(long, { ...all, digit: false })]);
  if (p.special) weak.push(['no special character', pw(long, { ...all, special: false })]);
  const accepted: string[] = [];
  let shortest = p.minLength;
  for (const [label, password] of weak) {
    const status = await tryPw(password);
    if (status >= 200 && status < 300) accepted.push(label);
    if (label.endsWith('characters') && status < 300) {
      shortest = p.minLength - 1;
      for (const len of [8, 6, 4].filter((l) => l < shortest)) {
        const s = await tryPw(pw(len, { upper: true, lower: true, digit: true, special: true }));
        if (s >= 300) break;
        shortest = len;
      }
    }
  }
  // A policy-complete password is still accepted after the weak ones: their refusals were not a sign-up limit's.
  const after = await tryPw(pw(long, { upper: true, lower: true, digit: true, special: true }));
  control(
    after >= 200 && after < 300,
    `a password meeting the policy, sent after the weak ones, was refused (${after}): the refusals may come from a sign-up limit, not the policy`,
  );
  rec.measure(
    'auth_password_min_length',
    { value: shortest },
    { note: 'shortest policy-complete password accepted among those tried' },
  );
  rec.expected = `refused: ${weak.map(([l]) => l).join(', ')}`;
  rec.actual = accepted.length ? `accepted: ${accepted.join(', ')}` : 'all refused';
  check(accepted.length === 0, `registration accepted weak passwords: ${accepted.join(', ')}`);
});

test('[auth.mass-assignment] privileged fields sent at registration are ignored', async ({ api, plan, rec }) => {
  const { groupSize, maxRegistrations, refusalStatuses } = plan.config.massAssignment;
  const sent = privilegedFields(plan.config);
  // The plain registration is the control: a field refused alone proves something only once it is accepted.
  const base = await register(api, plan, newEmail(plan, 'massassign-base'), strongPassword());
  control(
    ok(base),
    `registering an account without privileged fields answered ${base.status}: a refused field would prove nothing`,
  );
  const settings = {
    registrations: 'smoke.massAssignment.maxRegistrations',
    refusalStatuses: 'smoke.massAssignment.refusalStatuses',
  };
  const limits = { groupSize, registrations: maxRegistrations - 1, refusalStatuses, settings };
  const { outcomes, registrations } = await judgeFields(sent, limits, groupProbe(api, plan, base, sent));
  rec.detail('registrations', registrations + 1);
  rec.detail('fields', outcomes);
  const lines = (k: FieldOutcome['outcome']) => outcomes.filter((o) => o.outcome === k).map(describeOutcome);
  const [taken, unjudged] = [lines('taken'), lines('unjudged')];
  rec.expected = 'every privileged field ignored or refused alone';
  rec.actual =
    (['taken', 'refused', 'unjudged', 'ignored'] as const).map((k) => `${lines(k).length} ${k}`).join(', ') +
    ` in ${registrations + 1} registrations`;
  check(taken.length === 0, `registration honoured privileged fields: ${taken.join('; ')}`);
  control(
    unjudged.length === 0,
    `${unjudged.length} of ${outcomes.length} privileged fields could not be judged: ${unjudged.join('; ')}`,
  );
});
