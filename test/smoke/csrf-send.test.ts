import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type Session } from '../../smoke/lib/http.ts';
import { Recorder } from '../../smoke/lib/evidence.ts';
import { refreshWith } from '../../smoke/lib/auth.ts';
import { SmokeConfig } from '../../smoke/config.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { parseKpiText } from '../../config/kpis.ts';

const params = parseKpiText(readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'), 'kpis.yaml').params;

interface Sent { method: string; url: string; headers: Record<string, string>; form?: unknown; data?: unknown }

/** A request context that answers 204 and keeps what it was asked to send. */
function fakeContext(sent: Sent[]): APIRequestContext {
  return {
    clearCookies: async () => {},
    fetch: async (url: string, o: { method: string; headers: Record<string, string>; form?: unknown; data?: unknown }) => {
      sent.push({ url, method: o.method, headers: o.headers, ...(o.form ? { form: o.form } : {}), ...(o.data ? { data: o.data } : {}) });
      return { status: () => 204, headers: () => ({}), headersArray: () => [], text: async () => '' };
    },
  } as unknown as APIRequestContext;
}

describe('a cookie session\'s requests carry its CSRF token as a browser would', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'gonogo-csrf-send-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const session: Session = { access: 's1', cookies: {}, csrf: { token: 'tok', source: { from: 'cookie', name: 'csrftoken' }, cookie: { name: 'csrftoken', value: 'tok' } } };
  const setup = (csrf: unknown, extra: Record<string, unknown> = {}) => {
    const sent: Sent[] = [];
    const plan = {
      baseUrl: 'https://shop.test:8443', allowedHosts: ['shop.test:8443'], timeoutMs: 5000, stateDir: dir, runTag: 't', workers: 1, params,
      config: SmokeConfig.parse({ login: { token: { from: 'cookie', name: 'sessionid' }, send: { as: 'cookie', name: 'sessionid' }, csrf }, ratelimit: { api: { path: '/api/me', limit: 1000, windowS: 60 }, anonymous: { path: '/api/me', limit: 1000, windowS: 60 } }, ...extra }),
    } as unknown as SmokePlan;
    return { sent, plan, api: new Api(fakeContext(sent), plan, new Recorder()) };
  };

  it('sends the token, its cookie and a same-site Origin on a state-changing request only', async () => {
    const { sent, api } = setup({});
    await api.send({ method: 'POST', path: '/api/orders', session, json: { a: 1 } });
    await api.send({ method: 'GET', path: '/api/orders', session });
    expect(sent[0]!.headers).toEqual({ cookie: 'sessionid=s1; csrftoken=tok', 'x-csrftoken': 'tok', origin: 'https://shop.test:8443' });
    expect(sent[1]!.headers).toEqual({ cookie: 'sessionid=s1; csrftoken=tok' });
  });

  it('lets a probe leave the token out, send another, or drop the Origin', async () => {
    const { sent, api } = setup({});
    await api.send({ method: 'DELETE', path: '/x', session, csrf: false });
    await api.send({ method: 'PATCH', path: '/x', session, csrf: 'other' });
    await api.send({ method: 'POST', path: '/x', session, headers: { origin: '', referer: 'https://evil.test/' } });
    expect(sent.map((s) => [s.headers['x-csrftoken'], s.headers.origin, s.headers.referer])).toEqual([[undefined, 'https://shop.test:8443', undefined], ['other', 'https://shop.test:8443', undefined], ['tok', undefined, 'https://evil.test/']]);
  });

  it('puts the token in a form or JSON body when the mapping sends it as a field', async () => {
    const { sent, api } = setup({ send: { as: 'field', name: '_token' } });
    await api.send({ method: 'POST', path: '/x', session, form: { a: '1' } });
    await api.send({ method: 'POST', path: '/x', session, json: { a: 1 } });
    await api.send({ method: 'POST', path: '/x', session });
    expect(sent.map((s) => s.form ?? s.data)).toEqual([{ a: '1', _token: 'tok' }, { a: 1, _token: 'tok' }, { _token: 'tok' }]);
    expect(sent[0]!.headers['x-csrftoken']).toBeUndefined();
  });

  it('sends it on a refresh too, beside the refresh cookie, without the access token', async () => {
    const { sent, plan, api } = setup({}, { refresh: { path: '/auth/refresh', cookie: 'refresh' } });
    await refreshWith(api, plan, 'r1', session);
    expect(sent[0]!.headers).toEqual({ cookie: 'csrftoken=tok; refresh=r1', 'x-csrftoken': 'tok', origin: 'https://shop.test:8443' });
  });

  it('adds nothing to a session without a CSRF token', async () => {
    const { sent, api } = setup(undefined);
    await api.send({ method: 'POST', path: '/x', session: { access: 's1', cookies: {} } });
    expect(sent[0]!.headers).toEqual({ cookie: 'sessionid=s1' });
  });
});
