import { test, check, control, requireControl, ControlFailed, CheckFailed } from '../lib/fixtures.ts';
import { MAIN_USER, SECOND_USER, ok, roleSession, userSession } from '../lib/auth.ts';
import { approveAll, approvedOrder, createOrder, fund, fundedOrder, getOrder, mustCreateOrder, orderStatus, release, signedEvent, postEvent, webhookSecret } from '../lib/escrow.ts';
import { getPath } from '../lib/jsonpath.ts';
import { fillPath } from '../lib/template.ts';
import { shared } from '../lib/state.ts';
import type { Api, Res } from '../lib/http.ts';
import type { SmokePlan } from '../lib/plan.ts';


// Independent checks: spread over the workers (shared sessions and accounts are locked, see state.ts).
test.describe.configure({ mode: 'parallel' });

const refused = (r: Res) => r.status >= 400 && r.status !== 429;

/** register -> verify -> login -> order -> signed webhook funds -> approve -> release, on an account of the suite's own. */
async function happyPath(api: Api, plan: SmokePlan): Promise<true> {
  webhookSecret(plan);
  const { session } = await userSession(api, plan, MAIN_USER);
  const order = await approvedOrder(api, plan, session);
  const r = await release(api, plan, session, order);
  control(ok(r), `the owner releasing a funded, approved order answered ${r.status}`);
  const status = await orderStatus(api, plan, session, order.id);
  control(status === plan.config.orders.releasedStatus, `after release the order is "${String(status)}"`);
  return true;
}

/** Negative escrow checks prove something only once the legitimate path works. */
const happyControl = (api: Api, plan: SmokePlan) => requireControl('escrow happy path', () => shared('escrow-happy', () => happyPath(api, plan)));
const owner = (api: Api, plan: SmokePlan) => requireControl('login of the order owner', async () => (await userSession(api, plan, MAIN_USER)).session);

test('[escrow.happy-path] order, signed webhook funds, approve, release', async ({ api, plan, rec }) => {
  try { await shared('escrow-happy', () => happyPath(api, plan)); } catch (e) {
    throw e instanceof ControlFailed ? new CheckFailed(e.message) : e;
  }
  rec.actual = 'released after funding through a signed webhook and approving every milestone';
});

test('[escrow.unfunded-release-refused] an unfunded order cannot be released', async ({ api, plan, rec }) => {
  await happyControl(api, plan);
  const s = await owner(api, plan);
  const order = await mustCreateOrder(api, plan, s);
  await approveAll(api, plan, s, order);
  const r = await release(api, plan, s, order);
  const status = await orderStatus(api, plan, s, order.id);
  rec.actual = `release answered ${r.status}; status "${String(status)}"`;
  check(refused(r) && status !== plan.config.orders.releasedStatus, `an unfunded order was released (${r.status}, status "${String(status)}")`);
});

test('[escrow.mark-paid-refused] no request marks an order paid', async ({ api, plan, rec }) => {
  await happyControl(api, plan);
  const s = await owner(api, plan);
  const order = await mustCreateOrder(api, plan, s);
  const o = plan.config.orders;
  const r = await api.send({ method: o.patch.method, path: fillPath(o.patch.path, { id: order.id }), json: o.markPaidBody, session: s });
  const after = await getOrder(api, plan, s, order.id);
  control(ok(after.res), `reading the order answered ${after.res.status}`);
  rec.actual = `PATCH answered ${r.status}; status "${String(after.status)}"`;
  check(after.status !== o.fundedStatus && after.status !== o.releasedStatus, `a PATCH with status/paid fields set the order to "${String(after.status)}"`);
  check(getPath(after.res.json, 'paid') !== true && getPath(after.res.json, 'funded') !== true, 'a PATCH set paid/funded on the order');
});

async function unfundedAfter(api: Api, plan: SmokePlan, send: (order: Awaited<ReturnType<typeof mustCreateOrder>>) => Promise<Res[]>) {
  await happyControl(api, plan);
  const s = await owner(api, plan);
  const order = await mustCreateOrder(api, plan, s);
  const responses = await send(order);
  const status = await orderStatus(api, plan, s, order.id);
  return { responses, status, funded: status === plan.config.orders.fundedStatus || status === plan.config.orders.releasedStatus };
}

test('[escrow.webhook-bad-signature] a webhook with a bad signature is rejected and changes nothing', async ({ api, plan, rec }) => {
  const { responses, status, funded } = await unfundedAfter(api, plan, async (order) => [await fund(api, plan, order, { secret: `whsec_gonogo_wrong_${Date.now()}` })]);
  rec.actual = `webhook answered ${responses[0]!.status}; order "${String(status)}"`;
  check(refused(responses[0]!) && !funded, `a webhook signed with the wrong secret answered ${responses[0]!.status} and the order is "${String(status)}"`);
});

test('[escrow.webhook-stale] a webhook with a stale timestamp is rejected and changes nothing', async ({ api, plan, rec }) => {
  const age = plan.config.webhook.staleAgeS;
  const { responses, status, funded } = await unfundedAfter(api, plan, async (order) => [await fund(api, plan, order, { ageS: age })]);
  rec.actual = `webhook signed ${age} s ago answered ${responses[0]!.status}; order "${String(status)}"`;
  check(refused(responses[0]!) && !funded, `a correctly signed webhook ${age} s old answered ${responses[0]!.status} and the order is "${String(status)}"`);
});

test('[escrow.amount-mismatch] a payment of another amount or currency does not fund', async ({ api, plan, rec }) => {
  const other = plan.config.orders.currency.toLowerCase() === 'eur' ? 'gbp' : 'eur';
  const { responses, status, funded } = await unfundedAfter(api, plan, async (order) => [
    await fund(api, plan, order, { amount: Math.max(1, Math.trunc(order.amount / 100)) }),
    await fund(api, plan, order, { currency: other }),
  ]);
  rec.actual = `webhooks answered ${responses.map((r) => r.status).join(', ')}; order "${String(status)}"`;
  check(!funded, `a payment of another amount or currency funded the order ("${String(status)}")`);
});

test('[escrow.replay-funds-once] a replayed payment event funds once', async ({ api, plan, rec }) => {
  await happyControl(api, plan);
  const s = await owner(api, plan);
  const order = await mustCreateOrder(api, plan, s);
  const ev = signedEvent(plan, order);
  const first = await postEvent(api, plan, ev);
  control(ok(first), `the signed payment event answered ${first.status}`);
  await approveAll(api, plan, s, order);
  const rel = await release(api, plan, s, order);
  control(ok(rel), `releasing the funded, approved order answered ${rel.status}`);
  // The same event again (re-signed now, as a provider retry would be): it must not fund the released order again.
  const replay = await postEvent(api, plan, signedEvent(plan, order, { eventId: ev.eventId }));
  const after = await getOrder(api, plan, s, order.id);
  control(ok(after.res), `reading the order answered ${after.res.status}`);
  const paidPath = plan.config.orders.paidAmountPath;
  const paid = paidPath ? getPath(after.res.json, paidPath) : undefined;
  rec.actual = `replay answered ${replay.status}; order "${String(after.status)}"${paidPath ? `, ${paidPath} = ${String(paid)}` : ''}`;
  check(after.status === plan.config.orders.releasedStatus, `the replayed event moved the released order to "${String(after.status)}"`);
  if (paidPath) check(paid === undefined || Number(paid) === order.amount, `after the replay ${paidPath} is ${String(paid)}, not ${order.amount}`);
});

async function releaseBy(api: Api, plan: SmokePlan, who: (order: Awaited<ReturnType<typeof approvedOrder>>) => Promise<Res>) {
  await happyControl(api, plan);
  const s = await owner(api, plan);
  const order = await requireControl('a funded, approved order', () => approvedOrder(api, plan, s));
  const r = await who(order);
  const status = await orderStatus(api, plan, s, order.id);
  return { r, status, released: status === plan.config.orders.releasedStatus };
}

test('[escrow.release-other-client] another client cannot release the order', async ({ api, plan, rec }) => {
  const other = await requireControl('a second client', async () => (await userSession(api, plan, SECOND_USER)).session);
  const { r, status, released } = await releaseBy(api, plan, (order) => release(api, plan, other, order));
  rec.actual = `release by another client answered ${r.status}; order "${String(status)}"`;
  check(refused(r) && !released, `another client released the order (${r.status}, "${String(status)}")`);
});

test('[escrow.release-manufacturer] the manufacturer cannot release the order', async ({ api, plan, rec }) => {
  test.skip(!plan.config.accounts.some((a) => a.role === plan.config.roles.counterparty), `no ${plan.config.roles.counterparty} account configured (smoke.accounts, smoke.roles.counterparty)`);
  const m = await requireControl(`${plan.config.roles.counterparty} login`, () => roleSession(api, plan, plan.config.roles.counterparty));
  const { r, status, released } = await releaseBy(api, plan, (order) => release(api, plan, m, order));
  rec.actual = `release by the manufacturer answered ${r.status}; order "${String(status)}"`;
  check(refused(r) && !released, `the manufacturer released the order (${r.status}, "${String(status)}")`);
});

test('[escrow.release-anonymous] an anonymous caller cannot release the order', async ({ api, plan, rec }) => {
  const { r, status, released } = await releaseBy(api, plan, (order) => release(api, plan, null, order));
  rec.actual = `anonymous release answered ${r.status}; order "${String(status)}"`;
  check(refused(r) && !released, `an anonymous caller released the order (${r.status}, "${String(status)}")`);
});

test('[escrow.release-needs-approval] release needs every milestone approved', async ({ api, plan, rec }) => {
  await happyControl(api, plan);
  const s = await owner(api, plan);
  const order = await requireControl('a funded order', () => fundedOrder(api, plan, s));
  control(order.milestones.length > 0, 'the order has no milestones to leave unapproved');
  // Approve all but the last milestone: one is still open.
  const approve = plan.config.orders.approve;
  for (const m of order.milestones.slice(0, -1)) await api.send({ method: approve.method, path: fillPath(approve.path, { id: order.id, milestone: m }), session: s });
  const r = await release(api, plan, s, order);
  const status = await orderStatus(api, plan, s, order.id);
  rec.actual = `release with a milestone open answered ${r.status}; order "${String(status)}"`;
  check(refused(r) && status !== plan.config.orders.releasedStatus, `an order with an unapproved milestone was released (${r.status})`);
});

test('[escrow.invalid-amount] zero and negative amounts are refused', async ({ api, plan, rec }) => {
  await happyControl(api, plan);
  const s = await owner(api, plan);
  const accepted: string[] = [];
  for (const amount of [0, -100]) {
    const o = await createOrder(api, plan, s, { amount, milestoneAmount: amount / 2 });
    if (!refused(o.res)) accepted.push(`${amount} (${o.res.status})`);
  }
  rec.actual = accepted.length ? `accepted: ${accepted.join(', ')}` : 'both refused';
  check(accepted.length === 0, `orders with amount ${accepted.join(', ')} were accepted`);
});
