import {
  test,
  skip,
  check,
  control,
  controlAsFinding,
  requireControl,
  ControlFailed,
  CheckFailed,
} from '../lib/fixtures.ts';
import { gaveCredential, login, me, ok, registerAndReadMail, useVerification, type Registered } from '../lib/auth.ts';
import { shared, readState, writeState } from '../lib/state.ts';
import type { Api } from '../lib/http.ts';
import type { Res, Session } from '../../core/signin/http.ts';
import { isRefused } from '../lib/refusal.ts';
import { tokenFrom } from '../../core/signin/accounts.ts';
import { loadPlan, type SmokePlan } from '../lib/plan.ts';
import { randomTokenLike } from '../lib/mail.ts';
import { MailTimeoutError } from '../../core/mail/mailbox.ts';

/** Refused as smoke.refusal.statuses defines it. */
const refused = (r: Res) => isRefused(r, loadPlan());

/** One registration, read by every email check (a restarted worker reuses it). */
const pending = (api: Api, plan: SmokePlan) =>
  shared<Registered>('email-registration', () => registerAndReadMail(api, plan, 'email'));

/** The link-verifies result: verified once, remembered for the checks after it. */
async function verified(api: Api, plan: SmokePlan, reg: Registered): Promise<void> {
  if (readState('email-verified')) return;
  const r = await useVerification(api, plan, reg);
  control(ok(r), `the verification link answered ${r.status}`);
  writeState('email-verified', true);
}

test('[email.delivery] registration sends a verification mail in bounded time', async ({ api, plan, rec }) => {
  let reg: Registered;
  try {
    reg = await pending(api, plan);
  } catch (e) {
    if (e instanceof ControlFailed) throw e;
    // A mailbox timeout already names the mailbox, the recipient, the wait and what it saw.
    throw new CheckFailed(
      e instanceof MailTimeoutError
        ? e.message
        : `no verification mail within ${plan.config.verifyEmail.timeoutMs} ms (smoke.verifyEmail.timeoutMs): ${(e as Error).message}`,
    );
  }
  rec.measure('email_delivery_s', { value: reg.deliveryMs / 1000 });
  rec.detail('subject', reg.mail.subject);
  rec.actual = `delivered in ${(reg.deliveryMs / 1000).toFixed(2)} s`;
  check(reg.link || reg.token, 'the mail carries neither a verification link nor a token');
});

test('[email.unverified-blocked] an unverified user cannot log in or act', async ({ api, plan, rec }) => {
  const reg = await requireControl('registration and mail', () => pending(api, plan));
  skip.couldNotRun(Boolean(readState('email-verified')), 'the account was already verified in this run');
  // A credential handed out at registration must not work before verification either.
  const early = gaveCredential(reg.registerRes, plan) ? await registrationSession(api, plan, reg) : undefined;
  if (early) {
    const acted = await me(api, plan, early);
    check(
      !ok(acted),
      `the token the registration answer handed out answered ${acted.status} on the "me" route before the account was verified`,
    );
  }
  const { res, session } = await login(api, plan, reg.email, reg.password);
  rec.expected = 'login refused, no token';
  if (session) {
    const acted = await me(api, plan, session);
    check(false, `the unverified account logged in (${res.status}) and its token answered ${acted.status}`);
  }
  check(refused(res) && !gaveCredential(res, plan), `login of the unverified account answered ${res.status}`);
});

test('[email.link-verifies] the verification link verifies the account', async ({ api, plan, rec }) => {
  const reg = await requireControl('registration and mail', () => pending(api, plan));
  try {
    await verified(api, plan, reg);
  } catch (e) {
    throw controlAsFinding(e);
  }
  const { res, session } = await login(api, plan, reg.email, reg.password);
  rec.actual = `login after verification answered ${res.status}`;
  check(session, `the verified account cannot log in (${res.status})`);
});

test('[email.token-single-use] a verification token works once', async ({ api, plan, rec }) => {
  const reg = await requireControl('registration and mail', () => pending(api, plan));
  await requireControl('verification', () => verified(api, plan, reg));
  const again = await useVerification(api, plan, reg);
  rec.expected = 'the second use is refused';
  check(refused(again), `the used verification token answered ${again.status} again`);
});

test('[email.random-token-rejected] a random verification token is rejected', async ({ api, plan, rec }) => {
  const reg = await requireControl('registration and mail', () => pending(api, plan));
  // The route takes the genuine token (the mapping works), or its refusal of a random one proves nothing.
  await requireControl('verification', () => verified(api, plan, reg));
  const random = randomTokenLike(reg.token);
  let probe: { link?: string; token?: string } = { token: random };
  if (reg.link && reg.token) probe = { link: reg.link.split(reg.token).join(random), token: random };
  const r = await useVerification(api, plan, probe);
  rec.expected = '4xx';
  check(refused(r), `a random token answered ${r.status}`);
});

test('[email.token-not-exposed] the verification token never appears in an API response', async ({
  api,
  plan,
  rec,
}) => {
  const reg = await requireControl('registration and mail', () => pending(api, plan));
  control(reg.token, 'no verification token found in the mail to look for');
  const seen: Res[] = [reg.registerRes];
  const { res, session } = await login(api, plan, reg.email, reg.password);
  seen.push(res);
  if (session) seen.push(await me(api, plan, session));
  const leaks = seen.filter(
    (r) => r.text.includes(reg.token!) || Object.values(r.headers).some((h) => h.includes(reg.token!)),
  );
  rec.actual = leaks.length
    ? `token found in ${leaks.map((r) => `${r.method} ${new URL(r.url).pathname}`).join(', ')}`
    : 'not found in registration, login or profile responses';
  check(
    leaks.length === 0,
    `the verification token appears in ${leaks.map((r) => `${r.method} ${new URL(r.url).pathname}`).join(', ')}`,
  );
});

/** The session a registration answer handed out, read where login hands one out (smoke.login.token). */
async function registrationSession(_api: Api, plan: SmokePlan, reg: Registered): Promise<Session | undefined> {
  const access = tokenFrom(reg.registerRes, plan.config.login.token);
  return access
    ? { access, cookies: Object.fromEntries(reg.registerRes.setCookies.map((c) => [c.name, c.value])) }
    : undefined;
}
