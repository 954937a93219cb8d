/** The tokens login hands out: lifetime, forged and expired tokens, weak signing secrets, refresh rotation, logout. */
import { test, skip, check, control, requireControl } from '../lib/fixtures.ts';
import { MAIN_USER, me, ok, userSession, withAccess, logout, refreshWith } from '../lib/auth.ts';
import { algNone, claims, expired, isJwt, tamper, weakSecretsThatVerify } from '../lib/jwt.ts';
import { loadPlan, secretFromEnv } from '../lib/plan.ts';
import { weakSecretList } from '../lib/wordlist.ts';
import { asControl } from '../lib/outcome.ts';
import { isRefused } from '../lib/refusal.ts';
import type { Res, Session } from '../../core/signin/http.ts';

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
