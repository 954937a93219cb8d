import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './support.ts';

/** The drf dialect's order API: DecimalField amounts and an upper-case currency choice list, Stripe's minor units and lower case on the webhook. */
describe('the drf dialect speaks money the way DRF does', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await Harness.start([], {}, { dialect: 'drf' });
    const a = h.account('client');
    token = (await h.call('POST', '/api/v1/auth/token/', { body: { email: a.email, password: a.password } })).json
      .access;
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  const create = (amount: unknown, currency = 'USD') =>
    h.call('POST', '/api/v1/orders/', {
      token,
      body: { seller: h.account('manufacturer').id, amount, currency, description: 'brackets' },
    });
  const pay = async (order: { id: number }, o: { amount: number; currency: string }) => {
    const checkout = await h.call('POST', `/api/v1/orders/${order.id}/checkout/`, { token });
    const session = /\/pay\/(cs_test_\w+)/.exec(String(checkout.headers.location))![1];
    const payload = JSON.stringify({
      id: `evt_${randomBytes(8).toString('hex')}`,
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          id: session,
          object: 'checkout.session',
          amount_total: o.amount,
          currency: o.currency,
          metadata: { order_id: String(order.id) },
        },
      },
    });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: h.info.webhookSecret });
    return h.call('POST', '/api/v1/payments/stripe/webhook/', {
      raw: payload,
      headers: { 'stripe-signature': header },
    });
  };

  it('takes "200.00" or 200, writes "200.00", and refuses what a DecimalField(decimal_places=2) and the choice list refuse', async () => {
    const r = await create('200.00');
    expect([r.status, r.json.amount, r.json.amount_paid, r.json.currency]).toEqual([201, '200.00', '0.00', 'USD']);
    expect((await create(200)).json.amount).toBe('200.00');
    const refusals = await Promise.all([
      create('200.005'),
      create('0.00'),
      create('-1.00'),
      create('abc'),
      create('200.00', 'usd'),
    ]);
    expect(refusals.map((x) => [x.status, Object.keys(x.json)[0]])).toEqual([
      [400, 'amount'],
      [400, 'amount'],
      [400, 'amount'],
      [400, 'amount'],
      [400, 'currency'],
    ]);
  });

  it("is funded by an event in Stripe's minor units and lower case, and reports the paid amount as a decimal string", async () => {
    const order = (await create('200.00')).json;
    expect((await pay(order, { amount: 20000, currency: 'USD' })).json.status).toBe('amount_mismatch');
    expect((await pay(order, { amount: 200, currency: 'usd' })).json.status).toBe('amount_mismatch');
    expect((await pay(order, { amount: 20000, currency: 'usd' })).json.status).toBe('funded');
    expect((await h.call('GET', `/api/v1/orders/${order.id}/`, { token })).json).toMatchObject({
      status: 'paid',
      amount: '200.00',
      amount_paid: '200.00',
      currency: 'USD',
    });
  });
});
