import { test, skip, check, control, requireControl, ControlFailed } from '../lib/fixtures.ts';
import { MAIN_USER, SECOND_USER, userSession } from '../lib/auth.ts';
import { getPath } from '../../core/jsonpath.ts';
import { shared } from '../lib/state.ts';
import type { Api } from '../lib/http.ts';
import type { Res } from '../../core/signin/http.ts';
import { loadPlan, type SmokePlan } from '../lib/plan.ts';
import { isRefused } from '../lib/refusal.ts';
import { counterpartyActor } from '../flow/actors.ts';
import { exponentOf, readMinor, sameAmount, showAmount } from '../flow/money.ts';
import {
  AMOUNT_VARS,
  FlowRun,
  NO_FLOW,
  idBearing,
  sendsAmount,
  stepOk,
  webhookSecret,
  type Actor,
  type Actors,
} from '../flow/run.ts';

// Every check here is derived from the configured flow (smoke.escrow.steps): one walk per probe, one step bent.
test.describe.configure({ mode: 'parallel' });
test.beforeEach(({ plan }) => {
  skip.notConfigured(!plan.config.escrow.steps, NO_FLOW);
});

const hasCounterparty = (plan: SmokePlan) =>
  plan.config.accounts.some((a) => a.role === plan.config.roles.counterparty);

async function actors(api: Api, plan: SmokePlan): Promise<Actors> {
  const owner = await requireControl('login of the order owner', () => userSession(api, plan, MAIN_USER));
  const counterparty = await counterpartyActor(api, plan);
  return { owner, ...(counterparty ? { counterparty } : {}) };
}

const other = (api: Api, plan: SmokePlan) =>
  requireControl('a second user of the suite', () => userSession(api, plan, SECOND_USER));

/** What the happy path found: released, or the step that did not hold (a finding, not an error). */
type Happy = { released: true } | { released: false; why: string };

/**
 * The whole flow on an order of the suite's own: it must end released. Logging in is its prerequisite (an error
 * when it fails); a step of the flow that does not hold is what escrow.happy-path reports as a failure, and what
 * every other escrow check reports as its lost control.
 */
async function happyPath(api: Api, plan: SmokePlan, judged: boolean): Promise<Happy> {
  webhookSecret(plan);
  const run = new FlowRun(api, plan, await actors(api, plan), { judged });
  try {
    await run.ready();
    const r = await run.release();
    control(
      stepOk(run.stepsOf('release')[0]!, r),
      `the owner releasing a funded order with every step done answered ${r.status}`,
    );
    const state = await run.state();
    control(run.isReleased(state), `after release the order is "${String(state)}"`);
    return { released: true };
  } catch (e) {
    if (e instanceof ControlFailed) return { released: false, why: e.detail };
    throw e;
  }
}

/** Walked once per run, by whichever check needs it first. */
const happy = (api: Api, plan: SmokePlan, judged: boolean) =>
  shared<Happy>('escrow-happy', () => happyPath(api, plan, judged));

/** Negative escrow checks prove something only once the legitimate path works. */
async function happyControl(api: Api, plan: SmokePlan): Promise<void> {
  const h = await requireControl('escrow happy path', () => happy(api, plan, false));
  control(h.released, `escrow happy path: ${h.released ? '' : h.why}`);
}

async function walk(api: Api, plan: SmokePlan): Promise<FlowRun> {
  await happyControl(api, plan);
  return new FlowRun(api, plan, await actors(api, plan));
}

/** Refused as smoke.refusal.statuses defines it. */
const refused = (r: Res) => isRefused(r, loadPlan());
const statuses = (rs: Res[]) => rs.map((r) => r.status).join(', ');

test('[escrow.happy-path] order, signed payment event funds, fulfil, release', async ({ api, plan, rec }) => {
  const h = await happy(api, plan, true);
  rec.expected = `released after ${plan.config.escrow.steps!.map((s) => s.name).join(' -> ')}`;
  rec.actual = h.released ? rec.expected : h.why;
  check(h.released, h.released ? '' : h.why);
});

test('[escrow.unfunded-release-refused] an unfunded order cannot be released', async ({ api, plan, rec }) => {
  const run = await walk(api, plan);
  await run.toPayment();
  // The confirm step is skipped; every later step is tried anyway, as a caller bypassing the payment would.
  for (const s of run.afterConfirm) await run.send(s);
  const r = await run.release();
  const state = await run.state();
  rec.actual = `without the payment event, release answered ${r.status}; order "${String(state)}"`;
  check(refused(r) && !run.isReleased(state), `an unfunded order was released (${r.status}, state "${String(state)}")`);
});

test('[escrow.mark-paid-refused] no request marks an order paid', async ({ api, plan, rec }) => {
  const run = await walk(api, plan);
  await run.toPayment();
  const o = plan.config.escrow.order;
  const method = o.update!.method; // required with a flow (walk() skips without one)
  // The route must work for the owner, or a refusal of the paid fields proves nothing.
  await run.ownerUpdates();
  const r = await run.update(o.markPaidBody);
  const after = await run.read();
  control(after.res.status >= 200 && after.res.status < 300, `reading the order answered ${after.res.status}`);
  run.present(after.state);
  rec.actual = `${method} answered ${r.status}; state "${String(after.state)}"`;
  check(!run.moved(after.state), `a ${method} with state/paid fields set the order to "${String(after.state)}"`);
  const flags = o.paidFlags.filter((f) => getPath(after.res.json, f) === true);
  check(flags.length === 0, `a ${method} set ${flags.join(', ')} on the order`);
});

/** Probes that bend the payment event: the order must stay unfunded. */
async function eventProbe(api: Api, plan: SmokePlan, send: (run: FlowRun) => Promise<Res[]>) {
  const run = await walk(api, plan);
  await run.toPayment();
  const responses = await send(run);
  const state = await run.state();
  return { run, responses, state, moved: run.moved(state) };
}

test('[escrow.webhook-bad-signature] a payment event with a bad or no signature is rejected and changes nothing', async ({
  api,
  plan,
  rec,
}) => {
  const { run, responses, state, moved } = await eventProbe(api, plan, async (run) => [
    await run.confirm(undefined, { secret: `whsec_gonogo_wrong_${Date.now()}` }),
    await run.confirm(undefined, { unsigned: true }),
  ]);
  rec.actual = `wrong secret answered ${responses[0]!.status}, no signature ${responses[1]!.status}; order "${String(state)}"`;
  check(
    responses.every(refused) && !moved,
    `a payment event signed with the wrong secret or unsigned answered ${statuses(responses)} and the order is "${String(state)}"`,
  );
  await run.fundsWhenSigned();
});

test('[escrow.webhook-stale] a payment event with a stale timestamp is rejected and changes nothing', async ({
  api,
  plan,
  rec,
}) => {
  const age = plan.config.webhook.staleAgeS;
  const { run, responses, state, moved } = await eventProbe(api, plan, async (run) => [
    await run.confirm(undefined, { ageS: age }),
  ]);
  rec.actual = `an event signed ${age} s ago answered ${responses[0]!.status}; order "${String(state)}"`;
  check(
    refused(responses[0]!) && !moved,
    `a correctly signed event ${age} s old answered ${responses[0]!.status} and the order is "${String(state)}"`,
  );
  await run.fundsWhenSigned();
});

test('[escrow.amount-mismatch] a payment of another amount or currency does not fund', async ({ api, plan, rec }) => {
  const e = plan.config.escrow;
  const otherCurrency = e.otherCurrency ?? (e.currency.toLowerCase() === 'eur' ? 'gbp' : 'eur');
  const { run, responses, state, moved } = await eventProbe(api, plan, async (run) => [
    await run.confirm(undefined, { amount: Math.max(1, Math.trunc(run.amount / 100)) }),
    await run.confirm(undefined, { currency: otherCurrency }),
  ]);
  rec.actual = `events answered ${statuses(responses)}; order "${String(state)}"`;
  check(!moved, `a payment of another amount or currency funded the order ("${String(state)}")`);
  await run.fundsWhenSigned();
});

test('[escrow.replay-funds-once] a replayed payment event funds once', async ({ api, plan, rec }) => {
  const run = await walk(api, plan);
  await run.ready();
  const eventId = run.lastEvent!.id;
  const rel = await run.release();
  control(stepOk(run.stepsOf('release')[0]!, rel), `releasing the funded order answered ${rel.status}`);
  // The same event again (re-signed now, as a provider retry would be): it must not fund the released order again.
  const replay = await run.confirm(undefined, { eventId });
  const after = await run.read();
  control(after.res.status >= 200 && after.res.status < 300, `reading the order answered ${after.res.status}`);
  const e = plan.config.escrow;
  const paidPath = e.order.paidAmountPath;
  const paid = paidPath ? getPath(after.res.json, paidPath) : undefined;
  // Read in the platform's unit: a DecimalField's "200.00" is the 20000 cents the event paid.
  const unit = e.order.paidAmountUnit ?? 'minor';
  const exponent = exponentOf(e.currency, e.currencyExponent);
  const expected = `${showAmount(run.amount, unit, exponent)} (${unit} units of ${e.currency}, smoke.escrow.order.paidAmountUnit)`;
  rec.expected = `released${paidPath ? `, ${paidPath} = ${expected}` : ''}`;
  rec.actual = `replay answered ${replay.status}; order "${String(after.state)}"${paidPath ? `, ${paidPath} = ${JSON.stringify(paid)}` : ''}`;
  check(run.isReleased(after.state), `the replayed event moved the released order to "${String(after.state)}"`);
  if (paidPath) {
    control(paid !== undefined, `the order's answer has no ${paidPath} (smoke.escrow.order.paidAmountPath)`);
    control(
      readMinor(paid, unit, exponent) !== undefined,
      `${paidPath} is ${JSON.stringify(paid)}, not an amount (smoke.escrow.order.paidAmountPath)`,
    );
    check(
      sameAmount(paid, run.amount, unit, exponent),
      `after the replay ${paidPath} is ${JSON.stringify(paid)}, not ${expected}`,
    );
  }
});

async function releaseBy(api: Api, plan: SmokePlan, who: Actor | null) {
  const run = await walk(api, plan);
  await requireControl('an order ready for release', () => run.ready());
  const r = await run.release(who);
  const state = await run.state();
  return { r, state, released: run.isReleased(state) };
}

test('[escrow.release-other-user] another user cannot release the order', async ({ api, plan, rec }) => {
  const { r, state, released } = await releaseBy(api, plan, await other(api, plan));
  rec.actual = `release by another user answered ${r.status}; order "${String(state)}"`;
  check(refused(r) && !released, `another user released the order (${r.status}, "${String(state)}")`);
});

test('[escrow.release-counterparty] the counterparty cannot release the order', async ({ api, plan, rec }) => {
  const role = plan.config.roles.counterparty;
  skip.notConfigured(
    !hasCounterparty(plan),
    `no ${role} account configured (smoke.accounts, smoke.roles.counterparty)`,
  );
  const c = (await actors(api, plan)).counterparty!;
  const { r, state, released } = await releaseBy(api, plan, c);
  rec.actual = `release by the ${role} answered ${r.status}; order "${String(state)}"`;
  check(refused(r) && !released, `the ${role} released the order (${r.status}, "${String(state)}")`);
});

test('[escrow.release-anonymous] an anonymous caller cannot release the order', async ({ api, plan, rec }) => {
  const { r, state, released } = await releaseBy(api, plan, null);
  rec.actual = `anonymous release answered ${r.status}; order "${String(state)}"`;
  check(refused(r) && !released, `an anonymous caller released the order (${r.status}, "${String(state)}")`);
});

test('[escrow.release-needs-approval] release needs every fulfil step done', async ({ api, plan, rec }) => {
  const run = await walk(api, plan);
  const fulfil = run.afterConfirm.filter((s) => s.role === 'fulfil');
  skip.notConfigured(
    fulfil.length === 0,
    'the flow has no fulfil step (smoke.escrow.steps); a platform that releases without approval declares the check in notApplicable',
  );
  await requireControl('a funded order', () => run.funded());
  // Everything but the last fulfilment: the last item of a repeated step, or the last step.
  const last = fulfil[fulfil.length - 1]!;
  for (const s of run.afterConfirm) {
    if (s !== last) await run.must(s);
    else if (s.forEach) await run.must(s, { items: (all) => all.slice(0, -1) });
  }
  const r = await run.release();
  const state = await run.state();
  rec.actual = `release with "${last.name}" not done${last.forEach ? ' for its last item' : ''} answered ${r.status}; order "${String(state)}"`;
  check(refused(r) && !run.isReleased(state), `an order with "${last.name}" not done was released (${r.status})`);
});

test("[escrow.steps-other-user] another user cannot drive any step of the owner's order", async ({
  api,
  plan,
  rec,
}) => {
  const run = await walk(api, plan);
  const intruder = await other(api, plan);
  await run.create();
  const probed: string[] = [];
  const passed: string[] = [];
  const probe = async (s: (typeof run.steps)[number]) => {
    if (s.as === 'owner' && idBearing(s, run.capturedNames)) {
      const rs = await run.send(s, { as: intruder });
      probed.push(`${s.name} ${statuses(rs)}`);
      if (!rs.every(refused)) passed.push(`${s.name} (${statuses(rs)})`);
    }
    await run.must(s);
  };
  for (const s of run.beforeConfirm) await probe(s);
  const paid = await run.confirm();
  control(paid.status >= 200 && paid.status < 300, `a correctly signed payment event answered ${paid.status}`);
  for (const s of run.afterConfirm) await probe(s);
  skip.notConfigured(
    probed.length === 0,
    "the flow has no step besides create, confirm and release that uses the order's ids (smoke.escrow.steps)",
  );
  rec.actual = `another user: ${probed.join('; ')}`;
  check(passed.length === 0, `another user drove ${passed.join(', ')} on the owner's order`);
});

test('[escrow.invalid-amount] zero and negative amounts are refused', async ({ api, plan, rec }) => {
  const create = plan.config.escrow.steps!.find((s) => s.role === 'create')!;
  // An amount written as a literal (or taken from a product) is not gonogo's to bend: the probe would send a valid order.
  skip.notApplicable(
    !sendsAmount(create),
    `the create step "${create.name}" sends none of ${AMOUNT_VARS.map((v) => `{{${v}}}`).join(', ')}: the invalid amounts cannot reach the platform`,
  );
  await happyControl(api, plan);
  const a = await actors(api, plan);
  const accepted: string[] = [];
  for (const amount of plan.config.escrow.invalidAmounts) {
    const run = new FlowRun(api, plan, a, { amount, milestoneAmount: amount / 2 });
    await run.setup();
    const [r] = await run.send(run.createStep);
    if (!refused(r!)) accepted.push(`${amount} (${r!.status})`);
  }
  // The same check creates a valid order: the refusals are about the amounts, not a create route refusing now.
  await requireControl('an order with the configured amount', () => new FlowRun(api, plan, a).create());
  rec.actual = accepted.length
    ? `accepted: ${accepted.join(', ')}`
    : `refused: ${plan.config.escrow.invalidAmounts.join(', ')}`;
  check(accepted.length === 0, `orders with amount ${accepted.join(', ')} were accepted`);
});
