import { describe, expect, it } from 'vitest';
import { EscrowConfig, type EscrowConfigInput } from '../../smoke/flow/schema.ts';
import { buildEvent } from '../../smoke/flow/events.ts';
import { fill, fillPathTemplate, MissingVariable } from '../../smoke/flow/vars.ts';
import { idBearing } from '../../smoke/flow/run.ts';

/** The order routes every flow needs; the cases below leave them out unless they test them. */
const ORDER = { get: { method: 'GET', path: '/orders/{{order_id}}/' }, update: { method: 'PATCH', path: '/orders/{{order_id}}/' } } as const;
const withOrder = (input: EscrowConfigInput): EscrowConfigInput => ({ ...input, order: { ...ORDER, ...input.order } });

const issues = (input: EscrowConfigInput) => {
  const r = EscrowConfig.safeParse(withOrder(input));
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

/** A Stripe Checkout platform: the session comes back as a redirect, the event names it, the state words differ. */
const checkout: EscrowConfigInput = {
  steps: [
    { name: 'create', role: 'create', path: '/orders/', body: { total: '{{amount}}' }, capture: { order_id: { from: 'body', path: 'uuid' } } },
    { name: 'checkout', role: 'open-payment', path: '/orders/{{order_id}}/checkout/', capture: { session_id: { from: 'redirect', pattern: '/pay/(cs_test_\\w+)' } }, expect: { status: [303] } },
    { name: 'paid', role: 'confirm-payment', event: { preset: 'checkout.session.completed' } },
    { name: 'deliver', role: 'fulfil', as: 'counterparty', path: '/orders/{{order_id}}/deliver/' },
    { name: 'complete', role: 'release', path: '/orders/{order_id}/complete/' },
  ],
  order: { ...ORDER, states: { funded: ['paid'], released: ['completed'] } },
};

describe('escrow flow schema', () => {
  it('has no default flow (none can be guessed) and parses a Checkout flow', () => {
    expect(EscrowConfig.parse({}).steps).toBeUndefined();
    const c = EscrowConfig.parse(checkout);
    expect(c.steps![3]).toMatchObject({ as: 'counterparty', method: 'POST', encoding: 'json' });
    expect(c.order.states).toEqual({ funded: ['paid'], released: ['completed'] });
  });

  it('refuses flows whose steps cannot work, naming the step', () => {
    const steps = EscrowConfig.parse(checkout).steps!;
    // No route to read or change an order can be guessed.
    expect(EscrowConfig.safeParse({ steps: checkout.steps }).error!.issues.map((i) => i.path.join('.'))).toEqual(['order.get', 'order.update']);
    expect(issues({ steps: [steps[1]!, steps[2]!, steps[4]!] })).toEqual(['steps: the flow has no create step (the first step after any setup steps creates the order)', 'steps.0.role: the first step must be the create step (or setup steps, then create)']);
    expect(issues({ steps: [{ ...steps[0]!, capture: {} }, steps[2]!, steps[4]!] })).toEqual(['steps.0.capture: the create step must capture `order_id` (e.g. { from: "body", path: "id" })']);
    expect(issues({ steps: [steps[0]!, steps[4]!, steps[2]!] })).toContain('steps.1: release comes before the payment is confirmed');
    expect(issues({ steps: [steps[0]!, { name: 'paid', role: 'confirm-payment' }, steps[4]!] })).toEqual([expect.stringContaining('steps.1.event: a confirm-payment step sends a signed payment event')]);
    expect(issues({ steps: [steps[0]!, { name: 'paid', role: 'confirm-payment', path: '/hook', event: { preset: 'custom' } }, steps[4]!] })).toEqual(['steps.1.path: a confirm-payment step posts to smoke.webhook.path; remove `path`', 'steps.1.event.object: a custom event needs its `object`']);
    // The session id is captured only by the step after the event that needs it.
    expect(issues({ steps: [steps[0]!, steps[2]!, steps[1]!, steps[4]!] })).toContain('steps.1: step "paid" uses {{session_id}}, which only step "checkout" captures, later');
    expect(issues({ steps: [steps[0]!, steps[2]!, { name: 'approve', role: 'fulfil', path: '/m/{{item}}' }, steps[4]!] })).toContain('steps.2: step "approve" uses {{item}} without forEach');
    expect(issues({ steps: [steps[0]!, steps[2]!, { ...steps[4]!, name: 'create' }] })).toContain('steps.2.name: step name "create" is used twice');
  });
});

describe('flow variables resolved when the config loads', () => {
  const [create, open, paid, deliver, complete] = checkout.steps!;
  it('refuses a variable that cannot exist at its step, naming the step and the variable', () => {
    // {{event_id}} exists only while a confirm step's event is built.
    expect(issues({ steps: [{ ...create!, body: { ref: '{{event_id}}' } }, open!, paid!, complete!] }))
      .toEqual([expect.stringMatching(/^steps\.0: step "create" uses \{\{event_id\}\}, which exists only in a confirm-payment step's event \(available here: \{\{amount\}\}/)]);
    expect(issues({ steps: [create!, open!, paid!, { ...deliver!, path: '/orders/{{order_id}}/ship/{{tracking}}' }, complete!] }))
      .toEqual([expect.stringMatching(/^steps\.3: step "deliver" uses \{\{tracking\}\}, which no step captures and smoke\.escrow\.vars does not set/)]);
    expect(issues({ steps: [create!, open!, paid!, { ...deliver!, forEach: 'parcels' }, complete!] }))
      .toEqual([expect.stringMatching(/^steps\.3: step "deliver" uses \{\{parcels\}\}, which no step captures/)]);
    // A vars entry of the same name makes it exist everywhere.
    expect(issues({ steps: [create!, open!, paid!, { ...deliver!, path: '/orders/{{order_id}}/ship/{{tracking}}' }, complete!], vars: { tracking: 'T1' } })).toEqual([]);
  });

  it('refuses an event whose object id no earlier step captures', () => {
    expect(issues({ steps: [create!, { ...paid!, event: { preset: 'payment_intent.succeeded' } }, complete!] }))
      .toEqual(['steps.1: step "paid" uses {{payment_id}}: a payment_intent.succeeded event carries it as the object id and no earlier step captures it (capture payment_id, or set event.object.id)']);
    expect(issues({ steps: [create!, { ...paid!, event: { preset: 'payment_intent.succeeded', object: { id: 'pi_{{order_id}}' } } }, complete!] })).toEqual([]);
  });

  it('refuses order routes that use what only a step after create captures', () => {
    expect(issues({ steps: checkout.steps, order: { get: { method: 'GET', path: '/checkout/{{session_id}}/' } } }))
      .toEqual(['order.get.path: uses {{session_id}}, which only step "checkout" captures, after the create step: the checks read and change an order right after creating it']);
  });

  it('runs setup steps before create and lets the flow use what they capture', () => {
    const lookup = { name: 'find-seller', role: 'setup', as: 'counterparty', method: 'GET', path: '/me/', capture: { seller_id: { from: 'body', path: 'id' } } } as const;
    const withSeller = { ...create!, body: { seller: '{{seller_id}}', total: '{{amount}}' } };
    expect(issues({ steps: [lookup, withSeller, open!, paid!, complete!] })).toEqual([]);
    expect(issues({ steps: [withSeller, open!, paid!, complete!] })).toEqual([expect.stringMatching(/^steps\.0: step "create" uses \{\{seller_id\}\}, which no step captures/)]);
    expect(issues({ steps: [create!, lookup, open!, paid!, complete!] })).toEqual(['steps.1.role: a setup step comes before the create step (it prepares what the order needs)']);
    expect(issues({ steps: [lookup, open!, paid!, complete!] })).toEqual(expect.arrayContaining(['steps.1.role: the first step must be the create step (or setup steps, then create)']));
  });
});

describe('payment events', () => {
  const vars = { order_id: 7, session_id: 'cs_test_abc', amount: 20000, currency: 'usd', event_id: 'evt_1', created: 1_700_000_000 };
  const parse = (e: object) => EscrowConfig.parse({ order: ORDER, steps: [checkout.steps![0]!, checkout.steps![1]!, { name: 'paid', role: 'confirm-payment', event: e }, checkout.steps![4]!] }).steps![2]!.event!;

  it('builds a checkout.session.completed event with the session id, amount_total and metadata', () => {
    const ev = buildEvent(parse({ preset: 'checkout.session.completed' }), vars, 'step');
    expect(ev).toMatchObject({ id: 'evt_1', object: 'event', type: 'checkout.session.completed', created: 1_700_000_000 });
    expect((ev.data as { object: object }).object).toMatchObject({
      id: 'cs_test_abc', object: 'checkout.session', amount_total: 20000, currency: 'usd', payment_status: 'paid', client_reference_id: 7, metadata: { order_id: 7 },
    });
  });

  it('merges fields and metadata over the preset, with variables typed', () => {
    const ev = buildEvent(parse({ preset: 'payment_intent.succeeded', object: { id: 'pi_{{order_id}}', amount: '{{amount}}' }, metadata: { order: '{{order_id}}', kind: 'escrow' } }), vars, 'step');
    expect((ev.data as { object: object }).object).toMatchObject({ id: 'pi_7', object: 'payment_intent', amount: 20000, metadata: { order: 7, kind: 'escrow' } });
  });

  it('names the capture an event lacks at run time (a step that answered without it)', () => {
    const { session_id: _omit, ...without } = vars;
    expect(() => buildEvent(parse({ preset: 'checkout.session.completed' }), without, 'smoke.escrow step "paid"')).toThrow(MissingVariable);
    expect(() => buildEvent(parse({ preset: 'checkout.session.completed' }), without, 'smoke.escrow step "paid"')).toThrow(/step "paid" .*\{\{session_id\}\}, which no earlier step captured/);
  });
});

describe('flow variables', () => {
  it('keeps the type of a whole placeholder, fills text inside strings and encodes path segments', () => {
    expect(fill({ a: '{{n}}', b: 'x-{{n}}', c: ['{{s}}'] }, { n: 5, s: 'y' }, 'w')).toEqual({ a: 5, b: 'x-5', c: ['y'] });
    expect(fillPathTemplate('/o/{{id}}/m/{m}', { id: 'a b', m: 3 }, 'w')).toBe('/o/a%20b/m/3');
    expect(() => fillPathTemplate('/o/{{id}}', {}, 'step "x"')).toThrow('step "x" uses {{id}}, which no earlier step captured');
  });

  it('knows which steps carry the ids an earlier step captured', () => {
    const steps = EscrowConfig.parse(checkout).steps!;
    expect(steps.map((s) => idBearing(s, new Set(['order_id'])))).toEqual([false, true, false, true, true]);
  });
});
