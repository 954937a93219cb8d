import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { Res, Session } from '../../core/signin/http.ts';
import type { SmokePlan } from '../lib/plan.ts';
import { secretFromEnv } from '../lib/plan.ts';
import { isRefused } from '../lib/refusal.ts';
import { getAll, getPath } from '../../core/jsonpath.ts';
import { withFields, type Sender } from '../../core/signin/accounts.ts';
import { waitForVerificationMail } from '../../core/signin/mail.ts';
import { asControl, asProbe, control } from '../lib/outcome.ts';
import { buildEvent } from './events.ts';
import { exponentOf, stripeCurrency, toMajor } from './money.ts';
import type { Capture, Step } from './schema.ts';
import {
  fill,
  fillPathTemplate,
  MissingVariable,
  pathPlaceholders,
  placeholders,
  type FlowValue,
  type FlowVars,
} from './vars.ts';

export const NO_FLOW =
  'no payment flow configured (smoke.escrow.steps): gonogo cannot guess how the platform takes money';

export interface Actor {
  session: Session | null;
  email?: string;
}
export interface Actors {
  owner: Actor;
  counterparty?: Actor;
}

/** How a confirm event is bent by a probe: wrong secret, no signature, old timestamp, other amount or currency, same id. */
export interface EventOptions {
  secret?: string;
  unsigned?: boolean;
  ageS?: number;
  amount?: number;
  currency?: string;
  eventId?: string;
}

/** A step answered as the flow expects (default: 2xx or 3xx). */
export function stepOk(step: Step, r: Res): boolean {
  if (step.expect.status) return step.expect.status.includes(r.status);
  return r.status >= 200 && r.status < 400 && (!step.expect.contains || r.text.includes(step.expect.contains));
}

export function webhookSecret(plan: SmokePlan): string {
  const s = secretFromEnv(plan.config.webhook.secretEnv);
  // Test events only: a live key here means the config points at production money.
  if (s.startsWith('sk_live_'))
    throw new Error(
      `${plan.config.webhook.secretEnv} holds a live Stripe key (sk_live_...): gonogo only sends signed test events`,
    );
  return s;
}

/** Steps that use a value an earlier step captured (the ones another user's session must not be able to drive). */
export function idBearing(step: Step, captured: Set<string>): boolean {
  const used = new Set([...pathPlaceholders(step.path ?? ''), ...placeholders(step.body)]);
  return [...used].some((k) => captured.has(k));
}

/**
 * One walk through the configured flow for one order. Each probe builds its own walk and bends one step
 * (skips it, sends it as someone else, signs its event wrongly); the state of the order is read through
 * `escrow.order.get` as the owner.
 */
export class FlowRun {
  readonly vars: FlowVars;
  readonly sent: Array<{ step: string; res: Res }> = [];
  private readonly captured = new Set<string>();
  lastEvent?: { id: string };
  private setUp = false;

  /** How the legitimate steps' requests are labelled: `control` when a probe stands on them, `probe` when the walk is the check. */
  private readonly legit: <T>(fn: () => Promise<T>) => Promise<T>;

  /** `judged`: the walk itself is what the check judges (escrow.happy-path), so its steps are not its controls. */
  constructor(
    private readonly api: Sender,
    private readonly plan: SmokePlan,
    private readonly actors: Actors,
    o: { amount?: number; milestoneAmount?: number; judged?: boolean } = {},
  ) {
    this.legit = o.judged ? asProbe : asControl;
    const e = plan.config.escrow;
    const amount = o.amount ?? e.amount;
    this.vars = {
      ...e.vars,
      ...moneyVars(amount, o.milestoneAmount ?? Math.trunc(amount / 2), exponentOf(e.currency, e.currencyExponent)),
      currency: e.currency,
      description: `gonogo smoke order ${randomBytes(3).toString('hex')}`,
      funded_state: e.order.states.funded[0]!,
    };
  }

  /** The flow's amount in minor units, as the payment events carry it. */
  get amount(): number {
    return Number(this.vars.amount);
  }

  get steps(): Step[] {
    const steps = this.plan.config.escrow.steps;
    if (!steps) throw new Error(NO_FLOW);
    return steps;
  }
  get orderId(): FlowValue | undefined {
    return this.vars.order_id;
  }
  stepsOf(role: Step['role']): Step[] {
    return this.steps.filter((s) => s.role === role);
  }
  /** The step that creates the order (the schema requires exactly one, after any setup steps). */
  get createStep(): Step {
    return this.stepsOf('create')[0]!;
  }
  /** Steps after the create step and before the payment is confirmed (open payment and the like). */
  get beforeConfirm(): Step[] {
    const steps = this.steps;
    return steps.slice(
      steps.indexOf(this.createStep) + 1,
      steps.findIndex((s) => s.role === 'confirm-payment'),
    );
  }
  get capturedNames(): Set<string> {
    return new Set(this.captured);
  }

  actor(step: Step, as?: Actor | null): Session | null {
    if (as !== undefined) return as?.session ?? null;
    if (step.as === 'anonymous') return null;
    if (step.as === 'counterparty') {
      control(
        this.actors.counterparty,
        `step "${step.name}" is sent by the counterparty, and no ${this.plan.config.roles.counterparty} account is configured (smoke.accounts, smoke.roles.counterparty)`,
      );
      return this.actors.counterparty.session;
    }
    return this.actors.owner.session;
  }

  /** Sends a request step (once per item with forEach); `as` overrides who sends it; captures only from answers that worked. */
  async send(step: Step, o: { as?: Actor | null; items?: (all: FlowValue[]) => FlowValue[] } = {}): Promise<Res[]> {
    if (step.role === 'confirm-payment') return [await this.confirm(step)];
    const where = `smoke.escrow step "${step.name}"`;
    const list = step.forEach ? this.list(step.forEach, where) : [null];
    const items = step.forEach && o.items ? o.items(list) : list;
    const out: Res[] = [];
    for (const item of items) {
      const vars = step.forEach ? { ...this.vars, item } : this.vars;
      const since = Date.now();
      const body = step.body === undefined ? undefined : fill(step.body, vars, where);
      const res = await this.api.send({
        method: step.method,
        path: fillPathTemplate(step.path!, vars, where),
        session: this.actor(step, o.as),
        headers: fill(step.headers, vars, where) as Record<string, string>,
        ...(body === undefined ? {} : step.encoding === 'json' ? { json: body } : { form: formOf(body) }),
      });
      this.sent.push({ step: step.name, res });
      if (stepOk(step, res)) await this.capture(step, res, since, o.as);
      out.push(res);
    }
    return out;
  }

  /** Sends a step and requires it to work: a step of the legitimate path that fails makes the probe an error. */
  async must(step: Step, o: { items?: (all: FlowValue[]) => FlowValue[] } = {}): Promise<Res[]> {
    const responses = await this.legit(() => this.send(step, o));
    const bad = responses.filter((r) => !stepOk(step, r));
    control(
      bad.length === 0,
      `step "${step.name}" (${step.role}) answered ${bad.map((r) => r.status).join(', ')}${step.expect.status ? `, expected ${step.expect.status.join('/')}` : ''}`,
    );
    for (const k of Object.keys(step.capture))
      control(
        this.vars[k] !== undefined,
        `step "${step.name}" answered without a value for ${k} (${describe(step.capture[k]!)})`,
      );
    return responses;
  }

  /** Runs the setup steps (look-ups before the order exists), once per walk. */
  async setup(): Promise<void> {
    if (this.setUp) return;
    for (const s of this.stepsOf('setup')) await this.must(s);
    this.setUp = true;
  }

  /** Creates the order: the precondition of every escrow probe. */
  async create(): Promise<void> {
    await this.setup();
    const create = this.createStep;
    await this.must(create);
    control(
      typeof this.vars.order_id === 'string' || typeof this.vars.order_id === 'number',
      `step "${create.name}" captured no usable order id`,
    );
  }

  /** Runs every step before the confirm step (create included), as the flow says. */
  async toPayment(): Promise<void> {
    await this.create();
    for (const s of this.beforeConfirm) await this.must(s);
  }

  /** Posts the confirm step's event, signed (or bent as `o` says), to the webhook route as the payment provider. */
  async confirm(step = this.stepsOf('confirm-payment')[0]!, o: EventOptions = {}): Promise<Res> {
    const w = this.plan.config.webhook;
    const eventId = o.eventId ?? `evt_gonogo_${randomBytes(8).toString('hex')}`;
    const timestamp = Math.floor(Date.now() / 1000) - (o.ageS ?? 0);
    // Stripe's API speaks minor units and lower-case currencies, whatever the platform's own API does.
    const vars: FlowVars = {
      ...this.vars,
      event_id: eventId,
      created: timestamp,
      amount: o.amount ?? this.amount,
      currency: stripeCurrency(o.currency ?? String(this.vars.currency)),
    };
    const payload = JSON.stringify(buildEvent(step.event!, vars, `smoke.escrow step "${step.name}"`));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!o.unsigned)
      headers[w.signatureHeader.toLowerCase()] = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: o.secret ?? webhookSecret(this.plan),
        timestamp,
      });
    const res = await this.api.send({
      method: 'POST',
      path: routePath(w.path, 'smoke.webhook.path'),
      body: payload,
      identity: 'payment-provider',
      headers,
    });
    this.sent.push({ step: step.name, res });
    this.lastEvent = { id: eventId };
    return res;
  }

  /** The order as its owner reads it. */
  async read(as: Actor | null = this.actors.owner): Promise<{ res: Res; state: unknown }> {
    const o = this.plan.config.escrow.order;
    // The schema requires order.get and order.update whenever a flow is configured, and a FlowRun needs one.
    const get = o.get!;
    const res = await this.api.send({
      method: get.method,
      path: fillPathTemplate(get.path, this.vars, 'smoke.escrow.order.get'),
      session: as?.session ?? null,
    });
    return { res, state: getPath(res.json, o.statePath) };
  }

  /** The order's update route (`escrow.order.update`) with a body template. */
  async update(body: Record<string, unknown>, as: Actor | null = this.actors.owner): Promise<Res> {
    const o = this.plan.config.escrow.order;
    const where = 'smoke.escrow.order.update';
    const update = o.update!;
    return this.api.send({
      method: update.method,
      path: fillPathTemplate(update.path, this.vars, where),
      json: fill(body, this.vars, where),
      session: as?.session ?? null,
    });
  }

  async state(): Promise<unknown> {
    const { res, state } = await this.read();
    control(res.status >= 200 && res.status < 300, `the owner reading its order answered ${res.status}`);
    return this.present(state);
  }

  /** A state that is not there is no evidence: "not funded" must be read, not inferred from a missing field. */
  present(state: unknown): unknown {
    control(
      state !== undefined && state !== null,
      `the order as its owner reads it has no state at "${this.plan.config.escrow.order.statePath}" (smoke.escrow.order.statePath)`,
    );
    return state;
  }

  /** The owner changes its own order's description through escrow.order.update and reads it back: the route works. */
  async ownerUpdates(): Promise<void> {
    const path = this.plan.config.escrow.order.descriptionPath;
    const text = `gonogo owner edit ${randomBytes(3).toString('hex')}`;
    const r = await this.legit(() => this.update(withFields({}, { [path]: text })));
    control(
      r.status >= 200 && r.status < 300,
      `the owner changing its own order through smoke.escrow.order.update answered ${r.status}`,
    );
    const { res } = await this.legit(() => this.read());
    control(
      getPath(res.json, path) === text,
      `after the owner's change the order's "${path}" (smoke.escrow.order.descriptionPath) is ${JSON.stringify(getPath(res.json, path))}, not the text sent`,
    );
  }

  /** The positive control of a probe that bent the payment: the correctly signed event still funds this same order. */
  async fundsWhenSigned(): Promise<void> {
    const res = await this.legit(() => this.confirm());
    control(
      res.status >= 200 && res.status < 300,
      `after the probe, a correctly signed payment event for the same order answered ${res.status}`,
    );
    const state = await this.legit(() => this.state());
    control(
      this.isFunded(state),
      `after the probe, a correctly signed payment event left the same order "${String(state)}", not funded: the probe's refusal may not come from the check it makes`,
    );
  }

  isFunded(state: unknown): boolean {
    return this.plan.config.escrow.order.states.funded.includes(String(state));
  }
  isReleased(state: unknown): boolean {
    return this.plan.config.escrow.order.states.released.includes(String(state));
  }
  /** Money moved: funded or released. */
  moved(state: unknown): boolean {
    return this.isFunded(state) || this.isReleased(state);
  }

  /** Create, open, confirm (signed), and a funded order as the control. */
  async funded(): Promise<void> {
    await this.toPayment();
    const res = await this.legit(() => this.confirm());
    control(res.status >= 200 && res.status < 300, `a correctly signed payment event answered ${res.status}`);
    const state = await this.legit(() => this.state());
    control(
      this.isFunded(state),
      `after a correctly signed payment the order is "${String(state)}", not ${this.plan.config.escrow.order.states.funded.map((s) => `"${s}"`).join(' or ')}`,
    );
  }

  /** Every step between the confirmation and the release (fulfil and the like; refunds excluded). */
  get afterConfirm(): Step[] {
    const steps = this.steps;
    return steps
      .slice(steps.findIndex((s) => s.role === 'confirm-payment') + 1)
      .filter((s) => s.role !== 'release' && s.role !== 'refund');
  }

  /** A funded order with every step up to the release done. */
  async ready(): Promise<void> {
    await this.funded();
    for (const s of this.afterConfirm) await this.must(s);
  }

  async release(as?: Actor | null): Promise<Res> {
    const step = this.stepsOf('release')[0]!;
    const rs = await this.send(step, { as });
    // A release repeated per item (forEach) is judged by every answer: a probe by any that was let through, the owner by any that failed.
    return (as === undefined ? rs.find((r) => !stepOk(step, r)) : rs.find((r) => !isRefused(r, this.plan))) ?? rs[0]!;
  }

  private list(name: string, where: string): FlowValue[] {
    const v = this.vars[name];
    if (v === undefined) throw new MissingVariable(`${where} repeats over {{${name}}}, which no earlier step captured`);
    return Array.isArray(v) ? v : [v];
  }

  private async capture(step: Step, res: Res, since: number, as: Actor | null | undefined): Promise<void> {
    for (const [name, c] of Object.entries(step.capture)) {
      const v = await this.captureOne(c, res, since, as === undefined ? this.actors.owner : as);
      if (v !== undefined) {
        this.vars[name] = v;
        this.captured.add(name);
      }
    }
  }

  private async captureOne(c: Capture, res: Res, since: number, actor: Actor | null): Promise<FlowValue | undefined> {
    const pick = (text: string | undefined, pattern?: string) => {
      if (text === undefined) return undefined;
      if (!pattern) return text;
      const m = new RegExp(pattern).exec(text);
      return m ? (m[1] ?? m[0]) : undefined;
    };
    switch (c.from) {
      case 'body': {
        const scalar = (x: unknown): x is string | number | boolean =>
          ['string', 'number', 'boolean'].includes(typeof x);
        if (c.all) {
          const all = getAll(res.json, c.path).filter(scalar);
          return all.length ? all : undefined;
        }
        const v = getPath(res.json, c.path);
        return scalar(v) ? v : undefined;
      }
      case 'header':
        return pick(res.headers[c.name.toLowerCase()], c.pattern);
      case 'redirect':
        return pick(res.headers.location, c.pattern);
      case 'mail': {
        control(actor?.email, "a mail capture needs the address of the step's sender");
        const mail = await waitForVerificationMail(this.plan, actor.email, since - 1000);
        return pick(`${mail.text}\n${mail.html}`, c.pattern);
      }
    }
  }
}

/** Variables that carry the order's amount (the invalid-amount probe bends them). */
export { AMOUNT_VARS } from './scope.ts';
import { AMOUNT_VARS } from './scope.ts';
import { routePath } from '../routes.ts';

/** Whether a step writes the order's amount through a variable gonogo can bend (not a literal, not a capture). */
export function sendsAmount(step: Step): boolean {
  const used = new Set([
    ...pathPlaceholders(step.path ?? ''),
    ...placeholders(step.body),
    ...placeholders(step.headers),
  ]);
  return AMOUNT_VARS.some((v) => used.has(v));
}

/** The amount variables: minor units as given, and decimal major units as text ("200.00", exact) and as a JSON number (200). */
export function moneyVars(amount: number, milestone: number, exponent: number): FlowVars {
  const major = (minor: number) => toMajor(minor, exponent);
  return {
    amount,
    amount_major: major(amount),
    amount_major_number: Number(major(amount)),
    milestone_amount: milestone,
    milestone_amount_major: major(milestone),
    milestone_amount_major_number: Number(major(milestone)),
  };
}

function describe(c: Capture): string {
  switch (c.from) {
    case 'body':
      return `body path ${c.path}`;
    case 'header':
      return `header ${c.name}`;
    case 'redirect':
      return 'redirect Location';
    case 'mail':
      return `mail pattern ${c.pattern}`;
  }
}

function formOf(body: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
}
