import { refreshWith, logout } from '../../smoke/lib/auth.ts';
import type { Session } from '../../smoke/lib/http.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { resolveLimiters, describeKey, type Limiter } from '../../smoke/lib/limits.ts';
import { loadDoc } from '../../smoke/lib/openapi.ts';
import { fillTemplate } from '../../smoke/lib/template.ts';
import { workerRedactor } from '../../smoke/lib/evidence.ts';
import type { Actor, Actors } from '../../smoke/flow/run.ts';
import { DoctorSender, Throttled, Unreachable, type SentLine } from './sender.ts';
import { loginRow, ownAccount, refreshed, SHAPE_REFUSED, type Signed } from './accounts.ts';
import { walkFlow } from './flow.ts';
import { excerpt, is2xx, plain, routeKeys, sentOf, type Row } from './rows.ts';

export interface DoctorResult {
  rows: Row[];
  /** Why the walk ended early (a 429, an unreachable target), when it did. */
  stopped?: string;
  requests: number;
  /** Every request sent and the status it got (0: no answer), in order; paths redacted. */
  sent: SentLine[];
  logins: number;
  /** Time spent waiting to stay under the API model (ms). */
  pacedMs: number;
  /** The login model the logins were counted against. */
  loginModel: string;
  ms: number;
}

const METHODS_SENDING_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * How many logins one walk may send: half the login model's limit per window, for the key it counts on. A limit
 * keyed by user counts each account apart (one login each); one keyed by address counts them all together.
 */
export function loginBudget(l: Limiter): { perKey: number; shared: boolean } {
  return { perKey: Math.floor(l.model.limit / 2), shared: l.key !== 'user' };
}

/**
 * Walks each mapped step once against the target and says, per step, what answered and which key to change.
 * Never a failing login on purpose, at most one login per account, and no login beyond half the login model's
 * limit; paced under the API model; a 429 ends the walk.
 */
export async function walk(plan: SmokePlan, o: { caFile?: string; secretEnv: string }): Promise<DoctorResult> {
  const started = performance.now();
  const api = new DoctorSender(plan, o);
  const rows: Row[] = [];
  const limiters = resolveLimiters(plan.config, plan.params);
  const budget = loginBudget(limiters.login);
  let logins = 0;
  let stopped: string | undefined;
  const loginModel = `${limiters.login.model.limit} per ${limiters.login.model.windowMs / 1000} s, ${describeKey(limiters.login.key)}`;
  const canLogin = () => (budget.shared ? logins < budget.perKey : budget.perKey >= 1);
  const overBudget = (step: string): Row => ({
    step, status: 'held', sent: '-', expected: 'a login', key: 'smoke.ratelimit.login (document the login limit), or fewer smoke.accounts',
    answered: `not sent: the login model (smoke.ratelimit.login: ${loginModel}) leaves the doctor ${budget.perKey} login${budget.perKey === 1 ? '' : 's'} (half a window)`,
  });

  try {
    // The doctor's own account first: a login mapping that does not work is then found without a failed login on a team account.
    const own = await ownAccount(api, plan);
    rows.push(...own.rows);
    let mine: Signed | undefined;
    let shapeRefused = false;
    if (own.account) {
      if (!canLogin()) rows.push(overBudget('login (own account)'));
      else {
        logins++;
        const r = await loginRow(api, plan, 'login (own account)', own.account.email, own.account.password, true);
        rows.push(r.row);
        if (r.session) mine = { email: own.account.email, session: r.session };
        // Refused, or answered without the token where the mapping reads it: a team login would tell nothing more.
        shapeRefused = SHAPE_REFUSED.has(r.status) || (is2xx(r.status) && !r.session);
      }
    }

    // The team's accounts: the flow's two roles first, so a tight login budget still walks the flow.
    const { owner, counterparty } = plan.config.roles;
    const order = plan.config.accounts.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a.role) - rank(y.a.role));
    function rank(role: string) { return role === owner ? 0 : role === counterparty ? 1 : 2; }
    const sessions = new Map<string, Signed>();
    for (const { a, i } of order) {
      const step = `login ${a.role}`;
      if (shapeRefused) {
        rows.push({ step, status: 'skip', sent: '-', expected: '', answered: 'not sent: the login mapping did not work for the doctor\'s own account (above); a team account would only spend a login, or count a failed one' });
        continue;
      }
      if (sessions.has(a.role)) {
        rows.push({ step, status: 'skip', sent: '-', expected: '', answered: `not sent: another ${a.role} account is logged in already` });
        continue;
      }
      if (!canLogin()) { rows.push(overBudget(step)); continue; }
      const password = process.env[a.passwordEnv];
      if (!password) {
        rows.push({ step, status: 'fail', sent: '-', expected: 'the password in the environment', answered: `${a.passwordEnv} is not set`, key: `smoke.accounts[${i}].passwordEnv (${a.passwordEnv})` });
        continue;
      }
      logins++;
      const r = await loginRow(api, plan, step, a.email, password, false, `smoke.accounts[${i}]`);
      rows.push(r.row);
      if (r.session) sessions.set(a.role, { email: a.email, session: r.session });
      // Without a working own account, one refused team login is enough to show the mapping is refused.
      if (!mine && (SHAPE_REFUSED.has(r.status) || (is2xx(r.status) && !r.session))) shapeRefused = true;
    }

    const ownerActor = sessions.get(owner) ?? mine;
    const user = mine ?? ownerActor;
    let session: Session | undefined = user?.session;
    meRow(rows, await (session ? me(api, plan, session) : undefined));

    if (!plan.config.login.refreshToken) rows.push({ step: 'refresh', status: 'skip', sent: '-', expected: '', answered: 'not mapped (smoke.login.refreshToken): the refresh checks skip' });
    else if (!session?.refresh) rows.push({ step: 'refresh', status: 'skip', sent: '-', expected: '', answered: 'not sent: no session with a refresh token (see the logins above)' });
    else {
      const res = await refreshWith(api, plan, session.refresh, session);
      const ok = is2xx(res.status);
      rows.push({
        step: 'refresh', status: ok ? 'ok' : 'fail', sent: sentOf(res), answered: ok ? String(res.status) : `${res.status} ${excerpt(res, 80)}`, expected: '2xx',
        ...(ok ? {} : { key: routeKeys(res.status, 'smoke.refresh', { body: 'smoke.refresh.field (or .body, .cookie, .encoding)', auth: 'smoke.refresh.field (or .body, .cookie)' }) }),
      });
      if (ok) session = refreshed(plan, session, res);
    }

    const actors: Actors | undefined = ownerActor ? { owner: actor(ownerActor), ...(sessions.get(counterparty) ? { counterparty: actor(sessions.get(counterparty)!) } : {}) } : undefined;
    await walkFlow(api, plan, actors, rows, plan.config.webhook.secretEnv);

    await limitRows(api, plan, limiters, rows, session, user?.email, own.account?.password);
    await openapiRow(api, plan, rows);

    if (!session) rows.push({ step: 'logout', status: 'skip', sent: '-', expected: '', answered: 'not sent: no session (see the logins above)' });
    else {
      try {
        const res = await logout(api, plan, session);
        const ok = is2xx(res.status) || (res.status >= 300 && res.status < 400);
        rows.push({
          step: 'logout', status: ok ? 'ok' : 'fail', sent: sentOf(res), answered: ok ? String(res.status) : `${res.status} ${excerpt(res, 80)}`, expected: '2xx or a redirect',
          ...(ok ? {} : { key: routeKeys(res.status, 'smoke.logout', { body: 'smoke.logout.body (or .encoding)', auth: 'smoke.logout.body, or smoke.login.send' }) }),
        });
      } catch (e) {
        rows.push({ step: 'logout', status: 'fail', sent: '-', expected: 'the request is sent', answered: plain(e), key: 'smoke.logout.body' });
      }
    }
  } catch (e) {
    if (e instanceof Throttled) {
      stopped = `${e.message}: the doctor stops at a 429 and sends nothing more; the limit was spent before it came (another client, an earlier run, or a limit lower than smoke.ratelimit documents). Run it again after the window.`;
      rows.push({ step: 'stopped', status: 'fail', sent: sentOf(e.res), answered: `429${e.res.headers['retry-after'] ? `, Retry-After ${e.res.headers['retry-after']}` : ''}`, expected: 'no 429', key: 'smoke.ratelimit (the documented limits), or wait out the window' });
    } else if (e instanceof Unreachable) {
      stopped = e.message;
      rows.push({ step: 'stopped', status: 'fail', sent: '-', answered: e.message, expected: 'an answer', key: 'target.baseUrl (or target.caFile)' });
    } else throw e;
  }
  const r = workerRedactor();
  return {
    rows: rows.map((row) => ({ ...row, answered: r.text(row.answered), sent: r.text(row.sent) })),
    ...(stopped ? { stopped: r.text(stopped) } : {}),
    requests: api.sent.length, sent: api.sent.map((l) => ({ ...l, path: r.text(l.path) })), logins, pacedMs: api.pacedMs, loginModel, ms: performance.now() - started,
  };
}

const actor = (s: Signed): Actor => ({ session: s.session, email: s.email });

function me(api: DoctorSender, plan: SmokePlan, session: Session) {
  return api.send({ method: plan.config.me.method, path: plan.config.me.path, session });
}

function meRow(rows: Row[], res: Awaited<ReturnType<typeof me>> | undefined): void {
  if (!res) { rows.push({ step: 'me', status: 'skip', sent: '-', expected: '', answered: 'not sent: no session (see the logins above)' }); return; }
  const ok = is2xx(res.status);
  rows.push({
    step: 'me', status: ok ? 'ok' : 'fail', sent: sentOf(res), answered: ok ? String(res.status) : `${res.status} ${excerpt(res, 80)}`, expected: '2xx with the session',
    ...(ok ? {} : { key: routeKeys(res.status, 'smoke.me', { auth: 'smoke.login.send (how the token is carried)' }) }),
  });
}

const RATE_HEADERS = /^(x-)?rate-?limit|^retry-after$/i;

/** Each limited route once (the login limiter's first answer is the logins' own): the route exists and lets a first request through. */
async function limitRows(api: DoctorSender, plan: SmokePlan, limiters: ReturnType<typeof resolveLimiters>, rows: Row[], session: Session | undefined, email: string | undefined, password: string | undefined): Promise<void> {
  for (const name of ['api', 'anonymous'] as const) {
    const l = limiters[name];
    const configured = name === 'api' || plan.config.ratelimit.anonymous;
    const key = configured ? `smoke.ratelimit.${name}` : 'smoke.ratelimit.api (smoke.ratelimit.anonymous defaults to its route)';
    const step = `limit ${name} (${describeKey(l.key)})`;
    const withSession = l.key === 'user';
    if (withSession && !session) { rows.push({ step, status: 'skip', sent: '-', expected: '', answered: 'not sent: no session (see the logins above)' }); continue; }
    const body = l.body && METHODS_SENDING_BODY.has(l.method.toUpperCase()) ? fillTemplate(l.body, { email: email ?? '', password: password ?? '' }) : undefined;
    const res = await api.send({ method: l.method, path: l.path, ...(withSession ? { session } : {}), ...(body ? { json: body } : {}) });
    const headers = Object.keys(res.headers).filter((h) => RATE_HEADERS.test(h));
    const missing = res.status === 404 || res.status === 405 || res.status >= 500 || (withSession && (res.status === 401 || res.status === 403));
    rows.push({
      step, status: missing ? 'fail' : 'ok', sent: sentOf(res),
      answered: `${res.status}${headers.length ? `, ${headers.join(', ')}` : ', no rate-limit headers'}`,
      expected: withSession ? 'an answer of the route to the session (not 404/405/401/403/5xx)' : 'an answer of the route (not 404/405/5xx)',
      ...(missing ? { key: res.status === 405 ? `${key}.method` : res.status === 401 || res.status === 403 ? `${key}.key, or smoke.login.send` : `${key}.path` } : {}),
    });
  }
  const login = rows.find((r) => r.step.startsWith('login') && r.sent !== '-');
  rows.push({
    step: `limit login (${describeKey(limiters.login.key)})`, status: login?.status === 'ok' ? 'ok' : 'skip', sent: '-', expected: login?.status === 'ok' ? 'the logins above' : '',
    answered: login ? `answered by "${login.step}" above (${login.answered.split(' ')[0]!.replace(/,$/, '')}); no extra login sent` : 'not sent: no login was sent',
  });
}

/** The OpenAPI document of the sweep, fetched and parsed as the sweep reads it. */
async function openapiRow(api: DoctorSender, plan: SmokePlan, rows: Row[]): Promise<void> {
  const src = plan.config.openapi;
  if (!src) { rows.push({ step: 'openapi', status: 'skip', sent: '-', expected: '', answered: 'not configured (smoke.openapi): the anonymous-access sweep skips' }); return; }
  const before = api.sent.length;
  const sent = src.startsWith('/') ? `GET ${src}` : `read ${src.replace(/^file:\/\//, '')}`;
  try {
    const doc = await loadDoc(api, plan);
    const ops = Object.values(doc.paths ?? {}).flatMap((item) => Object.entries(item ?? {}).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(([, op]) => op));
    const secured = ops.filter((op) => { const s = op.security ?? doc.security ?? []; return Array.isArray(s) && s.length > 0; }).length;
    const ok = ops.length > 0;
    rows.push({
      step: 'openapi', status: ok ? 'ok' : 'fail', sent, expected: 'a JSON OpenAPI document with operations',
      answered: `${api.sent.length > before ? `${api.sent.at(-1)!.status}, ` : ''}${ops.length} operations, ${secured} secured (the sweep calls those)`,
      ...(ok ? {} : { key: 'smoke.openapi' }),
    });
  } catch (e) {
    if (e instanceof Throttled || e instanceof Unreachable) throw e;
    rows.push({ step: 'openapi', status: 'fail', sent, expected: 'a JSON OpenAPI document with operations', answered: (e as Error).message, key: 'smoke.openapi' });
  }
}
