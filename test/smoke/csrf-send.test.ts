import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../../smoke/lib/http.ts';
import type { Session } from '../../core/signin/http.ts';
import { Recorder } from '../../smoke/lib/evidence.ts';
import { refreshWith } from '../../smoke/lib/auth.ts';
import { bent } from '../../smoke/lib/csrf-probe.ts';
import { ControlFailed } from '../../smoke/lib/outcome.ts';
import { SmokeConfig } from '../../smoke/config.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { ROUTES } from '../helpers/routes.ts';

const params = parseKpiText(
  readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
  'kpis.yaml',
).params;

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  form?: unknown;
  data?: unknown;
}

/** A request context that answers `status(method, path)` (204 by default) and keeps what it was asked to send. */
function fakeContext(sent: Sent[], status: (method: string, path: string) => number = () => 204): APIRequestContext {
  return {
    clearCookies: async () => {},
    fetch: async (
      url: string,
      o: { method: string; headers: Record<string, string>; form?: unknown; data?: unknown },
    ) => {
      sent.push({
        url,
        method: o.method,
        headers: o.headers,
        ...(o.form ? { form: o.form } : {}),
        ...(o.data ? { data: o.data } : {}),
      });
      const code = status(o.method, new URL(url).pathname);
      return { status: () => code, headers: () => ({}), headersArray: () => [], text: async () => '' };
    },
  } as unknown as APIRequestContext;
}

describe("a cookie session's requests carry its CSRF token as a browser would", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gonogo-csrf-send-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const session: Session = {
    access: 's1',
    cookies: {},
    csrf: { token: 'tok', source: { from: 'cookie', name: 'csrftoken' }, cookie: { name: 'csrftoken', value: 'tok' } },
  };
  const setup = (
    csrf: unknown,
    extra: Record<string, unknown> = {},
    status?: (method: string, path: string) => number,
  ) => {
    const sent: Sent[] = [];
    const plan = {
      baseUrl: 'https://shop.test:8443',
      allowedHosts: ['shop.test:8443'],
      timeoutMs: 5000,
      stateDir: dir,
      runTag: 't',
      workers: 1,
      params,
      config: SmokeConfig.parse({
        ...ROUTES,
        login: {
          ...ROUTES.login,
          token: { from: 'cookie', name: 'sessionid' },
          send: { as: 'cookie', name: 'sessionid' },
          csrf,
        },
        ratelimit: {
          api: { path: '/api/me', limit: 1000, windowS: 60 },
          anonymous: { path: '/api/me', limit: 1000, windowS: 60 },
        },
        ...extra,
      }),
    } as unknown as SmokePlan;
    return { sent, plan, api: new Api(fakeContext(sent, status), plan, new Recorder()) };
  };

  it('sends the token, its cookie and a same-site Origin on a state-changing request only', async () => {
    const { sent, api } = setup({});
    await api.send({ method: 'POST', path: '/api/orders', session, json: { a: 1 } });
    await api.send({ method: 'GET', path: '/api/orders', session });
    expect(sent[0]!.headers).toEqual({
      cookie: 'sessionid=s1; csrftoken=tok',
      'x-csrftoken': 'tok',
      origin: 'https://shop.test:8443',
    });
    expect(sent[1]!.headers).toEqual({ cookie: 'sessionid=s1; csrftoken=tok' });
  });

  it('lets a probe leave the token out, send another, or drop the Origin', async () => {
    const { sent, api } = setup({});
    await api.send({ method: 'DELETE', path: '/x', session, csrf: false });
    await api.send({ method: 'PATCH', path: '/x', session, csrf: 'other' });
    await api.send({ method: 'POST', path: '/x', session, headers: { origin: '', referer: 'https://evil.test/' } });
    expect(sent.map((s) => [s.headers['x-csrftoken'], s.headers.origin, s.headers.referer])).toEqual([
      [undefined, 'https://shop.test:8443', undefined],
      ['other', 'https://shop.test:8443', undefined],
      ['tok', undefined, 'https://evil.test/'],
    ]);
  });

  it('puts the token in a form or JSON body when the mapping sends it as a field', async () => {
    const { sent, api } = setup({ send: { as: 'field', name: '_token' } });
    await api.send({ method: 'POST', path: '/x', session, form: { a: '1' } });
    await api.send({ method: 'POST', path: '/x', session, json: { a: 1 } });
    await api.send({ method: 'POST', path: '/x', session });
    expect(sent.map((s) => s.form ?? s.data)).toEqual([
      { a: '1', _token: 'tok' },
      { a: 1, _token: 'tok' },
      { _token: 'tok' },
    ]);
    expect(sent[0]!.headers['x-csrftoken']).toBeUndefined();
  });

  it('sends it on a refresh too, beside the refresh cookie, without the access token', async () => {
    const { sent, plan, api } = setup({}, { refresh: { path: '/auth/refresh', cookie: 'refresh' } });
    await refreshWith(api, plan, 'r1', session);
    expect(sent[0]!.headers).toEqual({
      cookie: 'csrftoken=tok; refresh=r1',
      'x-csrftoken': 'tok',
      origin: 'https://shop.test:8443',
    });
  });

  it('adds nothing to a session without a CSRF token', async () => {
    const { sent, api } = setup(undefined);
    await api.send({ method: 'POST', path: '/x', session: { access: 's1', cookies: {} } });
    expect(sent[0]!.headers).toEqual({ cookie: 'sessionid=s1' });
  });

  it('judges a bent request: accepted is the finding, a refusal counts only with a CSRF status and a session that still works', async () => {
    const judge = async (probe: number, me: number) => {
      const { api, plan } = setup({}, {}, (_method, path) => (path === '/api/auth/me' ? me : probe));
      return bent(api, plan, session, 'without its token', { csrf: false });
    };
    expect(await judge(204, 200)).toBe('POST /api/auth/logout without its token was accepted (204)');
    expect(await judge(403, 200)).toBeUndefined();
    expect(await judge(419, 401)).toBe(
      'POST /api/auth/logout without its token answered 419, yet the session no longer works after it (me answered 401): the request acted',
    );
    await expect(judge(401, 200)).rejects.toThrow(ControlFailed);
    await expect(judge(404, 200)).rejects.toThrow('none of smoke.login.csrf.refusedStatuses (403, 419, 422, 400)');
  });
});
