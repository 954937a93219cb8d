import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './support.ts';
import { SESSION_PROBES } from './session-probes.ts';
import { logout, sessionLogin, setCookie } from './session-probes.ts';

describe('the session dialect with no flaw: Django session auth with CSRF', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start([], {}, { dialect: 'session' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(Object.keys(SESSION_PROBES))('protection against %s holds', async (flaw) => {
    expect(await SESSION_PROBES[flaw]!(h)).toBe(true);
  });

  it('login answers without a token in the body, sets the session cookie and rotates the CSRF cookie; the page hands the token to its script in the form', async () => {
    const page = await h.call('GET', '/login');
    const { res, session, csrf } = await sessionLogin(h);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).not.toContain(session);
    expect(csrf).not.toBe(setCookie(page, 'csrftoken').split(';')[0]!.slice('csrftoken='.length));
    for (const flag of [/; Secure/, /; HttpOnly/, /; SameSite=Lax/]) expect(setCookie(res, 'csrftoken')).toMatch(flag);
    expect(page.text).toContain(
      `<input type="hidden" name="csrfmiddlewaretoken" value="${setCookie(page, 'csrftoken').split(';')[0]!.slice('csrftoken='.length)}">`,
    );
    expect((await h.call('GET', '/api/auth/me', { headers: { cookie: `sessionid=${session}` } })).json).toMatchObject({
      role: 'client',
    });
  });

  it("refuses a login without the page's token, and a bearer token in place of the cookie", async () => {
    const a = h.account('client');
    const form = {
      raw: new URLSearchParams({ username: a.email, password: a.password }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: h.info.baseUrl },
    };
    expect((await h.call('POST', '/accounts/login/', form)).status).toBe(403);
    const { session } = await sessionLogin(h);
    expect((await h.call('GET', '/api/auth/me', { token: session })).status).toBe(401);
  });

  it('takes the token from the form field too, wants a same-site Referer when there is no Origin, and logout ends the session', async () => {
    const a = await sessionLogin(h);
    expect((await logout(h, a, { 'x-csrftoken': a.csrf })).status).toBe(403);
    expect((await logout(h, a, { 'x-csrftoken': a.csrf, referer: 'https://evil.example/' })).status).toBe(403);
    const field = await h.call('POST', '/accounts/logout/', {
      raw: `csrfmiddlewaretoken=${a.csrf}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        referer: `${h.info.baseUrl}/login`,
        cookie: `sessionid=${a.session}`,
      },
    });
    expect(field.status).toBe(204);
    expect((await h.call('GET', '/api/auth/me', { headers: { cookie: `sessionid=${a.session}` } })).status).toBe(401);
  });

  it('leaves anonymous API calls (registration, webhooks) to their own checks', async () => {
    expect((await h.call('POST', '/api/auth/register', { body: { email: 'x' } })).status).toBe(422);
  });
});

describe.each(Object.keys(SESSION_PROBES))('the session dialect with %s on', (flaw) => {
  it('the protection no longer holds', async () => {
    const h = await Harness.start([flaw], {}, { dialect: 'session' });
    try {
      expect(await SESSION_PROBES[flaw]!(h)).toBe(false);
    } finally {
      await h.stop();
    }
  });
});

describe('a flaw of the session surface on another dialect', () => {
  it('is refused: it would switch nothing off', async () => {
    await expect(Harness.start(['csrf-token-unbound'])).rejects.toThrow(
      'flaw "csrf-token-unbound" applies to the session dialect only (--dialect), not to marketplace',
    );
  });
});
