import { refreshWith, logout } from '../../smoke/lib/auth.ts';
import type { Session } from '../../core/signin/http.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import type { Limiter, LimiterName } from '../../core/signin/limits.ts';
import { fillTemplate } from '../../core/template.ts';
import { Throttled, Unreachable, type DoctorSender } from './sender.ts';
import type { OpenApiSource } from './doc-fields.ts';
import { refreshed } from './accounts.ts';
import { excerpt, is2xx, plain, routeKeys, sentOf, type Row } from './rows.ts';
import { routePath } from '../../smoke/routes.ts';

const notSent = (step: string, why: string): Row => ({
  step,
  status: 'skip',
  sent: '-',
  expected: '',
  answered: `not sent: ${why}`,
});
const NO_SESSION = 'no session (see the logins above)';
/** A step's own error (a template naming a token the session lacks): its row, unless the walk must stop. */
const failed =
  (step: string, key: string) =>
  (e: unknown): Row => {
    if (e instanceof Throttled || e instanceof Unreachable) throw e;
    return { step, status: 'fail', sent: '-', expected: 'the request is sent', answered: plain(e), key };
  };

/** `me` with the session: 2xx. */
export async function meRow(
  api: DoctorSender,
  plan: SmokePlan,
  rows: Row[],
  session: Session | undefined,
): Promise<void> {
  if (!session) {
    rows.push(notSent('me', NO_SESSION));
    return;
  }
  const res = await api.send({
    method: plan.config.me.method,
    path: routePath(plan.config.me.path, 'smoke.me.path'),
    session,
  });
  const ok = is2xx(res.status);
  rows.push({
    step: 'me',
    status: ok ? 'ok' : 'fail',
    sent: sentOf(res),
    answered: ok ? String(res.status) : `${res.status} ${excerpt(res, 80)}`,
    expected: '2xx with the session',
    ...(ok ? {} : { key: routeKeys(res.status, 'smoke.me', { auth: 'smoke.login.send (how the token is carried)' }) }),
  });
}

/** The session's refresh token used once: 2xx; the tokens it hands back replace the session's (a rotated refresh token is the one logout needs). */
export async function refreshRow(
  api: DoctorSender,
  plan: SmokePlan,
  rows: Row[],
  session: Session | undefined,
): Promise<Session | undefined> {
  if (!plan.config.login.refreshToken) {
    rows.push({
      ...notSent('refresh', ''),
      answered: 'not mapped (smoke.login.refreshToken): the refresh checks skip',
    });
    return session;
  }
  if (!session?.refresh) {
    rows.push(notSent('refresh', 'no session with a refresh token (see the logins above)'));
    return session;
  }
  let res;
  try {
    res = await refreshWith(api, plan, session.refresh, session);
  } catch (e) {
    rows.push(failed('refresh', 'smoke.refresh.body')(e));
    return session;
  }
  const ok = is2xx(res.status);
  rows.push({
    step: 'refresh',
    status: ok ? 'ok' : 'fail',
    sent: sentOf(res),
    answered: ok ? String(res.status) : `${res.status} ${excerpt(res, 80)}`,
    expected: '2xx',
    ...(ok
      ? {}
      : {
          key: routeKeys(res.status, 'smoke.refresh', {
            body: 'smoke.refresh.field (or .body, .cookie, .encoding)',
            auth: 'smoke.refresh.field (or .body, .cookie)',
          }),
        }),
  });
  return ok ? refreshed(plan, session, res) : session;
}

/** Logout, last: 2xx or a redirect. */
export async function logoutRow(
  api: DoctorSender,
  plan: SmokePlan,
  rows: Row[],
  session: Session | undefined,
): Promise<void> {
  if (!session) {
    rows.push(notSent('logout', NO_SESSION));
    return;
  }
  let res;
  try {
    res = await logout(api, plan, session);
  } catch (e) {
    rows.push(failed('logout', 'smoke.logout.body')(e));
    return;
  }
  const ok = is2xx(res.status) || (res.status >= 300 && res.status < 400);
  rows.push({
    step: 'logout',
    status: ok ? 'ok' : 'fail',
    sent: sentOf(res),
    answered: ok ? String(res.status) : `${res.status} ${excerpt(res, 80)}`,
    expected: '2xx or a redirect',
    ...(ok
      ? {}
      : {
          key: routeKeys(res.status, 'smoke.logout', {
            body: 'smoke.logout.body (or .encoding)',
            auth: 'smoke.logout.body, or smoke.login.send',
          }),
        }),
  });
}

const METHODS_SENDING_BODY = new Set(['POST', 'PUT', 'PATCH']);
const per = (k: Limiter['key']) => (k === 'user' ? 'per user' : 'per address');
const RATE_HEADERS = /^(x-)?rate-?limit|^retry-after$/i;

/** Each limited route once (the login limiter's first answer is the logins' own): the route exists and lets a first request through. */
export async function limitRows(
  api: DoctorSender,
  plan: SmokePlan,
  limiters: Record<LimiterName, Limiter>,
  rows: Row[],
  session: Session | undefined,
  account: { email?: string; password?: string },
): Promise<void> {
  for (const name of ['api', 'anonymous'] as const) {
    const l = limiters[name];
    const configured = name === 'api' || plan.config.ratelimit.anonymous;
    const key = configured
      ? `smoke.ratelimit.${name}`
      : 'smoke.ratelimit.api (smoke.ratelimit.anonymous defaults to its route)';
    const step = `limit ${name} (${per(l.key)})`;
    const withSession = l.key === 'user';
    if (withSession && !session) {
      rows.push(notSent(step, NO_SESSION));
      continue;
    }
    const body =
      l.body && METHODS_SENDING_BODY.has(l.method.toUpperCase())
        ? fillTemplate(l.body, { email: account.email ?? '', password: account.password ?? '' })
        : undefined;
    const res = await api.send({
      method: l.method,
      path: l.path,
      ...(withSession ? { session } : {}),
      ...(body ? { json: body } : {}),
    });
    const headers = Object.keys(res.headers).filter((h) => RATE_HEADERS.test(h));
    const missing =
      res.status === 404 ||
      res.status === 405 ||
      res.status >= 500 ||
      (withSession && (res.status === 401 || res.status === 403));
    rows.push({
      step,
      status: missing ? 'fail' : 'ok',
      sent: sentOf(res),
      answered: `${res.status}${headers.length ? `, ${headers.join(', ')}` : ', no rate-limit headers'}`,
      expected: withSession
        ? 'an answer of the route to the session (not 404/405/401/403/5xx)'
        : 'an answer of the route (not 404/405/5xx)',
      ...(missing
        ? {
            key:
              res.status === 405
                ? `${key}.method`
                : res.status === 401 || res.status === 403
                  ? `${key}.key, or smoke.login.send`
                  : `${key}.path`,
          }
        : {}),
    });
  }
  const login = rows.find((r) => r.step.startsWith('login') && r.sent !== '-');
  rows.push({
    step: `limit login (${per(limiters.login.key)})`,
    status: login?.status === 'ok' ? 'ok' : 'skip',
    sent: '-',
    expected: login?.status === 'ok' ? 'the logins above' : '',
    answered: login
      ? `answered by "${login.step}" above (${login.answered.split(' ')[0]!.replace(/,$/, '')}); no extra login sent`
      : 'not sent: no login was sent',
  });
}

/**
 * Each health route once. Only a route that is not there (404, 405) is a mapping error; any other answer is the
 * platform's state, which health.routes judges in the run (a 503 is shown, not blamed on the config).
 */
export async function healthRows(api: DoctorSender, plan: SmokePlan, rows: Row[]): Promise<void> {
  for (const [i, path] of (plan.config.health.routes ?? []).entries()) {
    const res = await api.send({ method: 'GET', path, identity: 'health-probe' });
    const missing = res.status === 404 || res.status === 405;
    rows.push({
      step: `health ${path}`,
      status: missing ? 'fail' : 'ok',
      sent: sentOf(res),
      expected: 'the route answers (200 for health.routes to pass)',
      answered: `${res.status}${res.status === 200 || missing ? '' : ' (the health.routes check will fail on it)'}, ${Math.round(res.ms)} ms`,
      ...(missing ? { key: `smoke.health.routes[${i}]` } : {}),
    });
  }
}

const OPERATIONS = ['get', 'post', 'put', 'patch', 'delete'];

/** The OpenAPI document of the sweep, fetched and parsed as the sweep reads it (once per walk: a refused login may have read it already). */
export async function openapiRow(plan: SmokePlan, docs: OpenApiSource, rows: Row[]): Promise<void> {
  const src = plan.config.openapi;
  if (!src) {
    rows.push({
      ...notSent('openapi', ''),
      answered: 'not configured (smoke.openapi): the anonymous-access sweep skips',
    });
    return;
  }
  const sent = src.startsWith('/') ? `GET ${src}` : `read ${src.replace(/^file:\/\//, '')}`;
  const expected = 'a JSON OpenAPI document with operations';
  try {
    const { doc, status } = await docs.load();
    const ops = Object.values(doc.paths ?? {}).flatMap((item) =>
      Object.entries(item ?? {})
        .filter(([m]) => OPERATIONS.includes(m))
        .map(([, op]) => op),
    );
    const secured = ops.filter((op) => {
      const s = op.security ?? doc.security ?? [];
      return Array.isArray(s) && s.length > 0;
    }).length;
    const ok = ops.length > 0;
    rows.push({
      step: 'openapi',
      status: ok ? 'ok' : 'fail',
      sent,
      expected,
      answered: `${status !== undefined ? `${status}, ` : ''}${ops.length} operations, ${secured} secured (the sweep calls those)`,
      ...(ok ? {} : { key: 'smoke.openapi' }),
    });
  } catch (e) {
    rows.push({ ...failed('openapi', 'smoke.openapi')(e), sent, expected });
  }
}
