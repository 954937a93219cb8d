import Stripe from 'stripe';
import type { FastifyInstance } from 'fastify';
import { HttpError, type AppContext } from '../context.ts';
import { orderById } from '../db.ts';

const TOLERANCE_S = 300;

interface PaymentIntentLike {
  id?: unknown;
  amount?: unknown;
  /** Checkout sessions carry the amount here. */
  amount_total?: unknown;
  currency?: unknown;
  metadata?: { order_id?: unknown };
}

interface EventLike {
  id?: unknown;
  type?: unknown;
  data?: { object?: PaymentIntentLike };
}

/** Stripe's payment webhook: the only way an order becomes funded. */
export function registerWebhookRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db, flaws, dialect } = ctx;
  // A Checkout integration listens for the completed session; the others for the succeeded PaymentIntent.
  const expected = dialect.escrow.payment === 'checkout' ? 'checkout.session.completed' : 'payment_intent.succeeded';

  // Payment providers retry on errors and must never be throttled.
  app.post(dialect.paths.webhook, { config: { rateLimit: false } }, async (req) => {
    const raw = req.rawBody ?? '';
    let event: EventLike;
    if (flaws.has('unsigned-webhook')) {
      event = (req.body ?? {}) as EventLike;
    } else {
      const signature = req.headers['stripe-signature'];
      if (typeof signature !== 'string') throw new HttpError(400, 'Missing Stripe-Signature header');
      try {
        // Tolerance 0 makes the stripe package skip the timestamp age check.
        event = Stripe.webhooks.constructEvent(
          raw,
          signature,
          ctx.webhookSecret,
          flaws.has('stale-webhook') ? 0 : TOLERANCE_S,
        ) as EventLike;
      } catch {
        throw new HttpError(400, 'Invalid or stale webhook signature');
      }
    }
    if (event.type !== expected) return { received: true, status: 'ignored' };
    const pi = event.data?.object ?? {};
    const paid = expected === 'checkout.session.completed' ? pi.amount_total : pi.amount;
    const order = orderById(db, Number(pi.metadata?.order_id));
    if (!order || order.payment_intent_id !== pi.id) return { received: true, status: 'unknown_order' };

    const replayable = flaws.has('webhook-replay');
    return db.transaction(() => {
      if (!replayable) {
        if (typeof event.id !== 'string' || db.prepare('SELECT 1 FROM webhook_events WHERE id = ?').get(event.id)) {
          // A ledger credited before the idempotency check: the state holds, only the paid amount shows the replay.
          if (flaws.has('replay-credits-again') && typeof paid === 'number')
            db.prepare('UPDATE orders SET funded_cents = funded_cents + ? WHERE id = ?').run(paid, order.id);
          return { received: true, status: 'duplicate' };
        }
        db.prepare('INSERT INTO webhook_events (id, received_at) VALUES (?, ?)').run(event.id, Date.now());
      }
      // Stripe sends minor units and lower-case codes, whatever the platform's own API writes.
      const matches = paid === order.amount_cents && pi.currency === order.currency;
      if (!matches && !flaws.has('amount-mismatch-funds')) return { received: true, status: 'amount_mismatch' };
      if (order.status !== 'pending_payment' && !replayable) return { received: true, status: 'already_funded' };
      const amount = typeof paid === 'number' ? paid : 0;
      // With replays let through, the event re-opens the escrow as a naive handler would: funded again, paid twice.
      db.prepare("UPDATE orders SET funded_cents = funded_cents + ?, status = 'funded' WHERE id = ?").run(
        amount,
        order.id,
      );
      return { received: true, status: 'funded' };
    })();
  });
}
