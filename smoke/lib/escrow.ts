import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { Api, Res, Session } from './http.ts';
import type { SmokePlan } from './plan.ts';
import { secretFromEnv } from './plan.ts';
import { getAll, getPath } from './jsonpath.ts';
import { fillPath, fillTemplate } from './template.ts';
import { ok } from './auth.ts';
import { control } from './outcome.ts';

export interface Order { id: string | number; paymentId?: string; milestones: Array<string | number>; amount: number; currency: string; res: Res }

export function webhookSecret(plan: SmokePlan): string {
  const s = secretFromEnv(plan.config.webhook.secretEnv);
  // Test events only: a live key here means the config points at production money.
  if (s.startsWith('sk_live_')) throw new Error(`${plan.config.webhook.secretEnv} holds a live Stripe key (sk_live_...): gonogo only sends signed test events`);
  return s;
}

export async function createOrder(api: Api, plan: SmokePlan, session: Session, o: { amount?: number; milestoneAmount?: number } = {}): Promise<Order> {
  const c = plan.config.orders;
  const amount = o.amount ?? c.amount;
  const vars = { ...c.vars, amount, currency: c.currency, milestone_amount: o.milestoneAmount ?? Math.trunc(amount / 2), description: `gonogo smoke order ${randomBytes(3).toString('hex')}` };
  const res = await api.send({ method: c.create.method, path: c.create.path, json: fillTemplate(c.body, vars), session });
  const id = getPath(res.json, c.idPath);
  const paymentId = getPath(res.json, c.paymentIdPath);
  const milestones = getAll(res.json, c.milestoneIdsPath).filter((m): m is string | number => typeof m === 'string' || typeof m === 'number');
  return { id: id as string | number, ...(typeof paymentId === 'string' ? { paymentId } : {}), milestones, amount, currency: c.currency, res };
}

/** Creating the order is the precondition of every escrow check: failing it makes the check an error. */
export async function mustCreateOrder(api: Api, plan: SmokePlan, session: Session): Promise<Order> {
  const order = await createOrder(api, plan, session);
  control(ok(order.res) && (typeof order.id === 'string' || typeof order.id === 'number'), `creating an order answered ${order.res.status} without an id at "${plan.config.orders.idPath}"`);
  return order;
}

export async function getOrder(api: Api, plan: SmokePlan, session: Session | null, id: string | number): Promise<{ res: Res; status: unknown }> {
  const c = plan.config.orders;
  const res = await api.send({ method: c.get.method, path: fillPath(c.get.path, { id }), session });
  return { res, status: getPath(res.json, c.statusPath) };
}

export async function orderStatus(api: Api, plan: SmokePlan, session: Session, id: string | number): Promise<unknown> {
  const { res, status } = await getOrder(api, plan, session, id);
  control(ok(res), `the owner reading its order answered ${res.status}`);
  return status;
}

export interface WebhookOptions { amount?: number; currency?: string; ageS?: number; secret?: string; eventId?: string; signature?: string }

/** A payment-succeeded event for the order, signed with the `stripe` package's test-header helper. */
export function signedEvent(plan: SmokePlan, order: Order, o: WebhookOptions = {}): { payload: string; header: string; eventId: string } {
  const w = plan.config.webhook;
  const eventId = o.eventId ?? `evt_gonogo_${randomBytes(8).toString('hex')}`;
  const timestamp = Math.floor(Date.now() / 1000) - (o.ageS ?? 0);
  const payload = JSON.stringify(fillTemplate(w.event, {
    event_id: eventId, created: timestamp, payment_id: order.paymentId ?? '', amount: o.amount ?? order.amount,
    currency: o.currency ?? order.currency, order_id: String(order.id),
  }));
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: o.secret ?? webhookSecret(plan), timestamp, ...(o.signature ? { signature: o.signature } : {}) });
  return { payload, header, eventId };
}

export async function postEvent(api: Api, plan: SmokePlan, ev: { payload: string; header: string }): Promise<Res> {
  return api.send({ method: 'POST', path: plan.config.webhook.path, body: ev.payload, identity: 'payment-provider', headers: { 'content-type': 'application/json', [plan.config.webhook.signatureHeader.toLowerCase()]: ev.header } });
}

export async function fund(api: Api, plan: SmokePlan, order: Order, o: WebhookOptions = {}): Promise<Res> {
  return postEvent(api, plan, signedEvent(plan, order, o));
}

export async function approveAll(api: Api, plan: SmokePlan, session: Session, order: Order): Promise<Res[]> {
  const a = plan.config.orders.approve;
  const out: Res[] = [];
  for (const m of order.milestones) out.push(await api.send({ method: a.method, path: fillPath(a.path, { id: order.id, milestone: m }), session }));
  return out;
}

export async function release(api: Api, plan: SmokePlan, session: Session | null, order: Order): Promise<Res> {
  const r = plan.config.orders.release;
  return api.send({ method: r.method, path: fillPath(r.path, { id: order.id }), session });
}

/** An order funded through a correctly signed webhook (positive control for the release checks). */
export async function fundedOrder(api: Api, plan: SmokePlan, session: Session): Promise<Order> {
  const order = await mustCreateOrder(api, plan, session);
  const res = await fund(api, plan, order);
  control(ok(res), `a correctly signed payment webhook answered ${res.status}`);
  const status = await orderStatus(api, plan, session, order.id);
  control(status === plan.config.orders.fundedStatus, `after a correctly signed payment the order is "${String(status)}", not "${plan.config.orders.fundedStatus}"`);
  return order;
}

/** A funded order with every milestone approved: ready to release. */
export async function approvedOrder(api: Api, plan: SmokePlan, session: Session): Promise<Order> {
  const order = await fundedOrder(api, plan, session);
  const results = await approveAll(api, plan, session, order);
  control(order.milestones.length > 0, `the order has no milestone ids at "${plan.config.orders.milestoneIdsPath}"`);
  control(results.every(ok), `approving milestones answered ${results.map((r) => r.status).join(', ')}`);
  return order;
}
