import { describe, expect, it } from 'vitest';
import { EscrowConfig, type EscrowConfigInput } from '../../smoke/flow/schema.ts';
import { buildEvent } from '../../smoke/flow/events.ts';
import { fill, fillPathTemplate, MissingVariable } from '../../smoke/flow/vars.ts';
import { FlowRun, idBearing, moneyVars, sendsAmount } from '../../smoke/flow/run.ts';
import { SmokeConfig } from '../../smoke/config.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { formatZodIssues } from '../../core/errors.ts';
import type { Api } from '../../smoke/lib/http.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { exponentOf, readMinor, sameAmount, showAmount, toMajor } from '../../smoke/flow/money.ts';
import { ROUTES } from '../helpers/routes.ts';

/** The order routes every flow needs; the cases below leave them out unless they test them. */
const ORDER = {
  get: { method: 'GET', path: '/orders/{{order_id}}/' },
  update: { method: 'PATCH', path: '/orders/{{order_id}}/' },
} as const;
const withOrder = (input: EscrowConfigInput): EscrowConfigInput => ({ ...input, order: { ...ORDER, ...input.order } });

const issues = (input: EscrowConfigInput) => {
  const r = EscrowConfig.safeParse(withOrder(input));
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

/** A Stripe Checkout platform: the session comes back as a redirect, the event names it, the state words differ. */
const checkout: EscrowConfigInput = {
  steps: [
    {
      name: 'create',
      role: 'create',
      path: '/orders/',
      body: { total: '{{amount}}' },
      capture: { order_id: { from: 'body', path: 'uuid' } },
    },
    {
      name: 'checkout',
      role: 'open-payment',
      path: '/orders/{{order_id}}/checkout/',
      capture: { session_id: { from: 'redirect', pattern: '/pay/(cs_test_\\w+)' } },
      expect: { status: [303] },
    },
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
    expect(EscrowConfig.safeParse({ steps: checkout.steps }).error!.issues.map((i) => i.path.join('.'))).toEqual([
      'order.get',
      'order.update',
    ]);
    expect(issues({ steps: [steps[1]!, steps[2]!, steps[4]!] })).toEqual([
      'steps: the flow has no create step (the first step after any setup steps creates the order)',
      'steps.0.role: the first step must be the create step (or setup steps, then create)',
    ]);
    expect(issues({ steps: [{ ...steps[0]!, capture: {} }, steps[2]!, steps[4]!] })).toEqual([
      'steps.0.capture: the create step must capture `order_id` (e.g. { from: "body", path: "id" })',
    ]);
    expect(issues({ steps: [steps[0]!, steps[4]!, steps[2]!] })).toContain(
      'steps.1: release comes before the payment is confirmed',
    );
    expect(issues({ steps: [steps[0]!, { name: 'paid', role: 'confirm-payment' }, steps[4]!] })).toEqual([
      expect.stringContaining('steps.1.event: a confirm-payment step sends a signed payment event'),
    ]);
    expect(
      issues({
        steps: [
          steps[0]!,
          { name: 'paid', role: 'confirm-payment', path: '/hook', event: { preset: 'custom' } },
          steps[4]!,
        ],
      }),
    ).toEqual([
      'steps.1.path: a confirm-payment step posts to smoke.webhook.path; remove `path`',
      'steps.1.event.object: a custom event needs its `object`',
    ]);
    // The session id is captured only by the step after the event that needs it.
    expect(issues({ steps: [steps[0]!, steps[2]!, steps[1]!, steps[4]!] })).toContain(
      'steps.1: step "paid" uses {{session_id}}, which only step "checkout" captures, later',
    );
    expect(
      issues({ steps: [steps[0]!, steps[2]!, { name: 'approve', role: 'fulfil', path: '/m/{{item}}' }, steps[4]!] }),
    ).toContain('steps.2: step "approve" uses {{item}} without forEach');
    expect(issues({ steps: [steps[0]!, steps[2]!, { ...steps[4]!, name: 'create' }] })).toContain(
      'steps.2.name: step name "create" is used twice',
    );
  });
});

describe('flow variables resolved when the config loads', () => {
  const [create, open, paid, deliver, complete] = checkout.steps!;
  it('refuses a variable that cannot exist at its step, naming the step and the variable', () => {
    // {{event_id}} exists only while a confirm step's event is built.
    expect(issues({ steps: [{ ...create!, body: { ref: '{{event_id}}' } }, open!, paid!, complete!] })).toEqual([
      expect.stringMatching(
        /^steps\.0: step "create" uses \{\{event_id\}\}, which exists only in a confirm-payment step's event \(available here: \{\{amount\}\}/,
      ),
    ]);
    expect(
      issues({
        steps: [create!, open!, paid!, { ...deliver!, path: '/orders/{{order_id}}/ship/{{tracking}}' }, complete!],
      }),
    ).toEqual([
      expect.stringMatching(
        /^steps\.3: step "deliver" uses \{\{tracking\}\}, which no step captures and smoke\.escrow\.vars does not set/,
      ),
    ]);
    expect(issues({ steps: [create!, open!, paid!, { ...deliver!, forEach: 'parcels' }, complete!] })).toEqual([
      expect.stringMatching(/^steps\.3: step "deliver" uses \{\{parcels\}\}, which no step captures/),
    ]);
    // A vars entry of the same name makes it exist everywhere.
    expect(
      issues({
        steps: [create!, open!, paid!, { ...deliver!, path: '/orders/{{order_id}}/ship/{{tracking}}' }, complete!],
        vars: { tracking: 'T1' },
      }),
    ).toEqual([]);
  });

  it('refuses an event whose object id no earlier step captures', () => {
    expect(
      issues({ steps: [create!, { ...paid!, event: { preset: 'payment_intent.succeeded' } }, complete!] }),
    ).toEqual([
      'steps.1: step "paid" uses {{payment_id}}: a payment_intent.succeeded event carries it as the object id and no earlier step captures it (capture payment_id, or set event.object.id)',
    ]);
    expect(
      issues({
        steps: [
          create!,
          { ...paid!, event: { preset: 'payment_intent.succeeded', object: { id: 'pi_{{order_id}}' } } },
          complete!,
        ],
      }),
    ).toEqual([]);
  });

  it('refuses order routes that use what only a step after create captures', () => {
    expect(
      issues({ steps: checkout.steps, order: { get: { method: 'GET', path: '/checkout/{{session_id}}/' } } }),
    ).toEqual([
      'order.get.path: uses {{session_id}}, which only step "checkout" captures, after the create step: the checks read and change an order right after creating it',
    ]);
  });

  it('runs setup steps before create and lets the flow use what they capture', () => {
    const lookup = {
      name: 'find-seller',
      role: 'setup',
      as: 'counterparty',
      method: 'GET',
      path: '/me/',
      capture: { seller_id: { from: 'body', path: 'id' } },
    } as const;
    const withSeller = { ...create!, body: { seller: '{{seller_id}}', total: '{{amount}}' } };
    expect(issues({ steps: [lookup, withSeller, open!, paid!, complete!] })).toEqual([]);
    expect(issues({ steps: [withSeller, open!, paid!, complete!] })).toEqual([
      expect.stringMatching(/^steps\.0: step "create" uses \{\{seller_id\}\}, which no step captures/),
    ]);
    expect(issues({ steps: [create!, lookup, open!, paid!, complete!] })).toEqual([
      'steps.1.role: a setup step comes before the create step (it prepares what the order needs)',
    ]);
    expect(issues({ steps: [lookup, open!, paid!, complete!] })).toEqual(
      expect.arrayContaining(['steps.1.role: the first step must be the create step (or setup steps, then create)']),
    );
  });
});

describe('payment events', () => {
  const vars = {
    order_id: 7,
    session_id: 'cs_test_abc',
    amount: 20000,
    currency: 'usd',
    event_id: 'evt_1',
    created: 1_700_000_000,
  };
  const parse = (e: object) =>
    EscrowConfig.parse({
      order: ORDER,
      steps: [
        checkout.steps![0]!,
        checkout.steps![1]!,
        { name: 'paid', role: 'confirm-payment', event: e },
        checkout.steps![4]!,
      ],
    }).steps![2]!.event!;

  it('builds a checkout.session.completed event with the session id, amount_total and metadata', () => {
    const ev = buildEvent(parse({ preset: 'checkout.session.completed' }), vars, 'step');
    expect(ev).toMatchObject({
      id: 'evt_1',
      object: 'event',
      type: 'checkout.session.completed',
      created: 1_700_000_000,
    });
    expect((ev.data as { object: object }).object).toMatchObject({
      id: 'cs_test_abc',
      object: 'checkout.session',
      amount_total: 20000,
      currency: 'usd',
      payment_status: 'paid',
      client_reference_id: 7,
      metadata: { order_id: 7 },
    });
  });

  it('merges fields and metadata over the preset, with variables typed', () => {
    const ev = buildEvent(
      parse({
        preset: 'payment_intent.succeeded',
        object: { id: 'pi_{{order_id}}', amount: '{{amount}}' },
        metadata: { order: '{{order_id}}', kind: 'escrow' },
      }),
      vars,
      'step',
    );
    expect((ev.data as { object: object }).object).toMatchObject({
      id: 'pi_7',
      object: 'payment_intent',
      amount: 20000,
      metadata: { order: 7, kind: 'escrow' },
    });
  });

  it('names the capture an event lacks at run time (a step that answered without it)', () => {
    const { session_id: _omit, ...without } = vars;
    expect(() =>
      buildEvent(parse({ preset: 'checkout.session.completed' }), without, 'smoke.escrow step "paid"'),
    ).toThrow(MissingVariable);
    expect(() =>
      buildEvent(parse({ preset: 'checkout.session.completed' }), without, 'smoke.escrow step "paid"'),
    ).toThrow(/step "paid" .*\{\{session_id\}\}, which no earlier step captured/);
  });
});

describe('flow variables', () => {
  it('keeps the type of a whole placeholder, fills text inside strings and encodes path segments', () => {
    expect(fill({ a: '{{n}}', b: 'x-{{n}}', c: ['{{s}}'] }, { n: 5, s: 'y' }, 'w')).toEqual({
      a: 5,
      b: 'x-5',
      c: ['y'],
    });
    expect(fillPathTemplate('/o/{{id}}/m/{m}', { id: 'a b', m: 3 }, 'w')).toBe('/o/a%20b/m/3');
    expect(() => fillPathTemplate('/o/{{id}}', {}, 'step "x"')).toThrow(
      'step "x" uses {{id}}, which no earlier step captured',
    );
  });

  it('knows whether the create step writes an amount the invalid-amount probe can bend', () => {
    const create = EscrowConfig.parse(checkout).steps![0]!;
    expect(sendsAmount(create)).toBe(true);
    expect(sendsAmount({ ...create, body: { price: '{{amount_major}}' } })).toBe(true);
    expect(sendsAmount({ ...create, body: { price: '200.00', product: '{{product_id}}' } })).toBe(false);
    expect(sendsAmount({ ...create, body: undefined, path: '/orders/?total={{milestone_amount_major_number}}' })).toBe(
      true,
    );
  });

  it('knows which steps carry the ids an earlier step captured', () => {
    const steps = EscrowConfig.parse(checkout).steps!;
    expect(steps.map((s) => idBearing(s, new Set(['order_id'])))).toEqual([false, true, false, true, true]);
  });
});

describe("amounts in the platform's units", () => {
  it("writes minor units as decimal major units with the currency's ISO 4217 exponent", () => {
    expect([
      exponentOf('usd'),
      exponentOf('USD'),
      exponentOf('jpy'),
      exponentOf('KWD'),
      exponentOf('clf'),
      exponentOf('huf'),
      exponentOf('xyz'),
    ]).toEqual([2, 2, 0, 3, 4, 2, 2]);
    expect(exponentOf('jpy', 2)).toBe(2);
    expect([
      toMajor(20000, 2),
      toMajor(20000, 0),
      toMajor(20000, 3),
      toMajor(5, 2),
      toMajor(0, 2),
      toMajor(-100, 2),
      toMajor(-50, 2),
      toMajor(199, 4),
    ]).toEqual(['200.00', '20000', '20.000', '0.05', '0.00', '-1.00', '-0.50', '0.0199']);
  });

  it('gives the flow the amount in minor units and both major forms', () => {
    expect(moneyVars(20000, 10000, 2)).toEqual({
      amount: 20000,
      amount_major: '200.00',
      amount_major_number: 200,
      milestone_amount: 10000,
      milestone_amount_major: '100.00',
      milestone_amount_major_number: 100,
    });
    expect(moneyVars(-100, -50, 0)).toMatchObject({ amount_major: '-100', milestone_amount_major_number: -50 });
  });

  it('reads "200.00" from a DecimalField as the 20000 cents paid, which the minor-unit reading false-failed', () => {
    // The report that filed this: `amount_paid is 200.00, not 20000` on a clean Django platform.
    expect(sameAmount('200.00', 20000, 'minor', 2)).toBe(false);
    expect(sameAmount('200.00', 20000, 'major', 2)).toBe(true);
    for (const v of ['200.00', '200', 200, 200.0, '200.000', ' 200.00 '])
      expect([v, sameAmount(v, 20000, 'major', 2)]).toEqual([v, true]);
    expect(sameAmount('20000.00', 20000, 'major', 0)).toBe(true);
    expect(sameAmount('20.000', 20000, 'major', 3)).toBe(true);
  });

  it('still catches a doubled or a wrong amount in either unit, and never matches what is not an amount', () => {
    expect(sameAmount('400.00', 20000, 'major', 2)).toBe(false);
    expect(sameAmount(40000, 20000, 'minor', 2)).toBe(false);
    expect(sameAmount('200.005', 20000, 'major', 2)).toBe(false);
    expect(sameAmount('2.00', 20000, 'major', 2)).toBe(false);
    expect(sameAmount(20000, 20000, 'major', 2)).toBe(false);
    expect(sameAmount('-200.00', 20000, 'major', 2)).toBe(false);
    for (const v of [null, undefined, true, '', '200,00', '$200.00', '2e4', 2e21, Number.NaN, { amount: 20000 }])
      expect([v, sameAmount(v, 20000, 'minor', 2), readMinor(v, 'major', 2)]).toEqual([v, false, undefined]);
    expect([
      sameAmount(20000, 20000, 'minor', 2),
      sameAmount('20000', 20000, 'minor', 2),
      sameAmount(20000.0, 20000, 'minor', 2),
    ]).toEqual([true, true, true]);
    expect([
      readMinor('0.50', 'major', 2),
      readMinor('-0.05', 'major', 2),
      readMinor('0.00', 'major', 2),
      readMinor('007', 'minor', 2),
    ]).toEqual(['50', '-5', '0', '7']);
  });

  it('shows the expected amount the way the platform writes it', () => {
    expect([showAmount(20000, 'major', 2), showAmount(20000, 'minor', 2), showAmount(20000, 'major', 0)]).toEqual([
      '200.00',
      '20000',
      '20000',
    ]);
  });
});

describe('money settings', () => {
  const flow = (escrow: Partial<EscrowConfigInput>) => ({
    ...checkout,
    ...escrow,
    order: { ...checkout.order, ...escrow.order },
  });

  it("defaults to minor units and the currency as written, and takes the platform's unit and case", () => {
    const d = EscrowConfig.parse(checkout);
    expect([d.amount, d.currency, d.currencyExponent, d.order.paidAmountUnit]).toEqual([
      20000,
      'usd',
      undefined,
      undefined,
    ]);
    const c = EscrowConfig.parse(
      flow({
        currency: 'USD',
        currencyExponent: 0,
        order: { ...ORDER, paidAmountPath: 'amount_paid', paidAmountUnit: 'major' },
      }),
    );
    expect([c.currency, c.currencyExponent, c.order.paidAmountUnit]).toEqual(['USD', 0, 'major']);
  });

  it('refuses impossible money settings at load, naming the key and the value', () => {
    expect(issues(flow({ currency: 'Usd' }))).toEqual([
      'currency: a three-letter ISO 4217 code, all lower case (usd) or all upper case (USD), as the platform spells it',
    ]);
    expect(issues(flow({ currency: 'dollars' }))).toHaveLength(1);
    expect(issues(flow({ currency: 'USD', otherCurrency: 'usd' }))).toEqual([
      'otherCurrency: "usd" is the flow\'s own currency ("USD"): the amount-mismatch probe needs another one',
    ]);
    expect(issues(flow({ currency: 'eur', otherCurrency: 'EUR' }))).toHaveLength(1);
    expect(issues(flow({ order: { ...ORDER, paidAmountUnit: 'major' } }))).toEqual([
      'order.paidAmountUnit: "major" has no amount to read: give order.paidAmountPath too, or remove it',
    ]);
    expect(issues(flow({ order: { ...ORDER, paidAmountPath: 'paid', paidAmountUnit: 'cents' as 'minor' } }))).toEqual([
      expect.stringMatching(/^order\.paidAmountUnit: .*"minor".*"major"/),
    ]);
    expect(issues(flow({ amount: 1 }))).toEqual([
      'amount: at least 2 minor units: the amount-mismatch probe pays a hundredth of it (at least 1), which must differ',
    ]);
    expect(issues(flow({ amount: 200.5 }))).toHaveLength(1);
    expect(issues(flow({ currencyExponent: -1 }))).toHaveLength(1);
    expect(issues(flow({ amount: 5000, invalidAmounts: [0, 5000] }))).toEqual([
      "invalidAmounts.1: 5000 is the flow's own amount, which the happy path pays: it cannot also be one the platform must refuse",
    ]);
  });

  it('says where and what, as the config loader prints it', () => {
    const input = {
      target: { baseUrl: 'https://127.0.0.1:8443' },
      smoke: {
        escrow: flow({
          currency: 'USD',
          otherCurrency: 'usd',
          order: { ...ORDER, paidAmountPath: 'amount_paid', paidAmountUnit: 'cents' as 'minor' },
        }),
      },
    };
    expect(formatZodIssues(ConfigSchema.safeParse(input).error!, input)).toEqual([
      'smoke.escrow.order.paidAmountUnit: Invalid option: expected one of "minor"|"major" (received: "cents")',
    ]);
    const second = {
      target: { baseUrl: 'https://127.0.0.1:8443' },
      smoke: { escrow: flow({ currency: 'USD', otherCurrency: 'usd' }) },
    };
    expect(formatZodIssues(ConfigSchema.safeParse(second).error!, second)).toEqual([
      'smoke.escrow.otherCurrency: "usd" is the flow\'s own currency ("USD"): the amount-mismatch probe needs another one (received: "usd")',
    ]);
  });
});

describe('what a walk sends', () => {
  /** A walk over a recording sender: what the platform would receive, in its units, and what Stripe would sign. */
  async function walk(escrow: EscrowConfigInput) {
    const sent: Array<{ path: string; json?: unknown; body?: string }> = [];
    const api = {
      send: async (r: { path: string; json?: unknown; body?: string }) => {
        sent.push(r);
        return { status: 201, json: { uuid: 7 }, text: '', headers: {} };
      },
    };
    const config = SmokeConfig.parse({
      escrow,
      webhook: { ...ROUTES.webhook, secretEnv: 'GONOGO_TEST_FLOW_WEBHOOK_SECRET' },
    });
    process.env.GONOGO_TEST_FLOW_WEBHOOK_SECRET = 'whsec_test_flow';
    const run = new FlowRun(api as unknown as Api, { config } as SmokePlan, { owner: { session: null } });
    await run.send(run.steps[0]!);
    run.vars.session_id = 'cs_test_1';
    await run.confirm();
    const event = JSON.parse(sent[1]!.body!) as { data: { object: Record<string, unknown> } };
    return { body: sent[0]!.json, object: event.data.object };
  }
  const body = {
    total: '{{amount_major}}',
    total_number: '{{amount_major_number}}',
    cents: '{{amount}}',
    currency: '{{currency}}',
  };

  it("writes the body in the platform's units and case, and signs the event in Stripe's: minor units, lower case", async () => {
    const steps = [{ ...checkout.steps![0]!, body }, ...checkout.steps!.slice(1)];
    const usd = await walk({ ...checkout, steps, currency: 'USD' });
    expect(usd.body).toEqual({ total: '200.00', total_number: 200, cents: 20000, currency: 'USD' });
    expect(usd.object).toMatchObject({ amount_total: 20000, currency: 'usd' });
    const yen = await walk({ ...checkout, steps, currency: 'JPY', amount: 5000 });
    expect(yen.body).toEqual({ total: '5000', total_number: 5000, cents: 5000, currency: 'JPY' });
    expect(yen.object).toMatchObject({ amount_total: 5000, currency: 'jpy' });
  });
});

describe('the variables the load-time check knows', () => {
  it('are the amount forms a walk sets, so no amount variable is refused at load that a walk would fill', async () => {
    const { moneyVars } = await import('../../smoke/flow/run.ts');
    const { AMOUNT_VARS } = await import('../../smoke/flow/scope.ts');
    expect(Object.keys(moneyVars(20000, 10000, 2)).sort()).toEqual([...AMOUNT_VARS].sort());
  });
});
