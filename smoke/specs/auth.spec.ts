import { test, skip, check, control, requireControl, ControlFailed, CheckFailed } from '../lib/fixtures.ts';
import {
  MAIN_USER,
  SECOND_USER,
  verifiedUser,
  clientSession,
  gaveCredential,
  login,
  me,
  ok,
  roleSession,
  userSession,
  withAccess,
  strongPassword,
  register,
  newEmail,
  logout,
  refreshWith,
} from '../lib/auth.ts';
import { algNone, claims, expired, isJwt, tamper, weakSecretsThatVerify } from '../lib/jwt.ts';
import { FlowRun, NO_FLOW } from '../flow/run.ts';
import { counterpartyActor } from '../flow/actors.ts';
import { withFields } from '../lib/accounts.ts';
import { getPath } from '../lib/jsonpath.ts';
import { privilegedFields } from '../lib/mass-assignment.ts';
import { describeOutcome, judgeFields, type FieldOutcome } from '../lib/mass-split.ts';
import { groupProbe } from '../lib/mass-probe.ts';
import { loadPlan, secretFromEnv } from '../lib/plan.ts';
import { weakSecretList } from '../lib/wordlist.ts';
import { judgeRbac, type RbacCell } from '../lib/rbac.ts';
import { asControl } from '../lib/outcome.ts';
import { isRefused } from '../lib/refusal.ts';
import type { Res, Session } from '../lib/http.ts';

// Independent checks: spread over the workers (shared sessions and accounts are locked, see state.ts).
test.describe.configure({ mode: 'parallel' });

/** Refused as smoke.refusal.statuses defines it. */
const refused = (r: Res) => isRefused(r, loadPlan());

/**
 * For the checks that forge or mint JWTs. No token read at all is a gap in the login mapping; a token the platform
 * returned that is not a JWT (an opaque session id) has no header, claims or signature to forge: not applicable.
 */
function skipUnlessJwt(session: Session): void {
  skip.notConfigured(session.access === undefined, 'login returned no access token to read (smoke.login.token)');
  skip.notApplicable(
    !isJwt(session.access),
    'the access token is opaque, not a JWT: it has no header, claims or signature to forge',
  );
}

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

test('[auth.token-expiry] access token lifetime is within the KPI', async ({ api, plan, rec }) => {
  let { session } = await requireControl('login', () => userSession(api, plan, MAIN_USER));
  skip.couldNotRun(!isJwt(session.access), 'the access token is not a JWT: its lifetime cannot be read from exp - iat');
  // Without iat the lifetime is exp - now, which only a token issued now measures: a shared session may be minutes old.
  if (typeof claims(session.access!).iat !== 'number')
    ({ session } = await requireControl('a fresh login', () => userSession(api, plan, MAIN_USER, true)));
  const c = claims(session.access!);
  control(typeof c.exp === 'number', 'the access token has no exp claim');
  const lifetime = c.exp! - (typeof c.iat === 'number' ? c.iat : Math.floor(Date.now() / 1000));
  rec.measure('auth_access_token_lifetime_s', { value: lifetime });
  rec.expected = `exp - iat <= ${plan.params.tokenLifetimeMaxS} s`;
  rec.actual = `${lifetime} s`;
  check(
    lifetime <= plan.params.tokenLifetimeMaxS,
    `the access token lives ${lifetime} s, more than ${plan.params.tokenLifetimeMaxS} s`,
  );
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
  skipUnlessJwt(session);
  const r = await me(api, plan, withAccess(session, algNone(session.access!)));
  rec.expected = '401 or 403';
  check(refused(r), `an unsigned alg "none" token answered ${r.status}`);
});

test('[auth.tampered-rejected] a token with an escalated role is rejected', async ({ api, plan, rec }) => {
  const session = await tokenControl(api, plan);
  skipUnlessJwt(session);
  const admin = plan.config.roles.admin;
  const forged = withAccess(session, tamper(session.access!, plan.config.roleClaim, admin));
  // Judged on the "me" route, where the genuine token just worked: a refusal there is the signature check's.
  const r = await me(api, plan, forged);
  rec.expected = '401 or 403';
  check(
    refused(r),
    `a token with "${plan.config.roleClaim}" changed to "${admin}" and the old signature answered ${r.status} on the "me" route`,
  );
  // And on the admin route, when one is mapped and refuses anonymous callers: a forged admin claim must not open it.
  const adminRoute = plan.config.roleRoutes[admin]?.[0];
  if (adminRoute && refused(await api.send({ method: adminRoute.method, path: adminRoute.path }))) {
    const a = await api.send({ method: adminRoute.method, path: adminRoute.path, session: forged });
    check(
      refused(a),
      `a token with "${plan.config.roleClaim}" changed to "${admin}" and the old signature answered ${a.status} on ${adminRoute.method} ${adminRoute.path}`,
    );
  }
});

test('[auth.expired-rejected] an expired token is rejected', async ({ api, plan, rec }) => {
  const envName = plan.config.jwtSecretEnv;
  skip.notConfigured(!envName, 'needs the signing secret (smoke.jwtSecretEnv) to mint a validly signed expired token');
  const session = await tokenControl(api, plan);
  // An opaque token still expires; gonogo only cannot mint an expired one.
  skip.couldNotRun(!isJwt(session.access), 'the access token is not a JWT: gonogo cannot mint an expired one');
  const secret = secretFromEnv(envName!);
  const now = Math.floor(Date.now() / 1000);
  const claimsNow = claims(session.access!);
  // Control: a token minted with the same secret and a future exp must work, or our minting differs from the target's.
  const valid = await expired(session.access!, secret, { iat: now, exp: now + 300, base: claimsNow });
  const vr = await me(api, plan, withAccess(session, valid));
  control(
    ok(vr),
    `a token minted with the configured secret answered ${vr.status}: the secret does not match the target's`,
  );
  const r = await me(api, plan, withAccess(session, await expired(session.access!, secret)));
  rec.expected = '401 or 403 for a token that expired an hour ago';
  check(refused(r), `a token that expired an hour ago answered ${r.status}`);
});

test('[auth.weak-secret] tokens do not verify with a known weak secret', async ({ api, plan, rec }) => {
  const { session } = await requireControl('login', () => userSession(api, plan, MAIN_USER));
  skipUnlessJwt(session);
  const alg = String(
    (JSON.parse(Buffer.from(session.access!.split('.')[0]!, 'base64url').toString()) as { alg?: string }).alg,
  );
  // Only an HMAC secret can be guessed; an RS256 or ES256 token is signed with a private key no wordlist holds.
  skip.notApplicable(
    !/^HS(256|384|512)$/.test(alg),
    `the access token is signed with ${alg}, not a shared HMAC secret: no wordlist applies`,
  );
  const secrets = weakSecretList(plan.config);
  control(secrets.length > 0, 'the weak-secret wordlist is empty (smoke.weakSecretsFile, smoke.weakSecrets)');
  const hits = weakSecretsThatVerify(session.access!, secrets);
  rec.detail('secretsTried', secrets.length);
  rec.detail('wordlist', plan.config.weakSecretsFile ?? 'shipped (smoke/vocab/weak-secrets.txt)');
  rec.detail('alg', alg);
  check(hits.length === 0, `the access token verifies with a known weak secret (${hits.length} of ${secrets.length})`);
});

test('[auth.refresh-rotation] a used refresh token is rejected', async ({ api, plan, rec }) => {
  skip.notConfigured(
    !plan.config.login.refreshToken,
    'no refresh token mapping (smoke.login.refreshToken); a platform without refresh tokens declares the check in notApplicable',
  );
  const { session } = await requireControl('login', () => userSession(api, plan, 'refresh', true));
  control(session.refresh, 'login returned no refresh token');
  const first = await refreshWith(api, plan, session.refresh, session);
  control(ok(first), `refreshing with a fresh refresh token answered ${first.status}`);
  const again = await refreshWith(api, plan, session.refresh, session);
  rec.expected = 'the second use of the same refresh token is refused';
  check(refused(again), `reusing a refresh token answered ${again.status}`);
  // A fresh refresh token of another session still works afterwards: the refusal was the reuse's, not a refresh route
  // refusing now. (Not the rotated token of this session: reuse detection rightly revokes the whole family.)
  const { session: other } = await requireControl('a second login', () =>
    userSession(api, plan, 'refresh-control', true),
  );
  control(other.refresh, 'the second login returned no refresh token');
  const fine = await asControl(() => refreshWith(api, plan, other.refresh!, other));
  control(ok(fine), `after the reuse, a fresh refresh token of another session answered ${fine.status}`);
});

test('[auth.logout-revokes] logout ends the tokens it should (smoke.logout.revokes)', async ({ api, plan, rec }) => {
  const revokes = plan.config.logout.revokes;
  if (revokes.includes('refresh')) {
    control(
      plan.config.login.refreshToken,
      'smoke.logout.revokes names the refresh token, but login has no refresh token mapping (smoke.login.refreshToken)',
    );
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

test("[auth.rbac] the owner role cannot reach other roles' routes (smoke.roleRoutes)", async ({ api, plan, rec }) => {
  const clientRole = plan.config.roles.owner;
  const others = Object.entries(plan.config.roleRoutes).filter(([role]) => role !== clientRole);
  skip.notConfigured(others.length === 0, 'no role-restricted routes configured (smoke.roleRoutes)');
  const client = await requireControl(`login as ${clientRole}`, () => clientSession(api, plan, MAIN_USER));
  const withAccount = new Set(plan.config.accounts.map((a) => a.role));
  const cells: RbacCell[] = [];
  for (const [role, routes] of others) {
    for (const route of routes) {
      const roles = [role, ...route.allowedRoles];
      // The control: the first allowed role with a configured account must reach the route, or its refusal of the owner proves nothing.
      const controlRole = roles.find((r) => withAccount.has(r));
      const req = { method: route.method, path: route.path };
      let ctl: RbacCell['control'];
      if (controlRole) {
        const own = await requireControl(`login as ${controlRole}`, () => roleSession(api, plan, controlRole));
        const r = await asControl(() => api.send({ ...req, session: own }));
        ctl = { role: controlRole, status: r.status, ok: ok(r) };
      }
      const r = await api.send({ ...req, session: client });
      cells.push({
        route: `${route.method} ${route.path}`,
        roles,
        ...(ctl ? { control: ctl } : {}),
        owner: { status: r.status, refused: refused(r) },
      });
    }
  }
  const verdict = judgeRbac(cells);
  rec.detail(
    'routes',
    cells.map(
      (c) =>
        `${c.route}: ${c.control ? `${c.control.role} ${c.control.status}` : 'no control account'}, ${clientRole} ${c.owner.status}`,
    ),
  );
  if (verdict.outcome === 'fail') {
    rec.actual = `reached: ${verdict.reached.join(', ')}`;
    check(false, `a ${clientRole} reached ${verdict.reached.join(', ')}`);
  }
  control(verdict.outcome === 'pass', verdict.outcome === 'unproven' ? `unproven: ${verdict.unproven.join('; ')}` : '');
  rec.actual = `every restricted route refused the ${clientRole} and answered its own role (${cells.length} routes)`;
});

test("[auth.object-ownership] another user cannot read or change a user's order", async ({ api, plan, rec }) => {
  skip.notConfigured(!plan.config.escrow.steps, NO_FLOW);
  const owner = await requireControl('client login', () => clientSession(api, plan, MAIN_USER));
  // A setup step may be sent by the counterparty (looking up its own id): it joins when configured.
  const counterparty = await counterpartyActor(api, plan);
  const run = new FlowRun(api, plan, { owner: { session: owner }, ...(counterparty ? { counterparty } : {}) });
  await run.create();
  // The owner can change its own order through the same route: a route that refuses everyone proves nothing.
  await run.ownerUpdates();
  const other = await requireControl('a second client of the suite', () => userSession(api, plan, SECOND_USER));
  const read = await run.read(other);
  // The probe writes the field the config reads back (escrow.order.descriptionPath), nested as its path says.
  const patch = await run.update(
    withFields({}, { [plan.config.escrow.order.descriptionPath]: 'gonogo ownership probe' }),
    other,
  );
  const after = await run.read();
  control(ok(after.res), `the owner reading its own order answered ${after.res.status}`);
  rec.actual = `other user: read ${read.res.status}, change ${patch.status}`;
  check(refused(read.res), `another user read the order (${read.res.status})`);
  check(
    refused(patch) && getPath(after.res.json, plan.config.escrow.order.descriptionPath) !== 'gonogo ownership probe',
    `another user changed the order (${patch.status})`,
  );
});

test('[auth.openapi-sweep] every secured OpenAPI operation refuses anonymous calls', async ({ api, plan, rec }) => {
  skip.notConfigured(
    !plan.config.openapi,
    'no OpenAPI document configured (smoke.openapi); a platform that publishes none declares the check in notApplicable',
  );
  const { sweep, sessionPasses } = await import('../lib/openapi.ts');
  const { open, refused, unproven, called } = await sweep(api, plan, rec);
  // An empty sweep proves nothing: it is an error, not a pass.
  control(called > 0, 'the OpenAPI document declares no secured operation to call');
  rec.actual = `${called} secured operations called anonymously: ${open.length} answered 2xx, ${refused.length} refused, ${unproven.length} neither`;
  check(open.length === 0, `secured operations answer anonymous calls: ${open.join(', ')}`);
  const statuses = plan.config.openapiSweep.refusedStatuses.join('/');
  control(
    unproven.length === 0,
    `${unproven.length} of ${called} secured operations answered neither 2xx nor ${statuses} (smoke.openapiSweep.refusedStatuses), which proves nothing about their auth: ${unproven.slice(0, 10).join(', ')}${unproven.length > 10 ? ', ...' : ''}`,
  );
  const { session } = await requireControl('login', () => userSession(api, plan, MAIN_USER));
  const through = await asControl(() => sessionPasses(api, refused, session));
  control(
    through,
    `no secured GET operation answered 2xx with a genuine session (the first five tried): the anonymous refusals may come from routes that refuse everyone`,
  );
  rec.detail('sessionControl', `${through.op}: ${through.status} with a session`);
});
