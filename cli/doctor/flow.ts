import { FlowRun, stepOk, type Actors } from '../../smoke/flow/run.ts';
import type { Capture, Step } from '../../smoke/flow/schema.ts';
import type { Res } from '../../core/signin/http.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import type { DoctorSender } from './sender.ts';
import { Throttled, Unreachable } from './sender.ts';
import { bodyShape, excerpt, is2xx, mask, plain, sentOf, type Row } from './rows.ts';

function describeCapture(c: Capture): string {
  switch (c.from) {
    case 'body':
      return `body path "${c.path}"`;
    case 'header':
      return `header ${c.name}${c.pattern ? ` matching /${c.pattern}/` : ''}`;
    case 'redirect':
      return `redirect Location${c.pattern ? ` matching /${c.pattern}/` : ''}`;
    case 'mail':
      return `mail matching /${c.pattern}/`;
  }
}

/** What the answer holds where a capture looked, so a wrong path or pattern shows what to write instead. */
function held(c: Capture, res: Res): string {
  switch (c.from) {
    case 'body':
      return bodyShape(res);
    case 'header':
      return res.headers[c.name.toLowerCase()] === undefined
        ? `the answer has no ${c.name} header`
        : `${c.name} is ${mask(res.headers[c.name.toLowerCase()])}`;
    case 'redirect':
      return res.headers.location === undefined
        ? `the answer is not a redirect (status ${res.status})`
        : `Location is ${JSON.stringify(res.headers.location.slice(0, 100))}`;
    case 'mail':
      return "the newest mail to the step's sender does not match";
  }
}

/** The setting a refused step points at, by what the refusal means. */
function stepKey(step: Step, at: string, status: number): string {
  if (step.role === 'confirm-payment') {
    if (status === 404 || status === 405) return 'smoke.webhook.path';
    return `smoke.webhook, ${at}.event`;
  }
  if (status === 404) return `${at}.path`;
  if (status === 405) return `${at}.method`;
  if (status === 401 || status === 403) return `${at}.as (who sends it), or smoke.login.send`;
  if (status === 400 || status === 415 || status === 422) return `${at}.body (or ${at}.encoding)`;
  if (is2xx(status) || (status >= 300 && status < 400))
    return step.expect.contains && !step.expect.status ? `${at}.expect.contains` : `${at}.expect.status`;
  return at;
}

/**
 * The escrow happy path, each step once, through the smoke suite's own FlowRun: setup, create, open payment, the
 * signed payment event, the order read back as funded, fulfil, release, the order read back as released. The walk
 * stops at the first step that does not answer as mapped: what follows would fail for that step's reason.
 */
export async function walkFlow(
  api: DoctorSender,
  plan: SmokePlan,
  actors: Actors | undefined,
  rows: Row[],
  secretEnv: string,
): Promise<void> {
  const e = plan.config.escrow;
  if (!e.steps) {
    rows.push({
      step: 'escrow flow',
      status: 'skip',
      sent: '-',
      answered: 'not configured: the escrow checks skip',
      expected: 'smoke.escrow.steps',
    });
    return;
  }
  if (!actors) {
    rows.push({
      step: 'escrow flow',
      status: 'skip',
      sent: '-',
      answered: "not sent: no session for the order's owner (see the logins above)",
      expected: 'a session of smoke.roles.owner',
    });
    return;
  }
  const flow = new FlowRun(api, plan, actors, { judged: true });
  const steps = e.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.role !== 'refund');
  let broken: string | undefined;
  for (const { s, i } of steps) {
    const at = `smoke.escrow.steps[${i}]`;
    const step = `flow ${s.name} (${s.role})`;
    if (broken) {
      rows.push({
        step,
        status: 'skip',
        sent: '-',
        answered: `not sent: ${broken} did not answer as mapped`,
        expected: '',
      });
      continue;
    }
    if (
      s.as === 'counterparty' &&
      s.role !== 'confirm-payment' &&
      !actors.counterparty &&
      plan.config.accounts.some((a) => a.role === plan.config.roles.counterparty)
    ) {
      rows.push({
        step,
        status: 'skip',
        sent: '-',
        answered: `not sent: no session of the ${plan.config.roles.counterparty} account (see the logins above)`,
        expected: '',
      });
      broken = s.name;
      continue;
    }
    let res: Res[];
    try {
      res = await flow.send(s);
    } catch (err) {
      if (err instanceof Throttled || err instanceof Unreachable) throw err;
      const message = plain(err);
      const key =
        s.role === 'confirm-payment'
          ? `smoke.webhook.secretEnv (${secretEnv})`
          : s.as === 'counterparty'
            ? 'smoke.accounts, smoke.roles.counterparty'
            : at;
      rows.push({ step, status: 'fail', sent: '-', answered: message, expected: 'the step is sent', key });
      broken = s.name;
      continue;
    }
    const expected =
      s.role === 'confirm-payment'
        ? '2xx'
        : s.expect.status
          ? s.expect.status.join('/')
          : `2xx or 3xx${s.expect.contains ? ` containing "${s.expect.contains}"` : ''}`;
    const sent = `${sentOf(res[0]!)}${res.length > 1 ? ` x${res.length}` : ''}${s.role === 'confirm-payment' ? ` (signed ${s.event!.preset})` : ''}`;
    const bad = res.find((r) => (s.role === 'confirm-payment' ? !is2xx(r.status) : !stepOk(s, r)));
    const statuses = [...new Set(res.map((r) => r.status))].join(', ');
    if (bad) {
      const key =
        s.role === 'confirm-payment' && (bad.status === 400 || bad.status === 401 || bad.status === 403)
          ? `${secretEnv}'s value (smoke.webhook.secretEnv), or smoke.webhook.signatureHeader`
          : stepKey(s, at, bad.status);
      rows.push({ step, status: 'fail', sent, answered: `${statuses} ${excerpt(bad, 80)}`, expected, key });
      broken = s.name;
      continue;
    }
    const missing = Object.keys(s.capture).filter((k) => flow.vars[k] === undefined);
    const got = Object.keys(s.capture)
      .filter((k) => flow.vars[k] !== undefined)
      .map((k) => `${k}=${mask(flow.vars[k])}`);
    if (missing.length) {
      const k = missing[0]!;
      rows.push({
        step,
        status: 'fail',
        sent,
        answered: `${statuses}, no ${k} at ${describeCapture(s.capture[k]!)}; ${held(s.capture[k]!, res[0]!)}`,
        expected: `${expected}, ${k} captured`,
        key: `${at}.capture.${k}`,
      });
      broken = s.name;
      continue;
    }
    rows.push({
      step,
      status: 'ok',
      sent,
      answered: `${statuses}${got.length ? `, ${got.join(', ')}` : ''}`,
      expected: `${expected}${got.length ? `, capture ${Object.keys(s.capture).join(', ')}` : ''}`,
    });
    if (s.role === 'confirm-payment' || s.role === 'release') {
      const which = s.role === 'release' ? 'released' : 'funded';
      const ok = await orderState(flow, plan, rows, which);
      if (!ok) broken = `the order read after ${s.name}`;
    }
  }
}

/** Reads the order back as its owner: the route, the state path and the state words of smoke.escrow.order. */
async function orderState(flow: FlowRun, plan: SmokePlan, rows: Row[], which: 'funded' | 'released'): Promise<boolean> {
  const o = plan.config.escrow.order;
  const words = o.states[which];
  const { res, state } = await flow.read();
  const step = `order ${which}`;
  const expected = `2xx, "${o.statePath}" is ${words.map((w) => `"${w}"`).join(' or ')}`;
  if (!is2xx(res.status)) {
    rows.push({
      step,
      status: 'fail',
      sent: sentOf(res),
      answered: `${res.status} ${excerpt(res, 80)}`,
      expected,
      key: res.status === 404 ? 'smoke.escrow.order.get.path' : 'smoke.escrow.order.get',
    });
    return false;
  }
  if (state === undefined || state === null) {
    rows.push({
      step,
      status: 'fail',
      sent: sentOf(res),
      answered: `${res.status}, nothing at "${o.statePath}"; ${bodyShape(res)}`,
      expected,
      key: 'smoke.escrow.order.statePath',
    });
    return false;
  }
  const ok = words.includes(String(state));
  rows.push({
    step,
    status: ok ? 'ok' : 'fail',
    sent: sentOf(res),
    answered: `${res.status}, ${o.statePath}=${JSON.stringify(state)}`,
    expected,
    ...(ok
      ? {}
      : {
          key:
            which === 'funded'
              ? "smoke.escrow.order.states.funded (or the confirm-payment step's event)"
              : 'smoke.escrow.order.states.released',
        }),
  });
  return ok;
}
