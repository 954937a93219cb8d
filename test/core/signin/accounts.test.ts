import { describe, expect, it } from 'vitest';
import { login, register, tokenFrom, withFields } from '../../../core/signin/accounts.ts';
import { csrfFrom, csrfSend } from '../../../core/signin/csrf.ts';
import type { Req, Res } from '../../../core/signin/http.ts';
import type { SmokePlan } from '../../../smoke/lib/plan.ts';
import { SmokeConfig } from '../../../smoke/config.ts';
import { ROUTES } from '../../helpers/routes.ts';

const res = (headers: Record<string, string>, json: unknown = undefined): Res => ({
  method: 'POST',
  url: 'https://x/login',
  status: 200,
  headers,
  setCookies: [],
  text: '',
  json,
  ms: 1,
});

describe('the account mapping', () => {
  it('nests dotted field names (Rails/Devise params) and keeps plain ones at the top', () => {
    expect(
      withFields(
        { user: { remember_me: '1' }, locale: 'en' },
        { 'user.email': 'a@b.c', 'user.password': 'pw', role: 'admin' },
      ),
    ).toEqual({ user: { remember_me: '1', email: 'a@b.c', password: 'pw' }, locale: 'en', role: 'admin' });
    const base = { user: { x: 1 } };
    withFields(base, { 'user.email': 'a@b.c' });
    expect(base).toEqual({ user: { x: 1 } });
  });

  it('reads a token from a response header without its prefix (Devise-JWT), and nothing from a bare prefix', () => {
    const source = { from: 'header' as const, name: 'Authorization', prefix: 'Bearer ' };
    expect(tokenFrom(res({ authorization: 'Bearer eyJ.a.b' }), source)).toBe('eyJ.a.b');
    expect(tokenFrom(res({ authorization: 'Bearer ' }), source)).toBeUndefined();
    expect(tokenFrom(res({}), source)).toBeUndefined();
    expect(tokenFrom(res({}, { data: { token: 't1' } }), { from: 'body', path: 'data.token' })).toBe('t1');
  });
});

describe('a cookie-session login with a CSRF token (smoke.login.csrf)', () => {
  const page = (html: string, setCookies: Res['setCookies'] = [], json?: unknown): Res => ({
    ...res({}, json),
    method: 'GET',
    text: html,
    setCookies,
  });
  const cookie = (name: string, value: string) => ({ name, value, attrs: {} });
  const csrf = SmokeConfig.parse({ login: { csrf: {} } }).login.csrf!;

  it('reads the token from a meta tag, a hidden field, a URL-encoded cookie or a JSON field, first source first', () => {
    expect(csrfFrom(page('<meta content="m&amp;1" name="csrf-token">'), csrf)).toMatchObject({
      token: 'm&1',
      source: { from: 'meta' },
    });
    expect(
      csrfFrom(page('<form><input type=hidden name=\'csrfmiddlewaretoken\' value="f1"></form>'), csrf)?.token,
    ).toBe('f1');
    expect(csrfFrom(page('', [cookie('XSRF-TOKEN', 'a%3Db')]), csrf)).toEqual({
      token: 'a=b',
      source: { from: 'cookie', name: 'XSRF-TOKEN' },
      cookie: { name: 'XSRF-TOKEN', value: 'a%3Db' },
    });
    expect(csrfFrom(page('<meta name="csrf-token" content="m">', [cookie('csrftoken', 'c')]), csrf)?.token).toBe('c');
    expect(csrfFrom(page('', [], { csrfToken: 'j' }), csrf)?.token).toBe('j');
    expect(csrfFrom(page('<meta name="viewport" content="x">'), csrf)).toBeUndefined();
  });

  it('sends it back in the header its framework reads unless the mapping names one', () => {
    expect(csrfSend(csrf, { from: 'cookie', name: 'csrftoken' })).toEqual({ as: 'header', name: 'X-CSRFToken' });
    expect(csrfSend(csrf, { from: 'cookie', name: 'XSRF-TOKEN' })).toEqual({ as: 'header', name: 'X-XSRF-TOKEN' });
    expect(csrfSend(csrf, { from: 'meta', name: 'csrf-token' })).toEqual({ as: 'header', name: 'X-CSRF-Token' });
    expect(csrfSend({ ...csrf, send: { as: 'field', name: '_token' } }, { from: 'meta', name: 'csrf-token' })).toEqual({
      as: 'field',
      name: '_token',
    });
  });

  const plan = (login: unknown) =>
    ({
      baseUrl: 'https://shop.test:8443',
      config: SmokeConfig.parse({ ...ROUTES, login: { ...ROUTES.login, ...(login as object) } }),
    }) as unknown as SmokePlan;
  const sessionLogin = {
    encoding: 'form',
    token: { from: 'cookie', name: 'sessionid' },
    send: { as: 'cookie', name: 'sessionid' },
    csrf: { path: '/accounts/login/' },
  };

  it('fetches the token first, sends it with its cookie and a same-site Origin, and keeps the token rotated at login', async () => {
    const sent: Req[] = [];
    const api = {
      send: async (r: Req): Promise<Res> => {
        sent.push(r);
        if (r.method === 'GET') return page('<html></html>', [cookie('csrftoken', 'before')]);
        return { ...res({}), setCookies: [cookie('sessionid', 's1'), cookie('csrftoken', 'after')] };
      },
    };
    const { session } = await login(api, plan(sessionLogin), 'a@b.c', 'pw');
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /accounts/login/', 'POST /api/auth/login']);
    expect(sent[1]!.headers).toEqual({
      origin: 'https://shop.test:8443',
      'x-csrftoken': 'before',
      cookie: 'csrftoken=before',
    });
    expect(session).toEqual({
      access: 's1',
      cookies: { sessionid: 's1', csrftoken: 'after' },
      setCookies: [
        { name: 'sessionid', value: 's1', attrs: {} },
        { name: 'csrftoken', value: 'after', attrs: {} },
      ],
      csrf: {
        token: 'after',
        source: { from: 'cookie', name: 'csrftoken' },
        cookie: { name: 'csrftoken', value: 'after' },
      },
    });
  });

  it("hands the sender every secret it handles, so the sender's evidence can redact them", async () => {
    const told: Array<string | undefined> = [];
    const api = {
      send: async (r: Req): Promise<Res> =>
        r.method === 'GET'
          ? page('<html></html>', [cookie('csrftoken', 'before')])
          : { ...res({}), setCookies: [cookie('sessionid', 's1'), cookie('csrftoken', 'after')] },
      secret: (v: string | undefined) => told.push(v),
    };
    await login(api, plan(sessionLogin), 'a@b.c', 'pw');
    expect(told.filter(Boolean)).toEqual(['pw', 'before', 's1', 'after']);
    told.length = 0;
    await login(api, plan(sessionLogin), 'a@b.c', 'demo', { publicPassword: true });
    expect(told).not.toContain('demo');
    told.length = 0;
    await register(api, plan(sessionLogin), 'a@b.c', 'pw2');
    expect(told).toEqual(['pw2']);
  });

  it('puts the token in the login form when the mapping sends it as a field', async () => {
    const sent: Req[] = [];
    const api = {
      send: async (r: Req): Promise<Res> => {
        sent.push(r);
        return r.method === 'GET'
          ? page('<input name="authenticity_token" value="rails1">')
          : { ...res({}), setCookies: [cookie('sessionid', 's1')] };
      },
    };
    const { session } = await login(
      api,
      plan({ ...sessionLogin, csrf: { send: { as: 'field', name: 'authenticity_token' } } }),
      'a@b.c',
      'pw',
    );
    expect(sent[0]!.path).toBe('/login');
    expect(sent[1]!.form).toEqual({ email: 'a@b.c', password: 'pw', authenticity_token: 'rails1' });
    expect(session?.csrf?.token).toBe('rails1');
  });

  it('names the route and the sources when no token is found, before sending the password', async () => {
    const sent: Req[] = [];
    const api = {
      send: async (r: Req): Promise<Res> => {
        sent.push(r);
        return page('<html></html>');
      },
    };
    await expect(login(api, plan(sessionLogin), 'a@b.c', 'pw')).rejects.toThrow(
      /GET \/accounts\/login\/ answered 200 with no CSRF token in any of smoke.login.csrf.sources \(cookie csrftoken, .*body csrfToken.*\); set smoke.login.csrf.path/,
    );
    expect(sent).toHaveLength(1);
  });
});
