import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './support.ts';
import { PROBES, slowRouteMs } from './probes.ts';

describe('reference platform with no flaw: every protection holds', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(Object.keys(PROBES))('protection against %s holds', async (flaw) => {
    expect(await PROBES[flaw]!(h)).toBe(true);
  });

  it('escrow happy path: order -> signed webhook funds -> approve -> release', async () => {
    const c = await h.verifiedClient();
    const o = await h.fundedOrder(c.access);
    expect((await h.order(c.access, o.id)).json).toMatchObject({ status: 'funded', funded_cents: o.amount_cents });
    const r = await h.call('POST', `/api/orders/${o.id}/release`, { token: c.access });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('released');
    const again = await h.webhook(o);
    expect(again.json.status).toBe('already_funded');
  });

  it('release refuses anonymous callers and answers 404 to clients who cannot see the order', async () => {
    const [a, b] = [await h.verifiedClient(), await h.verifiedClient()];
    const o = await h.fundedOrder(a.access);
    expect((await h.call('POST', `/api/orders/${o.id}/release`)).status).toBe(401);
    expect((await h.call('POST', `/api/orders/${o.id}/release`, { token: b.access })).status).toBe(404);
  });

  it('login sets a Secure, HttpOnly, SameSite=Strict cookie that authenticates /me', async () => {
    const a = h.account('admin');
    const { res } = await h.login(a.email, a.password);
    expect(res.json).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    const cookie = String(res.headers['set-cookie']?.[0]);
    expect(cookie).toMatch(/^access_token=[^;]+;/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    const me = await h.call('GET', '/api/auth/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.json).toMatchObject({ email: a.email, role: 'admin', is_verified: true });
  });

  it('roles reach only their own routes', async () => {
    const maker = await h.loginAs('manufacturer');
    expect((await h.call('GET', '/api/manufacturer/orders', { token: maker })).status).toBe(200);
    expect((await h.call('GET', '/api/admin/users', { token: maker })).status).toBe(403);
    expect((await h.call('GET', '/api/admin/users', { token: await h.loginAs('admin') })).status).toBe(200);
    expect((await h.call('GET', '/api/manufacturer/orders', { token: await h.loginAs('client') })).status).toBe(403);
    expect((await h.call('GET', '/api/manufacturers')).status).toBe(401);
  });

  it('an order list offset past 2^64 answers an empty page, not a 500', async () => {
    const r = await h.call('GET', '/api/orders?offset=93200826835880443904', { token: await h.loginAs('client') });
    expect([r.status, r.json]).toEqual([200, []]);
  });

  it('the admin user list answers is_verified as a boolean, as its OpenAPI document says', async () => {
    const r = await h.call('GET', '/api/admin/users', { token: await h.loginAs('admin') });
    const users = r.json as Array<{ email: string; is_verified: unknown }>;
    expect(users.find((u) => u.email === h.account('admin').email)?.is_verified).toBe(true);
    expect(users.map((u) => typeof u.is_verified)).toEqual(users.map(() => 'boolean'));
  });

  it('a random verification token is rejected', async () => {
    expect((await h.call('GET', '/api/auth/verify-email?token=not-a-real-token')).status).toBe(400);
  });

  it('CORS answers the allow-listed origin with credentials, never *', async () => {
    const r = await h.call('GET', '/api/slow', { headers: { origin: h.info.baseUrl } });
    expect(r.headers['access-control-allow-origin']).toBe(h.info.baseUrl);
    expect(r.headers['access-control-allow-credentials']).toBe('true');
  });

  it('the load generator address is exempt from the API limit', async () => {
    const c = await h.verifiedClient();
    for (let i = 0; i < 105; i++)
      expect((await h.call('GET', '/api/auth/me', { token: c.access, from: '127.0.0.2' })).status).toBe(200);
  });

  it('login page: no inline script, strict CSP, script served from self', async () => {
    const page = await h.call('GET', '/login');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="/static/login.js"');
    expect(page.text).not.toMatch(/<script>(?!<)/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    const js = await h.call('GET', '/static/login.js');
    expect(js.headers['content-type']).toMatch(/javascript/);
  });

  it('error and not-found responses carry the security headers and a bare detail', async () => {
    const r = await h.call('GET', '/gonogo-missing-page-404');
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ detail: 'Not found' });
    expect(r.headers['strict-transport-security']).toBeDefined();
    expect(r.headers['content-security-policy']).toBeDefined();
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('health, readiness, liveness and Prometheus metrics answer', async () => {
    for (const path of ['/health', '/health/live', '/health/ready'])
      expect((await h.call('GET', path)).status).toBe(200);
    const metrics = await h.call('GET', '/metrics');
    expect(metrics.headers['content-type']).toMatch(/text\/plain/);
    expect(metrics.text).toMatch(/^http_requests_total\{/m);
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
  });

  it('the calibration route answers after its fixed delay', async () => {
    expect(await slowRouteMs(h)).toBeGreaterThanOrEqual(49);
  });

  it('orders with mismatched milestones or unknown manufacturers are refused', async () => {
    const token = await h.loginAs('client');
    const r = await h.call('POST', '/api/orders', {
      token,
      body: {
        manufacturer_id: h.account('manufacturer').id,
        amount_cents: 100,
        currency: 'usd',
        milestones: [{ title: 'x', amount_cents: 99 }],
      },
    });
    expect(r.status).toBe(422);
    const s = await h.call('POST', '/api/orders', {
      token,
      body: {
        manufacturer_id: h.account('admin').id,
        amount_cents: 100,
        currency: 'usd',
        milestones: [{ title: 'x', amount_cents: 100 }],
      },
    });
    expect(s.status).toBe(422);
  });
});
