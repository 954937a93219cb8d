import { randomBytes } from 'node:crypto';
import type { FlowEvent } from './schema.ts';
import { fill, type FlowVars } from './vars.ts';

/**
 * Payment event bodies with Stripe's field names for each preset (https://docs.stripe.com/api/events/types).
 * `required` names the variable that identifies the object on the platform's side: the flow must capture it.
 */
interface Preset {
  type: string;
  required: string[];
  object: (v: FlowVars) => Record<string, unknown>;
}

const opt = (v: FlowVars, k: string) => v[k] ?? null;

export const PRESETS: Record<Exclude<FlowEvent['preset'], 'custom'>, Preset> = {
  'payment_intent.succeeded': {
    type: 'payment_intent.succeeded',
    required: ['payment_id'],
    object: (v) => ({
      id: v.payment_id,
      object: 'payment_intent',
      amount: v.amount,
      amount_received: v.amount,
      currency: v.currency,
      status: 'succeeded',
      livemode: false,
    }),
  },
  'checkout.session.completed': {
    type: 'checkout.session.completed',
    required: ['session_id'],
    object: (v) => ({
      id: v.session_id,
      object: 'checkout.session',
      mode: 'payment',
      status: 'complete',
      payment_status: 'paid',
      amount_total: v.amount,
      amount_subtotal: v.amount,
      currency: v.currency,
      client_reference_id: v.order_id ?? null,
      payment_intent: opt(v, 'payment_id'),
      livemode: false,
    }),
  },
  'charge.succeeded': {
    type: 'charge.succeeded',
    required: [],
    object: (v) => ({
      id: v.charge_id ?? `ch_gonogo_${randomBytes(8).toString('hex')}`,
      object: 'charge',
      amount: v.amount,
      amount_captured: v.amount,
      currency: v.currency,
      paid: true,
      captured: true,
      status: 'succeeded',
      payment_intent: opt(v, 'payment_id'),
      livemode: false,
    }),
  },
};

/** Variables an event needs from earlier steps (beyond the built-ins every event has). */
export function eventRequires(e: FlowEvent): string[] {
  // An object id given in the config replaces the captured one.
  return e.preset === 'custom' || e.object?.id !== undefined ? [] : PRESETS[e.preset].required;
}

/** The full event envelope, filled with the flow's variables. */
export function buildEvent(e: FlowEvent, vars: FlowVars, where: string): Record<string, unknown> {
  for (const k of eventRequires(e))
    fill(`{{${k}}}`, vars, `${where} (${e.preset} events carry it as the object id; or set event.object.id)`);
  const base = e.preset === 'custom' ? {} : PRESETS[e.preset].object(vars);
  const object = {
    ...base,
    ...(fill(e.object ?? {}, vars, where) as Record<string, unknown>),
    metadata: fill(e.metadata, vars, where),
  };
  return {
    id: vars.event_id,
    object: 'event',
    api_version: '2024-06-20',
    type: e.type ?? (e.preset === 'custom' ? 'payment_intent.succeeded' : PRESETS[e.preset].type),
    created: vars.created,
    livemode: false,
    pending_webhooks: 1,
    data: { object },
  };
}
