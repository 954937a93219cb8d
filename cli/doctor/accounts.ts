import { login, newEmail, register, strongPassword, tokenFrom, useVerification } from '../../core/signin/accounts.ts';
import { readVerificationMail } from '../../smoke/lib/auth.ts';
import type { Session } from '../../core/signin/http.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { Throttled, Unreachable, type DoctorSender } from './sender.ts';
import type { OpenApiSource } from './doc-fields.ts';
import { bodyShape, describeToken, excerpt, is2xx, plain, routeKeys, sentOf, type Row } from './rows.ts';
import { routePath } from '../../smoke/routes.ts';

export interface Signed {
  email: string;
  session: Session;
}

/** Statuses that say the login request itself was not understood (no credential read where the mapping puts it). */
export const SHAPE_REFUSED = new Set([400, 401, 404, 405, 415, 422]);

/**
 * The login mapping keys a refused login points at: those the OpenAPI document contradicts when it declares the body,
 * else all three, with a field named otherwise than its smoke.register counterpart pointed out.
 */
async function loginFieldKeys(plan: SmokePlan, docs: OpenApiSource): Promise<string> {
  const l = plan.config.login;
  const wrong = await docs.contradictions(l.method, routePath(l.path, 'smoke.login.path'), {
    encodingKey: 'smoke.login.encoding',
    encoding: l.encoding,
    fields: { 'smoke.login.emailField': l.emailField, 'smoke.login.passwordField': l.passwordField },
  });
  if (wrong.length) return wrong.join('; ');
  const r = plan.config.register;
  const keys = ['smoke.login.emailField', 'smoke.login.passwordField', 'smoke.login.encoding'];
  const hints = [
    l.emailField !== r.emailField
      ? `smoke.login.emailField is "${l.emailField}", smoke.register.emailField "${r.emailField}"`
      : '',
    l.passwordField !== r.passwordField
      ? `smoke.login.passwordField is "${l.passwordField}", smoke.register.passwordField "${r.passwordField}"`
      : '',
  ].filter(Boolean);
  return `${keys.join(', ')}${hints.length ? ` (${hints.join('; ')})` : ''}`;
}

/** One login, judged: 2xx and the token (and refresh token, when mapped) where smoke.login says they come back. */
export async function loginRow(
  api: DoctorSender,
  plan: SmokePlan,
  docs: OpenApiSource,
  step: string,
  email: string,
  password: string,
  own: boolean,
  accountKey?: string,
): Promise<{ row: Row; session: Session | null; status: number }> {
  const l = plan.config.login;
  const expected = `2xx, token at ${describeToken(l.token)}${l.refreshToken ? `, refresh token at ${describeToken(l.refreshToken)}` : ''}`;
  const { res, session } = await login(api, plan, email, password);
  const base = { step, sent: sentOf(res), expected };
  if (!is2xx(res.status)) {
    // The doctor's own account was just registered and verified with this password: a refusal is the mapping's.
    const fields =
      SHAPE_REFUSED.has(res.status) && res.status !== 404 && res.status !== 405 ? await loginFieldKeys(plan, docs) : '';
    const key = SHAPE_REFUSED.has(res.status)
      ? routeKeys(res.status, 'smoke.login', {
          body: fields,
          auth: own ? fields : `${accountKey} (email, or the password in its passwordEnv), or ${fields}`,
        })
      : own
        ? 'smoke.login'
        : `${accountKey} (the account is locked, unverified or not allowed to log in)`;
    return {
      row: { ...base, status: 'fail', answered: `${res.status} ${excerpt(res, 80)}`, key },
      session: null,
      status: res.status,
    };
  }
  if (!session)
    return {
      row: {
        ...base,
        status: 'fail',
        answered: `${res.status}, no token at ${describeToken(l.token)}; ${bodyShape(res)}`,
        key: 'smoke.login.token',
      },
      session: null,
      status: res.status,
    };
  if (l.refreshToken && !session.refresh) {
    return {
      row: {
        ...base,
        status: 'fail',
        answered: `${res.status}, token found, no refresh token at ${describeToken(l.refreshToken)}; ${bodyShape(res)}`,
        key: 'smoke.login.refreshToken',
      },
      session,
      status: res.status,
    };
  }
  return {
    row: {
      ...base,
      status: 'ok',
      answered: `${res.status}, token found${session.refresh ? ', refresh token found' : ''}`,
    },
    session,
    status: res.status,
  };
}

/**
 * The doctor's own throwaway account, as the smoke suite makes its own: register, the verification mail in the
 * configured mailbox, verify. Returns the rows and the credentials when the account is usable.
 */
export async function ownAccount(
  api: DoctorSender,
  plan: SmokePlan,
  docs: OpenApiSource,
): Promise<{ rows: Row[]; account?: { email: string; password: string } }> {
  const rows: Row[] = [];
  const r = plan.config.register;
  const v = plan.config.verifyEmail;
  const email = newEmail(plan, 'doctor');
  const password = strongPassword();
  const since = Date.now();
  const res = await register(api, plan, email, password);
  if (!is2xx(res.status)) {
    const mapped = {
      'smoke.register.emailField': r.emailField,
      'smoke.register.passwordField': r.passwordField,
      ...Object.fromEntries(Object.keys(r.extraFields).map((k) => [`smoke.register.extraFields.${k}`, k])),
    };
    const wrong =
      res.status === 400 || res.status === 415 || res.status === 422
        ? await docs.contradictions(r.method, routePath(r.path, 'smoke.register.path'), {
            encodingKey: 'smoke.register.encoding',
            encoding: r.encoding,
            fields: mapped,
          })
        : [];
    const fields = wrong.length
      ? wrong.join('; ')
      : 'smoke.register.emailField, smoke.register.passwordField, smoke.register.extraFields, smoke.register.encoding';
    rows.push({
      step: 'register (own account)',
      status: 'fail',
      sent: sentOf(res),
      answered: `${res.status} ${excerpt(res, 80)}`,
      expected: '2xx',
      key: routeKeys(res.status, 'smoke.register', { body: fields }),
    });
    return { rows };
  }
  rows.push({
    step: 'register (own account)',
    status: 'ok',
    sent: sentOf(res),
    answered: String(res.status),
    expected: '2xx',
  });
  let mail;
  try {
    mail = await readVerificationMail(plan, email, since);
  } catch (e) {
    rows.push({
      step: 'verification mail',
      status: 'fail',
      sent: '-',
      answered: (e as Error).message,
      expected: `a mail to the new address within ${v.timeoutMs} ms`,
      key: 'smoke.mailbox (or smoke.verifyEmail.timeoutMs)',
    });
    return { rows };
  }
  const found = v.mode === 'link' ? mail.link : mail.token;
  const wanted =
    v.mode === 'link'
      ? `a link matching /${v.linkPattern}/`
      : v.tokenPattern
        ? `a token matching /${v.tokenPattern}/`
        : 'a link with a token query parameter';
  rows.push({
    step: 'verification mail',
    status: found ? 'ok' : 'fail',
    sent: '-',
    expected: `mail within ${v.timeoutMs} ms with ${wanted}`,
    answered: `arrived after ${mail.deliveryMs} ms${found ? `, ${v.mode === 'link' ? 'link' : 'token'} found` : `, no ${v.mode === 'link' ? 'link' : 'token'} found (${mail.mail.links.length} links in it)`}`,
    ...(found ? {} : { key: v.mode === 'link' ? 'smoke.verifyEmail.linkPattern' : 'smoke.verifyEmail.tokenPattern' }),
  });
  if (!found) return { rows };
  let verified;
  try {
    verified = await useVerification(api, plan, mail);
  } catch (e) {
    if (e instanceof Throttled || e instanceof Unreachable) throw e;
    // A link to a host that is not the target's: the doctor does not follow it.
    rows.push({
      step: 'verify email',
      status: 'fail',
      sent: '-',
      answered: plain(e),
      expected: "a link on the target's hosts",
      key: 'target.allowedHosts (or smoke.verifyEmail.linkPattern)',
    });
    return { rows };
  }
  const ok = is2xx(verified.status) || (v.mode === 'link' && verified.status >= 300 && verified.status < 400);
  rows.push({
    step: 'verify email',
    status: ok ? 'ok' : 'fail',
    sent: sentOf(verified),
    answered: ok ? String(verified.status) : `${verified.status} ${excerpt(verified, 80)}`,
    expected: v.mode === 'link' ? '2xx or a redirect' : '2xx',
    ...(ok
      ? {}
      : {
          key:
            v.mode === 'link'
              ? 'smoke.verifyEmail.linkPattern'
              : routeKeys(verified.status, 'smoke.verifyEmail', {
                  body: 'smoke.verifyEmail.tokenField (or smoke.verifyEmail.tokenPattern)',
                }),
        }),
  });
  return ok ? { rows, account: { email, password } } : { rows };
}

/** The tokens a refresh answer hands back, where smoke.login says tokens come back; the session keeps what it had otherwise. */
export function refreshed(plan: SmokePlan, session: Session, res: Parameters<typeof tokenFrom>[0]): Session {
  const access = tokenFrom(res, plan.config.login.token);
  const refresh = plan.config.login.refreshToken ? tokenFrom(res, plan.config.login.refreshToken) : undefined;
  return { ...session, ...(access ? { access } : {}), ...(refresh ? { refresh } : {}) };
}
