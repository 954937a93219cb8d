import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpError, requireUser, type AppContext } from '../context.ts';
import { milestonesOf, orderById, orderJson, type OrderRow } from '../db.ts';
import { amountIn, currencyIn, currencyOut } from '../money.ts';

/** Lists are paginated, newest first (`?limit=` up to 100, `?offset=`): a list that grows with every order must not grow every response. */
function page(query: unknown, invalid: (message: string, field: string) => Error): { limit: number; offset: number } {
  const q = (query ?? {}) as Record<string, string | undefined>;
  // An integer the document promises: anything else is refused, not read as the default.
  for (const k of ['limit', 'offset'] as const)
    if (q[k] !== undefined && !/^\d+$/.test(q[k])) throw invalid('A whole number is required.', k);
  const limit = Math.min(100, Math.max(1, Number.parseInt(q.limit ?? '', 10) || 50));
  // Past 2^53 parseInt gives a float SQLite refuses (a 500): an offset that large is past the end anyway.
  const offset = Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Number.parseInt(q.offset ?? '', 10) || 0));
  return { limit, offset };
}
import type { Principal } from '../tokens.ts';

const CURRENCIES = ['usd', 'eur', 'gbp'];

export function registerOrderRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db, flaws, dialect } = ctx;
  const { paths, escrow } = dialect;
  const f = escrow.fields;
  const json = (o: OrderRow) => orderJson(db, o, dialect);
  const invalid = (message: string, field: string) =>
    new HttpError(dialect.errors.validationStatus, message, {}, field);
  const idOf = (req: { params: unknown }) => (req.params as { id: string }).id;

  const canView = (u: Principal, o: OrderRow) =>
    o.client_id === u.id || o.manufacturer_id === u.id || u.role === 'admin' || flaws.has('orders-readable-by-anyone');
  // Orders the caller may not see answer 404, so their existence does not leak.
  const load = (u: Principal, rawId: unknown): OrderRow => {
    const o = orderById(db, Number(rawId));
    if (!o || !canView(u, o)) throw new HttpError(404, 'Order not found');
    return o;
  };
  const ownerOnly = (u: Principal, o: OrderRow) => {
    if (o.client_id !== u.id && !(flaws.has('orders-readable-by-anyone') && u.role === 'client'))
      throw new HttpError(403, 'Only the client who placed the order can do this');
  };

  app.get(paths.manufacturers, async (req) => {
    requireUser(req.user);
    return db.prepare("SELECT id, full_name AS name FROM users WHERE role = 'manufacturer' ORDER BY id").all();
  });

  app.get(paths.manufacturerOrders, async (req) => {
    const u = requireUser(req.user, 'manufacturer');
    const { limit, offset } = page(req.query, invalid);
    return (
      db
        .prepare('SELECT * FROM orders WHERE manufacturer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?')
        .all(u.id, limit, offset) as OrderRow[]
    ).map(json);
  });

  app.get(paths.adminUsers, async (req) => {
    if (!flaws.has('anonymous-admin')) {
      const u = requireUser(req.user);
      if (u.role !== 'admin' && !flaws.has('client-reaches-admin')) throw new HttpError(403, 'Forbidden');
      if (flaws.has('admin-route-refuses-all')) throw new HttpError(403, 'Forbidden');
    }
    // SQLite keeps booleans as 0/1: the document (and /me) says true/false.
    return (
      db.prepare('SELECT id, email, full_name, role, is_verified FROM users ORDER BY id').all() as Array<{
        role: Principal['role'];
        is_verified: number;
      }>
    ).map((r) => ({ ...r, role: dialect.roles[r.role], is_verified: r.is_verified === 1 }));
  });

  app.post(paths.orders, async (req, reply) => {
    const u = requireUser(req.user, 'client');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const withMilestones = escrow.fulfil === 'approve-milestones';
    const milestones = Array.isArray(b.milestones) ? (b.milestones as Record<string, unknown>[]) : [];
    const currency = currencyIn(dialect, b.currency) ?? '';
    // Cents, whatever the dialect's API writes; undefined when the amount is not a positive one.
    const positive = (v: unknown): number | undefined => {
      const a = amountIn(dialect, v);
      return 'cents' in a && (a.cents > 0 || flaws.has('invalid-amount')) ? a.cents : undefined;
    };
    const amount = positive(b[f.amount]);
    if (amount === undefined) {
      const a = amountIn(dialect, b[f.amount]);
      throw invalid(`${f.amount} ${'error' in a ? a.error : 'must be greater than zero'}`, f.amount);
    }
    if (!CURRENCIES.includes(currency))
      throw invalid(`currency must be one of ${CURRENCIES.map((c) => currencyOut(dialect, c)).join(', ')}`, 'currency');
    if (withMilestones) {
      if (
        milestones.length === 0 ||
        milestones.some((m) => typeof m?.title !== 'string' || positive(m[f.amount]) === undefined)
      ) {
        throw invalid(`milestones must be a non-empty list of { title, ${f.amount} > 0 }`, 'milestones');
      }
      if (milestones.reduce((s, m) => s + positive(m[f.amount])!, 0) !== amount)
        throw invalid(`${f.amount} must equal the milestones' sum`, f.amount);
    }
    const maker = db
      .prepare("SELECT id FROM users WHERE id = ? AND role = 'manufacturer'")
      .get(Number(b[f.counterparty]));
    if (!maker) throw invalid(`${f.counterparty} is not a ${dialect.roles.manufacturer}`, f.counterparty);

    // The payment reference is known at once (on-create) or only once a payment is opened for the order.
    const ref =
      escrow.payment === 'on-create'
        ? `pi_${randomBytes(12).toString('hex')}`
        : `none_${randomBytes(12).toString('hex')}`;
    const id = db.transaction(() => {
      const r = db
        .prepare(
          "INSERT INTO orders (client_id, manufacturer_id, amount_cents, currency, description, status, payment_intent_id, created_at) VALUES (?, ?, ?, ?, ?, 'pending_payment', ?, ?)",
        )
        .run(
          u.id,
          Number(b[f.counterparty]),
          amount,
          currency,
          typeof b.description === 'string' ? b.description : '',
          ref,
          Date.now(),
        );
      const orderId = Number(r.lastInsertRowid);
      const ins = db.prepare('INSERT INTO milestones (order_id, title, amount_cents) VALUES (?, ?, ?)');
      if (withMilestones) for (const m of milestones) ins.run(orderId, m.title, positive(m[f.amount])!);
      return orderId;
    })();
    return reply.status(201).send(json(orderById(db, id)!));
  });

  app.get(paths.orders, async (req) => {
    const u = requireUser(req.user);
    const { limit, offset } = page(req.query, invalid);
    // orders-list-leaks: the list forgets to filter by the caller (a queryset without .filter(owner=request.user)).
    const rows =
      u.role === 'admin' || flaws.has('orders-list-leaks')
        ? db.prepare('SELECT * FROM orders ORDER BY id DESC LIMIT ? OFFSET ?').all(limit, offset)
        : db
            .prepare(
              'SELECT * FROM orders WHERE client_id = ? OR manufacturer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?',
            )
            .all(u.id, u.id, limit, offset);
    return (rows as OrderRow[]).map(json);
  });

  app.get(paths.order, async (req) => json(load(requireUser(req.user), idOf(req))));

  app.patch(paths.order, async (req) => {
    const u = requireUser(req.user);
    const o = load(u, idOf(req));
    ownerOnly(u, o);
    const b = (req.body ?? {}) as Record<string, unknown>;
    // The document's OrderUpdate: an object whose description, when sent, is text.
    if (typeof b !== 'object' || Array.isArray(b)) throw invalid('A JSON object is required.', 'body');
    if (b.description !== undefined && typeof b.description !== 'string')
      throw invalid('A string is required.', 'description');
    if (typeof b.description === 'string')
      db.prepare('UPDATE orders SET description = ? WHERE id = ?').run(b.description, o.id);
    if (flaws.has('patch-marks-paid')) {
      const words: Record<string, OrderRow['status']> = {
        [escrow.states.pending]: 'pending_payment',
        [escrow.states.funded]: 'funded',
        [escrow.states.released]: 'released',
        pending_payment: 'pending_payment',
        funded: 'funded',
        released: 'released',
      };
      const asked = b[f.state];
      const status =
        typeof asked === 'string' && words[asked]
          ? words[asked]
          : b.paid === true || b.funded === true
            ? 'funded'
            : null;
      if (status)
        db.prepare(
          "UPDATE orders SET status = ?, funded_cents = CASE WHEN ? = 'pending_payment' THEN 0 ELSE amount_cents END WHERE id = ?",
        ).run(status, status, o.id);
    }
    return json(orderById(db, o.id)!);
  });

  if (paths.pay) {
    app.post(paths.pay, async (req, reply) => {
      const u = requireUser(req.user);
      const o = load(u, idOf(req));
      ownerOnly(u, o);
      if (o.status !== 'pending_payment') throw new HttpError(409, 'The order is already paid');
      const checkout = escrow.payment === 'checkout';
      const ref = `${checkout ? 'cs_test_' : 'pi_'}${randomBytes(16).toString('hex')}`;
      db.prepare('UPDATE orders SET payment_intent_id = ? WHERE id = ?').run(ref, o.id);
      if (!checkout)
        return {
          payment_intent_id: ref,
          client_secret: `${ref}_secret_${randomBytes(8).toString('hex')}`,
          amount: o.amount_cents,
          currency: o.currency,
        };
      // A hosted Checkout page: the client is sent there, the session id only in the URL.
      const url = `https://checkout.stripe.com/c/pay/${ref}`;
      return reply.status(303).header('Location', url).send({ url });
    });
  }

  if (escrow.fulfil === 'approve-milestones') {
    app.post(paths.approve, async (req) => {
      const u = requireUser(req.user);
      const params = req.params as { id: string; mid: string };
      const o = load(u, params.id);
      ownerOnly(u, o);
      if (o.status !== 'funded') throw new HttpError(409, 'Milestones can be approved only on a funded order');
      const m = milestonesOf(db, o.id).find((x) => x.id === Number(params.mid));
      if (!m) throw new HttpError(404, 'Milestone not found');
      db.prepare('UPDATE milestones SET approved = 1 WHERE id = ?').run(m.id);
      return json(orderById(db, o.id)!);
    });
  }

  if (paths.deliver) {
    app.post(paths.deliver, async (req) => {
      const u = requireUser(req.user);
      const o = load(u, idOf(req));
      if (o.manufacturer_id !== u.id)
        throw new HttpError(403, `Only the order's ${dialect.roles.manufacturer} can mark it delivered`);
      if (o.status !== 'funded') throw new HttpError(409, 'Only a paid order can be delivered');
      db.prepare("UPDATE orders SET status = 'delivered' WHERE id = ?").run(o.id);
      return json(orderById(db, o.id)!);
    });
  }

  app.post(paths.release, async (req) => {
    const o = orderById(db, Number(idOf(req)));
    // The flaw models a route that lost its auth dependency: no identity, so no ownership check either.
    if (flaws.has('release-unauthenticated')) {
      if (!o) throw new HttpError(404, 'Order not found');
      return releaseOrder(o);
    }
    const u = requireUser(req.user);
    const owner = o !== undefined && o.client_id === u.id;
    const allowed =
      o !== undefined &&
      (owner ||
        (flaws.has('idor-release') && u.role === 'client') ||
        (flaws.has('manufacturer-release') && u.role === 'manufacturer' && o.manufacturer_id === u.id));
    if (!o || !allowed) {
      if (o && canView(u, o)) throw new HttpError(403, 'Only the client who placed the order can release it');
      throw new HttpError(404, 'Order not found');
    }
    return releaseOrder(o);
  });

  function releaseOrder(o: OrderRow) {
    if (o.status === 'released') throw new HttpError(409, 'Order already released');
    const unfundedBypass = o.status === 'pending_payment' && flaws.has('unfunded-release');
    if (o.status === 'pending_payment' && !unfundedBypass) throw new HttpError(409, 'Order is not funded');
    // Fulfilment first: every milestone approved, or the delivery marked by the counterparty.
    const fulfilled =
      escrow.fulfil === 'deliver' ? o.status === 'delivered' : milestonesOf(db, o.id).every((m) => m.approved === 1);
    if (!unfundedBypass && !fulfilled && !flaws.has('release-without-approval')) {
      throw new HttpError(
        409,
        escrow.fulfil === 'deliver'
          ? 'The order has not been delivered'
          : 'Every milestone must be approved before release',
      );
    }
    if (flaws.has('release-not-recorded')) return json({ ...o, status: 'released' });
    db.prepare("UPDATE orders SET status = 'released' WHERE id = ?").run(o.id);
    return json(orderById(db, o.id)!);
  }
}
