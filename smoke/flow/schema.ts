import { z } from 'zod';
import { AMOUNT_UNITS } from './money.ts';
import { scopeIssues } from './scope.ts';

/**
 * The payment/escrow flow as data: an ordered list of named steps, each a request template (or, for the
 * confirm step, a payment event gonogo signs and sends), with captures and a role. The suite derives every
 * escrow non-bypass check from the flow, so a Stripe Checkout platform, a PaymentIntent platform and one that
 * opens the payment in a separate call are three flow definitions, not three code paths.
 */
const method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** A path template: `{{order_id}}` (or the short `{order_id}`) is replaced by a variable, URL-encoded. */
const pathTemplate = z.string().regex(/^\//, 'a path starting with "/" (resolved against target.baseUrl)');
const template = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);
const varName = z.string().regex(/^[a-z_][a-z0-9_]*$/i, 'a variable name (letters, digits, _)');
/** An ISO 4217 code in one case, as the platform spells it. */
const currencyCode = z
  .string()
  .regex(
    /^(?:[a-z]{3}|[A-Z]{3})$/,
    'a three-letter ISO 4217 code, all lower case (usd) or all upper case (USD), as the platform spells it',
  );

/** `setup` steps come before `create`: they look up what the order needs (the counterparty's id, a product, a price) and capture it. */
export const STEP_ROLES = [
  'setup',
  'create',
  'open-payment',
  'confirm-payment',
  'fulfil',
  'release',
  'refund',
] as const;
export type StepRole = (typeof STEP_ROLES)[number];

/** Where a step's value comes from once it answered. */
export const Capture = z.union([
  /** A JSON path into the response body; `all` keeps every match (a list, e.g. milestone ids for `forEach`). */
  z.object({ from: z.literal('body'), path: z.string().min(1), all: z.boolean().default(false) }).strict(),
  /** A response header; `pattern` (one capture group) picks a part of it. */
  z.object({ from: z.literal('header'), name: z.string().min(1), pattern: z.string().optional() }).strict(),
  /** The Location of a redirect (e.g. to a hosted checkout page); `pattern` picks a part (a session id). */
  z.object({ from: z.literal('redirect'), pattern: z.string().optional() }).strict(),
  /** The newest mail to the step's actor since the step; `pattern` (one capture group) over its text. */
  z.object({ from: z.literal('mail'), pattern: z.string().min(1) }).strict(),
]);
export type Capture = z.infer<typeof Capture>;

/** Payment event shapes gonogo knows; `custom` sends `object` as given. */
export const EVENT_PRESETS = [
  'payment_intent.succeeded',
  'checkout.session.completed',
  'charge.succeeded',
  'custom',
] as const;

const Event = z
  .object({
    /** Object shape with Stripe's field names for the event type; `custom` needs `object`. */
    preset: z.enum(EVENT_PRESETS).default('payment_intent.succeeded'),
    /** Event `type` sent (default: the preset's). */
    type: z.string().optional(),
    /** Fields merged over the preset's `data.object` (or the whole object for `custom`); `{{vars}}` from any capture. */
    object: z.record(z.string(), z.unknown()).optional(),
    /** The object's `metadata` (Stripe keeps it across the flow: the usual way back to the order). */
    metadata: z.record(z.string(), z.unknown()).default({ order_id: '{{order_id}}' }),
  })
  .strict();
export type FlowEvent = z.infer<typeof Event>;

const Expect = z
  .object({
    /** Statuses that mean the step worked; default any 2xx or 3xx. */
    status: z.array(z.number().int().min(100).max(599)).optional(),
    /** Response text that must appear (a status word such as "paid"). */
    contains: z.string().optional(),
  })
  .strict();

export const Step = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/i, 'a step name (letters, digits, -)'),
    role: z.enum(STEP_ROLES),
    /** Who sends it: the order's owner, the counterparty (e.g. the seller marking delivery), nobody signed in. Ignored for confirm-payment. */
    as: z.enum(['owner', 'counterparty', 'anonymous']).default('owner'),
    method: method.default('POST'),
    path: pathTemplate.optional(),
    body: template.optional(),
    encoding: z.enum(['json', 'form']).default('json'),
    headers: z.record(z.string(), z.string()).default({}),
    /** Repeat the step once per item of a list variable (e.g. `milestones`), the item as `{{item}}`. */
    forEach: varName.optional(),
    capture: z.record(varName, Capture).default({}),
    expect: Expect.prefault({}),
    /** confirm-payment only: the event gonogo signs and posts to `smoke.webhook.path`. */
    event: Event.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.role === 'confirm-payment') {
      if (!s.event)
        ctx.addIssue({
          code: 'custom',
          path: ['event'],
          message:
            'a confirm-payment step sends a signed payment event: give `event` (e.g. { preset: "checkout.session.completed" })',
        });
      if (s.path)
        ctx.addIssue({
          code: 'custom',
          path: ['path'],
          message: 'a confirm-payment step posts to smoke.webhook.path; remove `path`',
        });
      if (s.event?.preset === 'custom' && !s.event.object)
        ctx.addIssue({ code: 'custom', path: ['event', 'object'], message: 'a custom event needs its `object`' });
    } else {
      if (!s.path) ctx.addIssue({ code: 'custom', path: ['path'], message: `a ${s.role} step needs a \`path\`` });
      if (s.event)
        ctx.addIssue({ code: 'custom', path: ['event'], message: 'only a confirm-payment step sends an event' });
    }
  });
export type Step = z.infer<typeof Step>;

const Route = z.object({ method: method, path: pathTemplate }).strict();

export const EscrowConfig = z
  .object({
    /**
     * The flow, in order; without it the escrow checks are skipped (no flow can be guessed). Variables: `{{order_id}}` and whatever earlier steps capture, `{{amount}}`, `{{currency}}`,
     * `{{milestone_amount}}` (and their `_major`, `_major_number` forms), `{{description}}`, `{{funded_state}}`, `{{event_id}}` and `{{created}}` in a confirm-payment event, `{{item}}` in a `forEach` step, and `vars`;
     * each use is checked when the config loads (smoke/flow/scope.ts).
     */
    steps: z.array(Step).min(2).optional(),
    /** Extra template variables, e.g. `{ manufacturer_id: 12 }`. */
    vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    /** In minor units (cents), Stripe's unit: `{{amount}}` as is, `{{amount_major}}` ("200.00") and `{{amount_major_number}}` (200) in major units. At least 2, so the mismatch probe's hundredth differs. */
    amount: z
      .number()
      .int()
      .min(
        2,
        'at least 2 minor units: the amount-mismatch probe pays a hundredth of it (at least 1), which must differ',
      )
      .default(20_000),
    /** As the platform spells it (`usd` or `USD`): `{{currency}}` sends it as written; payment events carry it in lower case, as Stripe does. */
    currency: currencyCode.default('usd'),
    /** Digits after the decimal point in major units (default: the currency's ISO 4217 minor unit, 2 for most, 0 for jpy, 3 for kwd). */
    currencyExponent: z.number().int().min(0).max(8).optional(),
    /** Another currency for the amount-mismatch probe (default: eur, or gbp when the flow pays in eur). */
    otherCurrency: currencyCode.optional(),
    /** Amounts (minor units) a create step must refuse; sent through the same variables as `amount`. */
    invalidAmounts: z.array(z.number()).min(1).default([0, -100]),
    /** How the suite reads the order's state. */
    order: z
      .object({
        /** Route that reads one order (`{{order_id}}`); required with a flow: no route can be guessed. */
        get: Route.optional(),
        /** Route the owner may use to change its own order (the PATCH probe and the ownership check use it); required with a flow. */
        update: Route.optional(),
        statePath: z.string().min(1).default('status'),
        descriptionPath: z.string().min(1).default('description'),
        /** State words: after a confirmed payment, after release. */
        states: z
          .object({
            funded: z.array(z.string()).min(1).default(['funded']),
            released: z.array(z.string()).min(1).default(['released']),
          })
          .strict()
          .prefault({}),
        /** Body of the state PATCH probe: every way a naive handler could be told "paid". */
        markPaidBody: z.record(z.string(), z.unknown()).default({
          status: '{{funded_state}}',
          state: '{{funded_state}}',
          paid: true,
          funded: true,
          is_paid: true,
          payment_status: 'paid',
        }),
        /** Boolean fields that must not turn true through the PATCH probe. */
        paidFlags: z.array(z.string()).default(['paid', 'funded', 'is_paid']),
        /** Amount the order has received, when the API exposes it: the replay check then also compares it. */
        paidAmountPath: z.string().optional(),
        /** How the platform writes that amount: `minor` (20000) or `major` (decimal major units, "200.00" or 200.0, in the currency's exponent). */
        paidAmountUnit: z.enum(AMOUNT_UNITS).optional(),
      })
      .strict()
      .prefault({}),
    counterpartyRole: z.never({ error: 'moved to smoke.roles.counterparty' }).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    // Money settings that contradict each other are refused before any request is sent.
    if (e.otherCurrency && e.otherCurrency.toLowerCase() === e.currency.toLowerCase())
      ctx.addIssue({
        code: 'custom',
        path: ['otherCurrency'],
        message: `"${e.otherCurrency}" is the flow's own currency ("${e.currency}"): the amount-mismatch probe needs another one`,
      });
    const valid = e.invalidAmounts.indexOf(e.amount);
    if (valid >= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['invalidAmounts', valid],
        message: `${e.amount} is the flow's own amount, which the happy path pays: it cannot also be one the platform must refuse`,
      });
    if (e.order.paidAmountUnit && !e.order.paidAmountPath)
      ctx.addIssue({
        code: 'custom',
        path: ['order', 'paidAmountUnit'],
        message: `"${e.order.paidAmountUnit}" has no amount to read: give order.paidAmountPath too, or remove it`,
      });
    if (!e.steps) return;
    if (!e.order.get)
      ctx.addIssue({
        code: 'custom',
        path: ['order', 'get'],
        message:
          'the flow needs the route that reads an order, e.g. { method: "GET", path: "/api/orders/{{order_id}}" }',
      });
    if (!e.order.update)
      ctx.addIssue({
        code: 'custom',
        path: ['order', 'update'],
        message:
          'the flow needs the route the owner changes its order with, e.g. { method: "PATCH", path: "/api/orders/{{order_id}}" }',
      });
    const roles = e.steps.map((s) => s.role);
    const need = (role: StepRole, why: string) => {
      if (!roles.includes(role))
        ctx.addIssue({ code: 'custom', path: ['steps'], message: `the flow has no ${role} step (${why})` });
    };
    need('create', 'the first step after any setup steps creates the order');
    need('confirm-payment', 'a signed payment event confirms it');
    need('release', 'funds leave escrow through it');
    const createAt = roles.indexOf('create');
    const firstOther = roles.findIndex((r) => r !== 'setup');
    if (firstOther >= 0 && roles[firstOther] !== 'create')
      ctx.addIssue({
        code: 'custom',
        path: ['steps', firstOther, 'role'],
        message:
          createAt < 0
            ? 'the first step must be the create step (or setup steps, then create)'
            : 'the first step after the setup steps must be the create step',
      });
    roles.forEach((r, i) => {
      if (r === 'setup' && createAt >= 0 && i > createAt)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'role'],
          message: 'a setup step comes before the create step (it prepares what the order needs)',
        });
    });
    if (roles.filter((r) => r === 'create').length > 1)
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'the flow has more than one create step' });
    const steps = e.steps;
    const create = steps[createAt];
    if (create && !create.capture.order_id)
      ctx.addIssue({
        code: 'custom',
        path: ['steps', createAt, 'capture'],
        message: 'the create step must capture `order_id` (e.g. { from: "body", path: "id" })',
      });
    const confirm = roles.indexOf('confirm-payment');
    const release = roles.indexOf('release');
    if (confirm >= 0 && release >= 0 && release < confirm)
      ctx.addIssue({
        code: 'custom',
        path: ['steps', release],
        message: 'release comes before the payment is confirmed',
      });
    const names = new Set<string>();
    steps.forEach((s, i) => {
      if (names.has(s.name))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'name'], message: `step name "${s.name}" is used twice` });
      names.add(s.name);
    });
    // Every variable resolved now, where it is used: a name that cannot exist there is refused at load, not met by every check at run time.
    // Without a create step that captures the order id every use would be named: the messages above say what to fix first.
    if (create?.capture.order_id)
      for (const issue of scopeIssues({ ...e, steps })) ctx.addIssue({ code: 'custom', ...issue });
  });
export type EscrowConfig = z.infer<typeof EscrowConfig>;
export type EscrowConfigInput = z.input<typeof EscrowConfig>;
