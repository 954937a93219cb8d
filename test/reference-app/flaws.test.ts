import { describe, expect, it } from 'vitest';
import { FLAWS } from '../../reference-app/flaws.ts';
import { Harness } from './support.ts';
import { PROBES, slowRouteMs } from './probes.ts';
import { SESSION_PROBES } from './session-probes.ts';

async function withApp<T>(flaws: string[], fn: (h: Harness) => Promise<T>): Promise<T> {
  const h = await Harness.start(flaws);
  try {
    return await fn(h);
  } finally {
    await h.stop();
  }
}

describe('each flaw switches its own protection off', () => {
  it('every flaw has a probe (or, for slow, its own test)', () => {
    expect([...Object.keys(PROBES), ...Object.keys(SESSION_PROBES), 'slow'].sort()).toEqual(
      FLAWS.map((f) => f.name).sort(),
    );
  });

  it.each(Object.keys(PROBES))('%s: the protection no longer holds', async (flaw) => {
    expect(await withApp([flaw], (h) => PROBES[flaw]!(h))).toBe(false);
  });

  it('slow: every /api route answers 300 ms later, health routes do not', async () => {
    await withApp(['slow'], async (h) => {
      expect(await slowRouteMs(h)).toBeGreaterThanOrEqual(349);
      expect((await h.call('GET', '/health')).status).toBe(200);
    });
  });

  it('the flawed variants carry the evidence the audits look for', async () => {
    await withApp(
      ['docs-exposed', 'debug-errors', 'x-powered-by', 'cors-any-origin', 'weak-jwt-secret', 'health-ready-failing'],
      async (h) => {
        const doc = (await h.call('GET', '/openapi.json')).json;
        expect(doc.openapi).toBe('3.1.0');
        expect(doc.paths['/api/orders/{id}/release'].post.security).toEqual([{ bearerAuth: [] }]);
        // The documented secured operations really refuse anonymous calls (the sweep's positive case).
        expect((await h.call('POST', '/api/orders/1/release')).status).toBe(401);
        const bad = await h.call('POST', '/api/auth/login', { raw: '{' });
        expect(bad.json.stack.join('\n')).toMatch(/at .+:\d+:\d+/);
        expect((await h.call('GET', '/nope')).json.routes.join('\n')).toContain('/api/orders');
        expect((await h.call('GET', '/login')).headers['x-powered-by']).toMatch(/^Fastify\/\d+\.\d+/);
        const cors = await h.call('GET', '/api/slow', { headers: { origin: 'https://evil.example' } });
        expect(cors.headers['access-control-allow-origin']).toBe('https://evil.example');
        expect(cors.headers['access-control-allow-credentials']).toBe('true');
        expect(h.info.jwtSecret).toBe('secret');
        expect((await h.call('GET', '/health/ready')).json).toEqual({
          status: 'unavailable',
          checks: { database: 'ok', smtp: 'down' },
        });
      },
    );
  });

  it('webhook-replay: a replay after release re-opens the escrow and doubles the paid amount', async () => {
    await withApp(['webhook-replay'], async (h) => {
      const c = await h.verifiedClient();
      const o = await h.fundedOrder(c.access);
      expect((await h.call('POST', `/api/orders/${o.id}/release`, { token: c.access })).json.status).toBe('released');
      await h.webhook(o, { eventId: 'evt_same' });
      await h.webhook(o, { eventId: 'evt_same' });
      expect((await h.order(c.access, o.id)).json).toMatchObject({
        status: 'funded',
        funded_cents: 3 * o.amount_cents,
      });
    });
  });

  it('cors-wildcard-credentials sends * with credentials', async () => {
    await withApp(['cors-wildcard-credentials'], async (h) => {
      const r = await h.call('GET', '/api/auth/me', { headers: { origin: 'https://evil.example' } });
      expect(r.headers['access-control-allow-origin']).toBe('*');
      expect(r.headers['access-control-allow-credentials']).toBe('true');
    });
  });

  it('demo-account: the demo client can act', async () => {
    await withApp(['demo-account'], async (h) => {
      const { access } = await h.login('client@demo.com', 'demo');
      expect((await h.call('GET', '/api/auth/me', { token: access })).json.email).toBe('client@demo.com');
    });
  });

  it('unfunded-release releases an order nobody paid for', async () => {
    await withApp(['unfunded-release'], async (h) => {
      const c = await h.verifiedClient();
      const o = (await h.createOrder(c.access)).json;
      const r = await h.call('POST', `/api/orders/${o.id}/release`, { token: c.access });
      expect(r.json).toMatchObject({ status: 'released', funded_cents: 0 });
    });
  });
});
