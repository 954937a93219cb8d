import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpError, requireUser, type AppContext } from '../context.ts';
import { milestonesOf, orderById, orderJson, type OrderRow } from '../db.ts';

/** Lists are paginated, newest first (`?limit=` up to 100, `?offset=`): a list that grows with every order must not grow every response. */
function page(query: unknown): { limit: number; offset: number } {
  const q = (query ?? {}) as Record<string, string | undefined>;
  const limit = Math.min(100, Math.max(1, Number.parseInt(q.limit ?? '', 10) || 50));
  const offset = Math.max(0, Number.parseInt(q.offset ?? '', 10) || 0);
  return { limit, offset };
}
import type { Principal } from '../tokens.ts';

const CURRENCIES = ['usd', 'eur', 'gbp'];

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

export function registerOrderRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db, flaws } = ctx;

  const canView = (u: Principal, o: OrderRow) =>
    o.client_id === u.id || o.manufacturer_id === u.id || u.role === 'admin' || flaws.has('orders-readable-by-anyone');
  // Orders the caller may not see answer 404, so their existence does not leak.
  const load = (u: Principal, rawId: unknown): OrderRow => {
    const o = orderById(db, Number(rawId));
    if (!o || !canView(u, o)) throw new HttpError(404, 'Order not found');
    return o;
  };
  const ownerOnly = (u: Principal, o: OrderRow) => {
    if (o.client_id !== u.id && !(flaws.has('orders-readable-by-anyone') && u.role === 'client')) throw new HttpError(403, 'Only the client who placed the order can do this');
  };

  app.get('/api/manufacturers', async (req) => {
    requireUser(req.user);
    return db.prepare("SELECT id, full_name AS name FROM users WHERE role = 'manufacturer' ORDER BY id").all();
  });

  app.get('/api/manufacturer/orders', async (req) => {
    const u = requireUser(req.user, 'manufacturer');
    const { limit, offset } = page(req.query);
    return (db.prepare('SELECT * FROM orders WHERE manufacturer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?').all(u.id, limit, offset) as OrderRow[]).map((o) => orderJson(db, o));
  });

  app.get('/api/admin/users', async (req) => {
    if (!flaws.has('anonymous-admin')) {
      const u = requireUser(req.user);
      if (u.role !== 'admin' && !flaws.has('client-reaches-admin')) throw new HttpError(403, 'Forbidden');
    }
    return db.prepare('SELECT id, email, full_name, role, is_verified FROM users ORDER BY id').all();
  });

  app.post('/api/orders', async (req, reply) => {
    const u = requireUser(req.user, 'client');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const milestones = Array.isArray(b.milestones) ? (b.milestones as Record<string, unknown>[]) : [];
    const currency = typeof b.currency === 'string' ? b.currency.toLowerCase() : '';
    const positive = (v: unknown) => isInt(v) && (v > 0 || flaws.has('invalid-amount'));
    if (!positive(b.amount_cents)) throw new HttpError(422, 'amount_cents must be a positive integer');
    if (!CURRENCIES.includes(currency)) throw new HttpError(422, `currency must be one of ${CURRENCIES.join(', ')}`);
    if (milestones.length === 0 || milestones.some((m) => typeof m?.title !== 'string' || !positive(m.amount_cents))) {
      throw new HttpError(422, 'milestones must be a non-empty list of { title, amount_cents > 0 }');
    }
    if (milestones.reduce((s, m) => s + (m.amount_cents as number), 0) !== b.amount_cents) throw new HttpError(422, "amount_cents must equal the milestones' sum");
    const maker = db.prepare("SELECT id FROM users WHERE id = ? AND role = 'manufacturer'").get(Number(b.manufacturer_id));
    if (!maker) throw new HttpError(422, 'manufacturer_id is not a manufacturer');

    const id = db.transaction(() => {
      const r = db.prepare("INSERT INTO orders (client_id, manufacturer_id, amount_cents, currency, description, status, payment_intent_id, created_at) VALUES (?, ?, ?, ?, ?, 'pending_payment', ?, ?)")
        .run(u.id, Number(b.manufacturer_id), b.amount_cents, currency, typeof b.description === 'string' ? b.description : '', `pi_${randomBytes(12).toString('hex')}`, Date.now());
      const orderId = Number(r.lastInsertRowid);
      const ins = db.prepare('INSERT INTO milestones (order_id, title, amount_cents) VALUES (?, ?, ?)');
      for (const m of milestones) ins.run(orderId, m.title, m.amount_cents);
      return orderId;
    })();
    return reply.status(201).send(orderJson(db, orderById(db, id)!));
  });

  app.get('/api/orders', async (req) => {
    const u = requireUser(req.user);
    const { limit, offset } = page(req.query);
    const rows = u.role === 'admin'
      ? db.prepare('SELECT * FROM orders ORDER BY id DESC LIMIT ? OFFSET ?').all(limit, offset)
      : db.prepare('SELECT * FROM orders WHERE client_id = ? OR manufacturer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?').all(u.id, u.id, limit, offset);
    return (rows as OrderRow[]).map((o) => orderJson(db, o));
  });

  app.get('/api/orders/:id', async (req) => orderJson(db, load(requireUser(req.user), (req.params as { id: string }).id)));

  app.patch('/api/orders/:id', async (req) => {
    const u = requireUser(req.user);
    const o = load(u, (req.params as { id: string }).id);
    ownerOnly(u, o);
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.description === 'string') db.prepare('UPDATE orders SET description = ? WHERE id = ?').run(b.description, o.id);
    if (flaws.has('patch-marks-paid')) {
      const status = typeof b.status === 'string' && ['pending_payment', 'funded', 'released'].includes(b.status) ? b.status
        : b.paid === true || b.funded === true ? 'funded' : null;
      if (status) db.prepare('UPDATE orders SET status = ?, funded_cents = CASE WHEN ? = \'pending_payment\' THEN 0 ELSE amount_cents END WHERE id = ?').run(status, status, o.id);
    }
    return orderJson(db, orderById(db, o.id)!);
  });

  app.post('/api/orders/:id/milestones/:mid/approve', async (req) => {
    const u = requireUser(req.user);
    const params = req.params as { id: string; mid: string };
    const o = load(u, params.id);
    ownerOnly(u, o);
    if (o.status !== 'funded') throw new HttpError(409, 'Milestones can be approved only on a funded order');
    const m = milestonesOf(db, o.id).find((x) => x.id === Number(params.mid));
    if (!m) throw new HttpError(404, 'Milestone not found');
    db.prepare('UPDATE milestones SET approved = 1 WHERE id = ?').run(m.id);
    return orderJson(db, orderById(db, o.id)!);
  });

  app.post('/api/orders/:id/release', async (req) => {
    const o = orderById(db, Number((req.params as { id: string }).id));
    // The flaw models a route that lost its auth dependency: no identity, so no ownership check either.
    if (flaws.has('release-unauthenticated') && o) return releaseOrder(o);
    const u = requireUser(req.user);
    const owner = o !== undefined && o.client_id === u.id;
    const allowed = o !== undefined && (owner
      || (flaws.has('idor-release') && u.role === 'client')
      || (flaws.has('manufacturer-release') && u.role === 'manufacturer' && o.manufacturer_id === u.id));
    if (!o || !allowed) {
      if (o && canView(u, o)) throw new HttpError(403, 'Only the client who placed the order can release it');
      throw new HttpError(404, 'Order not found');
    }
    return releaseOrder(o);
  });

  function releaseOrder(o: OrderRow) {
    if (o.status === 'released') throw new HttpError(409, 'Order already released');
    const unfundedBypass = o.status === 'pending_payment' && flaws.has('unfunded-release');
    if (o.status !== 'funded' && !unfundedBypass) throw new HttpError(409, 'Order is not funded');
    const pending = milestonesOf(db, o.id).filter((m) => m.approved !== 1);
    if (!unfundedBypass && pending.length > 0 && !flaws.has('release-without-approval')) throw new HttpError(409, 'Every milestone must be approved before release');
    db.prepare("UPDATE orders SET status = 'released' WHERE id = ?").run(o.id);
    return orderJson(db, orderById(db, o.id)!);
  }
}
