import { test, check, control, requireControl, ControlFailed, CheckFailed } from '../lib/fixtures.ts';
import { MAIN_USER, SECOND_USER, clientSession, gaveCredential, login, me, ok, roleSession, userSession, withAccess, strongPassword, register, newEmail, logout, refreshWith } from '../lib/auth.ts';
import { algNone, claims, expired, isJwt, tamper, weakSecretsThatVerify } from '../lib/jwt.ts';
import { FlowRun, NO_FLOW } from '../flow/run.ts';
import { withFields } from '../lib/accounts.ts';
import { getPath } from '../lib/jsonpath.ts';
import { privilegedFields } from '../lib/mass-assignment.ts';
import { describeOutcome, judgeFields, type FieldOutcome } from '../lib/mass-split.ts';
import { groupProbe } from '../lib/mass-probe.ts';
import { fillPath } from '../lib/template.ts';
import { secretFromEnv } from '../lib/plan.ts';
import { weakSecretList } from '../lib/wordlist.ts';
import { demoPairs } from '../lib/demo.ts';
import type { Res } from '../lib/http.ts';


// Independent checks: spread over the workers (shared sessions and accounts are locked, see state.ts).
test.describe.configure({ mode: 'parallel' });

const refused = (r: Res) => r.status >= 400 && r.status !== 429;

test('[auth.login-roles] each configured role can log in', async ({ api, plan, rec }) => {
  test.skip(plan.config.accounts.length === 0, 'no accounts configured (smoke.accounts)');
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
  const user = await requireControl('a verified account of the suite', () => userSession(api, plan, MAIN_USER));
  const wrong = await login(api, plan, user.email, strongPassword());
  const unknown = await login(api, plan, newEmail(plan, 'nobody-here'), strongPassword());
  check(!gaveCredential(wrong.res, plan) && !gaveCredential(unknown.res, plan), 'a failed login handed out a token');
  check(refused(wrong.res) && refused(unknown.res), `failed logins answered ${wrong.res.status} and ${unknown.res.status}`);
  // Debug fields (stack traces) are config.debug-off's finding; enumeration is about the answer itself.
  const debugFields = new Set(plan.config.debugFields.map((f) => f.toLowerCase()));
  const norm = (r: Res, email: string) => {
    const body = r.json && typeof r.json === 'object' && !Array.isArray(r.json)
      ? JSON.stringify(Object.fromEntries(Object.entries(r.json).filter(([k]) => !debugFields.has(k.toLowerCase()))))
      : r.text;
    return body.split(email).join('<email>');
  };
  rec.actual = `wrong password: ${wrong.res.status}; unknown user: ${unknown.res.status}`;
  check(wrong.res.status === unknown.res.status, `wrong password answered ${wrong.res.status} but unknown user ${unknown.res.status}: accounts can be enumerated`);
  check(norm(wrong.res, user.email) === norm(unknown.res, newEmail(plan, 'nobody-here')), 'the bodies differ between wrong password and unknown user: accounts can be enumerated');
});

test('[auth.token-expiry] access token lifetime is within the KPI', async ({ api, plan, rec }) => {
  const { session } = await requireControl('login', () => userSession(api, plan, MAIN_USER));
  test.skip(!isJwt(session.access), 'the access token is not a JWT: its lifetime cannot be read from exp - iat');
  const c = claims(session.access!);
  control(typeof c.exp === 'number', 'the access token has no exp claim');
  const lifetime = c.exp! - (typeof c.iat === 'number' ? c.iat : Math.floor(Date.now() / 1000));
  rec.measure('auth_access_token_lifetime_s', { value: lifetime });
  rec.expected = `exp - iat <= ${plan.params.tokenLifetimeMaxS} s`;
  rec.actual = `${lifetime} s`;
  check(lifetime <= plan.params.tokenLifetimeMaxS, `the access token lives ${lifetime} s, more than ${plan.params.tokenLifetimeMaxS} s`);
});

/** The real token works on the "me" route: without that, a rejected forgery proves nothing. */
async function tokenControl(api: Parameters<typeof me>[0], plan: Parameters<typeof me>[1]) {
  const { session } = await requireControl('login', () => userSession(api, plan, MAIN_USER));
  const r = await me(api, plan, session);
  control(ok(r), `the genuine token answered ${r.status} on the "me" route`);
  return session;
}

test('[auth.alg-none-rejected] a token with alg none is rejected', async ({ api, plan, rec }) => {
  const session = await tokenControl(api, plan);
  test.skip(!isJwt(session.access), 'the access token is not a JWT');
  const r = await me(api, plan, withAccess(session, algNone(session.access!)));
  rec.expected = '401 or 403';
  check(refused(r), `an unsigned alg "none" token answered ${r.status}`);
});

test('[auth.tampered-rejected] a token with an escalated role is rejected', async ({ api, plan, rec }) => {
  const session = await tokenControl(api, plan);
  test.skip(!isJwt(session.access), 'the access token is not a JWT');
  const admin = plan.config.roles.admin;
  const forged = withAccess(session, tamper(session.access!, plan.config.roleClaim, admin));
  let adminRoute = plan.config.roleRoutes[admin]?.[0];
  // The admin route only discriminates a forged token if it refuses anonymous callers; otherwise the "me" route does.
  if (adminRoute && !refused(await api.send({ ...adminRoute }))) adminRoute = undefined;
  const r = adminRoute ? await api.send({ ...adminRoute, session: forged }) : await me(api, plan, forged);
  rec.expected = '401 or 403';
  check(refused(r), `a token with "${plan.config.roleClaim}" changed to "${admin}" and the old signature answered ${r.status}`);
});

test('[auth.expired-rejected] an expired token is rejected', async ({ api, plan, rec }) => {
  const envName = plan.config.jwtSecretEnv;
  test.skip(!envName, 'needs the signing secret (smoke.jwtSecretEnv) to mint a validly signed expired token');
  const session = await tokenControl(api, plan);
  test.skip(!isJwt(session.access), 'the access token is not a JWT');
  const secret = secretFromEnv(envName!);
  const now = Math.floor(Date.now() / 1000);
  const claimsNow = claims(session.access!);
  // Control: a token minted with the same secret and a future exp must work, or our minting differs from the target's.
  const valid = await expired(session.access!, secret, { iat: now, exp: now + 300, base: claimsNow });
  const vr = await me(api, plan, withAccess(session, valid));
  control(ok(vr), `a token minted with the configured secret answered ${vr.status}: the secret does not match the target's`);
  const r = await me(api, plan, withAccess(session, await expired(session.access!, secret)));
  rec.expected = '401 or 403 for a token that expired an hour ago';
  check(refused(r), `a token that expired an hour ago answered ${r.status}`);
});

test('[auth.weak-secret] tokens do not verify with a known weak secret', async ({ api, plan, rec }) => {
  const { session } = await requireControl('login', () => userSession(api, plan, MAIN_USER));
  test.skip(!isJwt(session.access), 'the access token is not a JWT');
  const secrets = weakSecretList(plan.config);
  const hits = weakSecretsThatVerify(session.access!, secrets);
  rec.detail('secretsTried', secrets.length);
  rec.detail('wordlist', plan.config.weakSecretsFile ?? 'shipped (smoke/vocab/weak-secrets.txt)');
  rec.detail('alg', String((JSON.parse(Buffer.from(session.access!.split('.')[0]!, 'base64url').toString()) as { alg?: string }).alg));
  check(hits.length === 0, `the access token verifies with a known weak secret (${hits.length} of ${secrets.length})`);
});

test('[auth.refresh-rotation] a used refresh token is rejected', async ({ api, plan, rec }) => {
  test.skip(!plan.config.login.refreshToken, 'no refresh token mapping (smoke.login.refreshToken)');
  const { session } = await requireControl('login', () => userSession(api, plan, 'refresh', true));
  control(session.refresh, 'login returned no refresh token');
  const first = await refreshWith(api, plan, session.refresh, session);
  control(ok(first), `refreshing with a fresh refresh token answered ${first.status}`);
  const again = await refreshWith(api, plan, session.refresh, session);
  rec.expected = 'the second use of the same refresh token is refused';
  check(refused(again), `reusing a refresh token answered ${again.status}`);
});

test('[auth.logout-revokes] logout ends the tokens it should (smoke.logout.revokes)', async ({ api, plan, rec }) => {
  const revokes = plan.config.logout.revokes;
  if (revokes.includes('refresh')) {
    control(plan.config.login.refreshToken, 'smoke.logout.revokes names the refresh token, but login has no refresh token mapping (smoke.login.refreshToken)');
    // The positive control: a refresh token of a session that did not log out is accepted.
    const { session: other } = await requireControl('login', () => userSession(api, plan, 'logout-control', true));
    control(other.refresh, 'login returned no refresh token');
    const fine = await refreshWith(api, plan, other.refresh, other);
    control(ok(fine), `refreshing with a fresh refresh token answered ${fine.status}`);
  }
  const { session } = await requireControl('login', () => userSession(api, plan, 'logout', true));
  const before = await me(api, plan, session);
  control(ok(before), `the fresh token answered ${before.status} on the "me" route`);
  if (revokes.includes('refresh')) control(session.refresh, 'login returned no refresh token');
  const out = await logout(api, plan, session);
  control(ok(out), `logout answered ${out.status}`);
  rec.expected = `401 or 403 after logout for the ${revokes.map((r) => `${r} token`).join(' and the ')}`;
  const kept: string[] = [];
  if (revokes.includes('access')) {
    const after = await me(api, plan, session);
    if (!refused(after)) kept.push(`the access token still answers ${after.status} on the "me" route`);
  }
  if (revokes.includes('refresh')) {
    const after = await refreshWith(api, plan, session.refresh!, session);
    if (!refused(after)) kept.push(`the refresh token still answers ${after.status} on the refresh route`);
  }
  check(kept.length === 0, `after logout ${kept.join('; ')}`);
});

/** Passwords of a given length with the given character classes. */
function pw(length: number, classes: { upper?: boolean; lower?: boolean; digit?: boolean; special?: boolean }): string {
  const pools = [classes.upper && 'QWERTZUPKM', classes.lower && 'qwertzupkm', classes.digit && '3579', classes.special && '#!%*'].filter(Boolean) as string[];
  let s = '';
  for (let i = 0; s.length < length; i++) s += pools[i % pools.length]![(i * 7 + 3) % pools[i % pools.length]!.length];
  return s;
}

test('[auth.password-policy] weak passwords are refused at registration', async ({ api, plan, rec }) => {
  const p = plan.params.passwordPolicy;
  const all = { upper: p.upper, lower: p.lower, digit: p.digit, special: p.special };
  const long = Math.max(p.minLength, 16);
  let n = 0;
  const tryPw = async (password: string) => (await register(api, plan, newEmail(plan, `pw${n++}-${Date.now() % 100000}`), password)).status;
  const good = await tryPw(pw(p.minLength, { upper: true, lower: true, digit: true, special: true }));
  control(good >= 200 && good < 300, `a password meeting the policy at ${p.minLength} characters was refused (${good})`);
  const weak: Array<[string, string]> = [[`${p.minLength - 1} characters`, pw(p.minLength - 1, { upper: true, lower: true, digit: true, special: true })]];
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
  rec.measure('auth_password_min_length', { value: shortest }, { note: 'shortest policy-complete password accepted among those tried' });
  rec.expected = `refused: ${weak.map(([l]) => l).join(', ')}`;
  rec.actual = accepted.length ? `accepted: ${accepted.join(', ')}` : 'all refused';
  check(accepted.length === 0, `registration accepted weak passwords: ${accepted.join(', ')}`);
});

test('[auth.mass-assignment] privileged fields sent at registration are ignored', async ({ api, plan, rec }) => {
  const { groupSize, maxRegistrations, refusalStatuses } = plan.config.massAssignment;
  const sent = privilegedFields(plan.config);
  // The plain registration is the control: a field refused alone proves something only once it is accepted.
  const base = await register(api, plan, newEmail(plan, 'massassign-base'), strongPassword());
  control(ok(base), `registering an account without privileged fields answered ${base.status}: a refused field would prove nothing`);
  const settings = { registrations: 'smoke.massAssignment.maxRegistrations', refusalStatuses: 'smoke.massAssignment.refusalStatuses' };
  const limits = { groupSize, registrations: maxRegistrations - 1, refusalStatuses, settings };
  const { outcomes, registrations } = await judgeFields(sent, limits, groupProbe(api, plan, base, sent));
  rec.detail('registrations', registrations + 1);
  rec.detail('fields', outcomes);
  const lines = (k: FieldOutcome['outcome']) => outcomes.filter((o) => o.outcome === k).map(describeOutcome);
  const [taken, unjudged] = [lines('taken'), lines('unjudged')];
  rec.expected = 'every privileged field ignored or refused alone';
  rec.actual = (['taken', 'refused', 'unjudged', 'ignored'] as const).map((k) => `${lines(k).length} ${k}`).join(', ') + ` in ${registrations + 1} registrations`;
  check(taken.length === 0, `registration honoured privileged fields: ${taken.join('; ')}`);
  control(unjudged.length === 0, `${unjudged.length} of ${outcomes.length} privileged fields could not be judged: ${unjudged.join('; ')}`);
});

test("[auth.rbac] the owner role cannot reach other roles' routes (smoke.roleRoutes)", async ({ api, plan, rec }) => {
  const clientRole = plan.config.roles.owner;
  const others = Object.entries(plan.config.roleRoutes).filter(([role]) => role !== clientRole);
  test.skip(others.length === 0, 'no role-restricted routes configured (smoke.roleRoutes)');
  const client = await requireControl(`login as ${clientRole}`, () => clientSession(api, plan, MAIN_USER));
  const reached: string[] = [];
  for (const [role, routes] of others) {
    const own = plan.config.accounts.some((a) => a.role === role) ? await requireControl(`login as ${role}`, () => roleSession(api, plan, role)) : undefined;
    for (const route of routes) {
      if (own) {
        const r = await api.send({ ...route, session: own });
        control(ok(r), `${role} itself answered ${r.status} on ${route.path}`);
      }
      const r = await api.send({ ...route, session: client });
      if (!refused(r)) reached.push(`${route.method} ${route.path} (${r.status})`);
    }
  }
  rec.actual = reached.length ? `reached: ${reached.join(', ')}` : 'every restricted route refused the client';
  check(reached.length === 0, `a ${clientRole} reached ${reached.join(', ')}`);
});

test("[auth.object-ownership] another user cannot read or change a user's order", async ({ api, plan, rec }) => {
  test.skip(!plan.config.escrow.steps, NO_FLOW);
  const owner = await requireControl('client login', () => clientSession(api, plan, MAIN_USER));
  const run = new FlowRun(api, plan, { owner: { session: owner } });
  await run.create();
  const other = await requireControl('a second client of the suite', () => userSession(api, plan, SECOND_USER));
  const read = await run.read(other);
  // The probe writes the field the config reads back (escrow.order.descriptionPath), nested as its path says.
  const patch = await run.update(withFields({}, { [plan.config.escrow.order.descriptionPath]: 'gonogo ownership probe' }), other);
  const after = await run.read();
  control(ok(after.res), `the owner reading its own order answered ${after.res.status}`);
  rec.actual = `other user: read ${read.res.status}, change ${patch.status}`;
  check(refused(read.res), `another user read the order (${read.res.status})`);
  check(refused(patch) && getPath(after.res.json, plan.config.escrow.order.descriptionPath) !== 'gonogo ownership probe', `another user changed the order (${patch.status})`);
});

test('[auth.no-demo-accounts] demo accounts cannot log in', async ({ api, plan, rec }) => {
  const { demoAccounts, demoPasswords, demoAttemptsMax } = plan.config;
  const perAccount = Math.max(1, plan.params.lockout.attempts - 1);
  const { tried, untried } = demoPairs(demoAccounts, demoPasswords, demoAttemptsMax, perAccount);
  const logged: string[] = [];
  const done = new Set<string>();
  for (const { email, password } of tried) {
    if (done.has(email)) continue;
    // The demo passwords are a public list, not secrets: registering them would mask words like "password" in every report.
    const { res } = await login(api, plan, email, password, { publicPassword: true });
    if (ok(res) || gaveCredential(res, plan)) { done.add(email); logged.push(`${email} (password "${password}")`); }
  }
  const pair = (p: { email: string; password: string }) => `${p.email} / ${p.password}`;
  rec.detail('tried', tried.map(pair));
  rec.detail('notTried', untried.length ? `${untried.length} pairs beyond smoke.demoAttemptsMax (${demoAttemptsMax}) or ${perAccount} per account: ${untried.slice(0, 10).map(pair).join(', ')}${untried.length > 10 ? ', ...' : ''}` : 'none');
  rec.actual = `${tried.length} of ${tried.length + untried.length} account/password pairs tried`;
  check(logged.length === 0, `demo accounts log in: ${logged.join(', ')}`);
});

test('[auth.openapi-sweep] every secured OpenAPI operation refuses anonymous calls', async ({ api, plan, rec }) => {
  test.skip(!plan.config.openapi, 'no OpenAPI document configured (smoke.openapi)');
  const { sweep } = await import('../lib/openapi.ts');
  const { open, called } = await sweep(api, plan, rec);
  // An empty sweep proves nothing: it is an error, not a pass.
  control(called > 0, 'the OpenAPI document declares no secured operation to call');
  check(open.length === 0, `secured operations answer anonymous calls: ${open.join(', ')}`);
});

