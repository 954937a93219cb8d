import { EscrowConfig } from '../../smoke/flow/schema.ts';
import type { ApiDocument, Operation, Schema } from './document.ts';
import { findPath, okSchema, propsOf } from './auth.ts';
import { explain, pick, type Pick } from './match.ts';
import { noted, type Noted } from './render.ts';
import { fieldKey, pickField, wordsOf, type Vocabulary } from './vocabulary.ts';

export interface FlowDraft {
  escrow: Noted;
  /** The order body's counterparty field (`seller`, `vendor_id`), which may name the counterparty's role. */
  party?: string;
  webhook?: Noted;
  todos: string[];
}

const trim = (p: string): string => p.replace(/\/+$/, '');
const isString = (s: Schema | undefined): boolean =>
  Array.isArray(s?.type) ? s!.type.includes('string') : s?.type === 'string';

/** The operation's path with the order's parameter as {{order_id}} and a second parameter as {{item}}. */
function template(path: string): string {
  let n = 0;
  return path.replace(/\{[^}]+\}/g, () => (n++ === 0 ? '{{order_id}}' : '{{item}}'));
}

/** The counterparty field of an order body: `vendor_id`, `seller`, `manufacturer_id` (the id suffix aside). */
function counterpartyField(v: Vocabulary, names: string[]): string | undefined {
  return names.find((n) => v.fields.counterparty.some((w) => fieldKey(w) === fieldKey(n).replace(/id$/, '')));
}

/**
 * The payment/escrow flow as a skeleton: the routes the document shows (create, open payment, fulfil, release, the
 * order's get and update), captures from their response schemas, and TODOs for what only the team knows (who sends a
 * step, state words the document does not list). A skeleton the flow schema refuses is written commented out.
 */
export function draftFlow(v: Vocabulary, doc: ApiDocument, me: Operation | undefined): FlowDraft {
  const todos: string[] = [];
  const create = pick(v, doc, 'orders');
  const webhookPick = pick(v, doc, 'webhook');
  const webhook = webhookPick.best
    ? noted(
        { path: webhookPick.best.op.path, secretEnv: 'GONOGO_WEBHOOK_SECRET' },
        `webhook: ${explain(webhookPick)}`,
        ...(webhookPick.ambiguous ? [`TODO: ambiguous; check which route receives the payment provider's events`] : []),
      )
    : undefined;
  if (!webhookPick.best) todos.push('webhook: no operation found');
  const cop = create.best?.op;
  if (!cop) {
    todos.push('escrow: no order-creating operation');
    return {
      escrow: noted(
        {},
        `escrow: ${explain(create)}`,
        'TODO: no operation creates an order, so no payment flow was drafted; without steps the escrow checks skip (docs/flows.md)',
      ),
      ...(webhook ? { webhook } : {}),
      todos,
    };
  }
  const coll = trim(cop.path);
  const item = doc.operations.filter(
    (o) => /^\{[^}]+\}\/?$/.test(o.path.slice(coll.length + 1)) && o.path.startsWith(`${coll}/`),
  );
  const under = (o: Operation) => o.path.startsWith(`${coll}/{`);
  const scoped = (kind: 'pay' | 'fulfil' | 'release' | 'refund'): Pick =>
    pick(v, { ...doc, operations: doc.operations.filter(under) }, kind);
  const get = item.find((o) => o.method === 'GET');
  const update = item.find((o) => o.method === 'PATCH') ?? item.find((o) => o.method === 'PUT');
  const notes: string[] = [`create: ${explain(create)}`];
  if (create.ambiguous) {
    notes.push('TODO: ambiguous; check which route creates an order');
    todos.push('escrow.create: ambiguous');
  }

  // The create step's body: the money, the counterparty (looked up by a setup step) and the items (milestones).
  const props = propsOf(cop.body?.schema);
  const names = Object.keys(props);
  const body: Record<string, unknown> = {};
  const steps: Record<string, unknown>[] = [];
  const amountField = pickField(v, 'amount', names);
  const major = isString(props[amountField ?? '']);
  const money = major ? '{{amount_major}}' : '{{amount}}';
  const party = counterpartyField(v, names);
  if (party) {
    const varName = /_?id$/i.test(party) ? party : `${party}_id`;
    const idField = pickField(v, 'id', Object.keys(propsOf(okSchema(me)))) ?? 'id';
    steps.push({
      name: 'find-counterparty',
      role: 'setup',
      as: 'counterparty',
      method: me?.method ?? 'GET',
      path: me?.path ?? '/api/auth/me',
      capture: { [varName]: { from: 'body', path: idField } },
    });
    body[party] = `{{${varName}}}`;
    notes.push(
      `find-counterparty: the order names its counterparty by id ("${party}"); the counterparty account reads its own id from \`me\``,
    );
  }
  const currency = pickField(v, 'currency', names);
  let currencyCode: string | undefined;
  for (const n of names) {
    if (n === party) continue;
    if (n === amountField) body[n] = money;
    else if (n === currency) {
      body[n] = '{{currency}}';
      const codes = (props[n]?.enum ?? []).map(String);
      if (codes.length && codes.every((c) => c === c.toUpperCase()))
        currencyCode = codes.find((c) => /^USD$/.test(c)) ?? codes[0];
    } else if (n === pickField(v, 'description', names)) body[n] = '{{description}}';
    else if (n === pickField(v, 'items', names) && props[n]?.items) {
      const ip = propsOf(props[n]!.items);
      const amt = pickField(v, 'amount', Object.keys(ip));
      const label = pickField(v, 'description', Object.keys(ip));
      const one = (title: string) => ({
        ...(label ? { [label]: title } : {}),
        ...(amt ? { [amt]: major ? '{{milestone_amount_major}}' : '{{milestone_amount}}' } : {}),
      });
      body[n] = [one('Design'), one('Delivery')];
    } else if ((cop.body?.schema.required ?? []).includes(n)) {
      body[n] = 'TODO';
      notes.push(`TODO: create-order's "${n}" is required and gonogo has no value for it`);
      todos.push(`escrow create body ${n}`);
    }
  }
  if (!amountField) {
    notes.push('TODO: no amount field in the order body');
    todos.push('escrow amount');
  }
  const res = okSchema(cop);
  const idPath = findPath(v, 'id', res);
  const capture: Record<string, unknown> = { order_id: { from: 'body', path: idPath ?? 'id' } };
  if (!idPath) {
    notes.push('TODO: the create answer declares no id field; assumed "id"');
    todos.push('escrow order_id');
  }
  const pay = findPath(v, 'paymentId', res);
  if (pay) {
    capture.payment_id = { from: 'body', path: pay };
    notes.push(`create: the payment exists with the order: payment_id from the answer's "${pay}"`);
  }
  const itemsField = pickField(v, 'items', Object.keys(propsOf(res)));
  const itemId = itemsField ? pickField(v, 'id', Object.keys(propsOf(propsOf(res)[itemsField]?.items))) : undefined;
  if (itemsField && itemId) capture.milestones = { from: 'body', path: `${itemsField}[*].${itemId}`, all: true };
  // A single declared status other than a generator's default 200 is what creation answers (201).
  const statuses = cop.responses.filter((r) => r.status < 300).map((r) => r.status);
  const expect = statuses.length === 1 && statuses[0] !== 200 ? { expect: { status: statuses } } : {};
  steps.push({
    name: 'create-order',
    role: 'create',
    method: cop.method,
    path: cop.path,
    ...(Object.keys(body).length ? { body } : {}),
    ...(cop.body?.encoding === 'form' ? { encoding: 'form' } : {}),
    capture,
    ...expect,
  });

  // Opening the payment: a call answering the payment's id, or a redirect to a hosted checkout page.
  const payPick = scoped('pay');
  let preset = 'payment_intent.succeeded';
  if (payPick.best) {
    const op = payPick.best.op;
    const pres = okSchema(op);
    const redirect = op.responses.find((r) => r.status >= 300 && r.status < 400);
    const cap: Record<string, unknown> = {};
    const session = findPath(v, 'checkoutSession', pres);
    const pid = findPath(v, 'paymentId', pres);
    if (redirect || session) {
      preset = 'checkout.session.completed';
      cap.session_id = redirect
        ? { from: 'redirect', pattern: v.checkoutSessionPattern }
        : { from: 'body', path: session ?? 'id' };
      notes.push(
        `open-payment: ${explain(payPick)}; a hosted checkout (${redirect ? `${redirect.status} redirect` : 'a session'}): the session id ${redirect ? "from the redirect (pattern: the vocabulary's checkoutSessionPattern)" : 'from the answer'}`,
      );
    } else if (pid) {
      cap.payment_id = { from: 'body', path: pid };
      notes.push(`open-payment: ${explain(payPick)}`);
    } else {
      notes.push(
        `open-payment: ${explain(payPick)}`,
        'TODO: its answer declares no payment id; capture what the payment event names',
      );
      todos.push('escrow open-payment capture');
    }
    steps.push({
      name: redirect ? 'checkout' : 'open-payment',
      role: 'open-payment',
      method: op.method,
      path: template(op.path),
      capture: cap,
      ...(redirect ? { expect: { status: [redirect.status] } } : {}),
    });
  } else if (!pay) {
    notes.push(
      'TODO: no route opens a payment and the create answer has no payment id: capture the id the payment event names (payment_id or session_id)',
    );
    todos.push('escrow payment id');
  }
  steps.push({ name: 'payment-succeeded', role: 'confirm-payment', event: { preset } });
  notes.push(`confirm-payment: a signed ${preset} event to the webhook`);

  const fulfil = scoped('fulfil');
  if (fulfil.best) {
    const op = fulfil.best.op;
    const perItem = (op.path.match(/\{/g) ?? []).length > 1 && capture.milestones;
    const byCounterparty = v.counterpartyActs.some((w) => wordsOf(op.path).includes(w));
    notes.push(
      `fulfil: ${explain(fulfil)}`,
      byCounterparty
        ? "fulfil is sent by the counterparty (the vocabulary's counterpartyActs)"
        : "TODO: who sends the fulfil step: the owner (as written) or the counterparty (as: 'counterparty')",
    );
    if (!byCounterparty) todos.push('escrow fulfil: who sends it');
    const leaf =
      op.path
        .split('/')
        .filter((x) => x && !x.startsWith('{'))
        .at(-1) ?? '';
    steps.push({
      name: wordsOf(leaf).join('-') || 'fulfil',
      role: 'fulfil',
      ...(byCounterparty ? { as: 'counterparty' } : {}),
      method: op.method,
      path: template(op.path),
      ...(perItem ? { forEach: 'milestones' } : {}),
    });
  }
  const release = scoped('release');
  if (release.best) {
    notes.push(`release: ${explain(release)}`);
    steps.push({
      name: 'release',
      role: 'release',
      method: release.best.op.method,
      path: template(release.best.op.path),
    });
  } else {
    notes.push('TODO: no route releases the escrow');
    todos.push('escrow release');
  }

  // How the suite reads an order: its state field and the words the enum gives for funded and released.
  const gres = okSchema(get) ?? res;
  const gprops = propsOf(gres);
  const statePath = pickField(v, 'state', Object.keys(gprops));
  const words = (statePath ? (gprops[statePath]?.enum ?? []) : []).map(String);
  const match = (list: string[]) => words.filter((w) => list.some((x) => fieldKey(x) === fieldKey(w)));
  const funded = match(v.states.funded);
  const released = match(v.states.released);
  if (!funded.length || !released.length) {
    notes.push(
      `TODO: order.states: the state field ${statePath ? `"${statePath}" lists ${words.join(', ') || 'no words'}` : 'was not found'}; give the words for funded and released`,
    );
    todos.push('escrow states');
  }
  const paid = pickField(v, 'paidAmount', Object.keys(gprops));
  if (!get || !update) {
    notes.push("TODO: no route reads or updates one order (GET / PATCH on the order collection's item)");
    todos.push('escrow order routes');
  }
  const order = {
    ...(get ? { get: { method: 'GET', path: template(get.path) } } : {}),
    ...(update ? { update: { method: update.method, path: template(update.path) } } : {}),
    ...(statePath && statePath !== 'status' ? { statePath } : {}),
    ...(funded.length && released.length ? { states: { funded, released } } : {}),
    ...(paid ? { paidAmountPath: paid, ...(isString(gprops[paid]) ? { paidAmountUnit: 'major' } : {}) } : {}),
  };
  notes.push(
    "TODO: the flow's semantics (step order, who sends each step, the amounts and states) are a reading of the document: check them against docs/flows.md",
  );
  todos.push("escrow: check the flow's semantics");
  const escrow = { steps, ...(currencyCode ? { currency: currencyCode } : {}), order };
  const checked = EscrowConfig.safeParse(escrow);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    todos.push('escrow: the skeleton does not validate');
    return {
      escrow: noted(
        {},
        ...notes,
        `TODO: the drafted flow does not validate (${issue.path.join('.')}: ${issue.message}); it is left out:`,
        ...JSON.stringify(escrow, null, 2).split('\n'),
      ),
      ...(webhook ? { webhook } : {}),
      ...(party ? { party } : {}),
      todos,
    };
  }
  return { escrow: noted(escrow, ...notes), ...(webhook ? { webhook } : {}), ...(party ? { party } : {}), todos };
}
