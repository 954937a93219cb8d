import { test, skip, check, control, covered, requireControl } from '../lib/fixtures.ts';
import { userSession } from '../lib/auth.ts';
import { loadDoc, serverPrefix } from '../lib/openapi.ts';
import { isRefused } from '../lib/refusal.ts';
import { ProbeBudget } from '../lib/input-probes/budget.ts';
import { type ProbeOperation, onOwnObject, operationsOf } from '../lib/input-probes/operations.ts';
import { fillParams } from '../lib/authz-matrix.ts';
import { FlowRun } from '../flow/run.ts';
import { counterpartyActor } from '../flow/actors.ts';
import { asControl } from '../lib/outcome.ts';
import {
  type ProbeEnv,
  type ProbeOutcome,
  nosqlInjection,
  pathTraversal,
  schemaInvalid,
  sqlInjection,
  templateInjection,
} from '../lib/input-probes/probes.ts';
import type { Api } from '../lib/http.ts';
import type { Session } from '../../core/signin/http.ts';
import type { SmokePlan } from '../lib/plan.ts';
import type { Recorder } from '../lib/evidence.ts';

/**
 * The writes on the run's own object: the flow creates an order as the probing account, and its variables fill the
 * path parameters (as in auth.authz-matrix). Without a flow they are left out; a write it cannot fill is named.
 */
async function ownObjectWrites(
  own: ProbeOperation[],
  o: { api: Api; plan: SmokePlan; session: Session },
): Promise<{ ops: ProbeOperation[]; left: string[] }> {
  const named = (op: ProbeOperation, why: string) => `${op.method} ${op.path}: ${why}`;
  if (!o.plan.config.escrow.steps) return { ops: [], left: [] };
  let run: FlowRun;
  try {
    const counterparty = await counterpartyActor(o.api, o.plan);
    run = new FlowRun(o.api, o.plan, { owner: { session: o.session }, ...(counterparty ? { counterparty } : {}) });
    await asControl(() => run.create());
  } catch (e) {
    const why = `the flow could not create the object to write on (${(e as Error).message.slice(0, 200)})`;
    return { ops: [], left: own.map((op) => named(op, why)) };
  }
  const ops: ProbeOperation[] = [];
  const left: string[] = [];
  for (const op of own) {
    const filled = onOwnObject(op, (path) => fillParams(path, run.vars, o.plan.config.authzMatrix));
    if ('missing' in filled)
      left.push(named(op, `no flow variable fills {${filled.missing}} (smoke.authzMatrix.params)`));
    else ops.push(filled);
  }
  return { ops, left };
}

type Probe = (ops: Parameters<typeof schemaInvalid>[0], env: ProbeEnv) => Promise<ProbeOutcome>;

/** One input check: the document's operations, a session of the suite's own, the budget, and the verdict from the outcome. */
async function probe(
  id: string,
  run: Probe,
  o: { api: Api; plan: SmokePlan; rec: Recorder },
  what: { judged: string; none?: string; bodies?: boolean },
): Promise<void> {
  const { api, plan, rec } = o;
  const c = plan.config.inputProbes;
  skip.notConfigured(!c.enabled, 'the input probes are off (smoke.inputProbes.enabled)');
  skip.notConfigured(
    !plan.config.openapi,
    'no OpenAPI document configured (smoke.openapi); a platform that publishes none declares the check in notApplicable',
  );
  // An account of the check's own: its pacing and the platform's per-user limit are its alone.
  const { session } = await requireControl('a session of the probing account', () =>
    userSession(api, plan, `input-${id}`),
  );
  const doc = await requireControl('the OpenAPI document', () => loadDoc(api, plan));
  const all = operationsOf(doc, serverPrefix(doc, plan.baseUrl), c);
  // Writes not opted in are probed only on an object the run creates itself, and only where this check has something to send.
  const own = all.filter((op) => op.own && ((what.bodies && op.body) || op.params.some((p) => p.in === 'query')));
  const { ops: mine, left } = own.length ? await ownObjectWrites(own, { api, plan, session }) : { ops: [], left: [] };
  const ops = [...all.filter((op) => !op.own), ...mine];
  const budget = new ProbeBudget(c.budget);
  const env: ProbeEnv = {
    cfg: c,
    isRefusal: (status) => isRefused({ status }, plan),
    send: async (op, req) => {
      if (!budget.take(`${op.method} ${op.path}`)) return undefined;
      const r = await api.send({
        method: op.method,
        path: req.path,
        session,
        ...(req.json !== undefined ? { json: req.json } : {}),
        ...(req.raw !== undefined ? { body: req.raw, headers: { 'content-type': 'application/json' } } : {}),
      });
      return { status: r.status, text: r.text, json: r.json };
    },
  };
  const out = await run(ops, env);
  out.unproven.push(...left);
  rec.detail('operations', ops.length);
  rec.detail('judged', out.judged);
  if (out.unproven.length) rec.detail('unproven', out.unproven);
  if (out.otherRole.length) rec.detail('otherRole', out.otherRole);
  if (out.short.length) rec.detail('notCovered', out.short);
  rec.detail('budget', budget.describe());
  rec.actual = `${out.judged.length} ${what.judged} probed, ${out.findings.length} findings; ${budget.describe()}`;
  check(out.findings.length === 0, out.findings.slice(0, 10).join('; '));
  if (what.none && out.judged.length === 0 && out.unproven.length === 0 && out.short.length === 0)
    skip.notApplicable(true, what.none);
  control(
    out.judged.length > 0,
    `no ${what.judged.replace(/s$/, '')} answered its control, so nothing was proven: ${[...out.unproven, ...out.short].slice(0, 5).join('; ') || `${ops.length} operations in the document`}`,
  );
  covered(
    out.short.length === 0,
    `the budget ran out before ${out.short.length} targets (${out.short.slice(0, 5).join('; ')}); raise ${budget.exhausted ?? 'smoke.inputProbes.budget.requests'}`,
  );
  covered(
    out.unproven.length === 0,
    `${out.unproven.length} targets not proven: ${out.unproven.slice(0, 5).join('; ')}`,
  );
}

test('[input.schema-invalid] parameters and bodies the OpenAPI document forbids are refused, never accepted and never a 5xx', async ({
  api,
  plan,
  rec,
}) => {
  await probe('schema-invalid', schemaInvalid, { api, plan, rec }, { judged: 'operations', bodies: true });
});

test('[input.sql-injection] no query parameter reaches SQL: no database error only the probe provokes, no true/false differential', async ({
  api,
  plan,
  rec,
}) => {
  await probe('sql-injection', sqlInjection, { api, plan, rec }, { judged: 'parameters' });
});

test('[input.nosql-injection] no query parameter or body field evaluates a NoSQL operator ($ne, $gt)', async ({
  api,
  plan,
  rec,
}) => {
  await probe('nosql-injection', nosqlInjection, { api, plan, rec }, { judged: 'parameters', bodies: true });
});

test('[input.template-injection] no echoed query parameter is evaluated as a template expression', async ({
  api,
  plan,
  rec,
}) => {
  await probe(
    'template-injection',
    templateInjection,
    { api, plan, rec },
    {
      judged: 'echoed parameters',
      none: 'no query parameter of the document is echoed in its answer, so an evaluated template could not show',
    },
  );
});

test('[input.path-traversal] no file-like parameter reaches a file outside its folder', async ({ api, plan, rec }) => {
  await probe(
    'path-traversal',
    pathTraversal,
    { api, plan, rec },
    {
      judged: 'file-like parameters',
      none: 'no parameter of the document has a file-like name (smoke.inputProbes.fileParams)',
    },
  );
});
