import { test, skip, check, control, covered, requireControl } from '../lib/fixtures.ts';
import { MAIN_USER, SECOND_USER, clientSession, userSession } from '../lib/auth.ts';
import { FlowRun, NO_FLOW } from '../flow/run.ts';
import { counterpartyActor } from '../flow/actors.ts';
import { loadDoc, serverPrefix } from '../lib/openapi.ts';
import { fillParams, fingerprint, judgeCell, type CellOutcome } from '../lib/authz-matrix.ts';
import type { Res } from '../lib/http.ts';

const answer = (r: Res) => ({ status: r.status, json: r.json, text: r.text });

test("[auth.authz-matrix] no other user of the owner's role, and no anonymous caller, reads the owner's object through any read operation of the OpenAPI document", async ({
  api,
  plan,
  rec,
}) => {
  skip.notConfigured(
    !plan.config.openapi,
    'no OpenAPI document configured (smoke.openapi); a platform that publishes none declares the check in notApplicable',
  );
  skip.notConfigured(!plan.config.escrow.steps, NO_FLOW);
  const m = plan.config.authzMatrix;
  const owner = await requireControl("the owner's login", () => clientSession(api, plan, MAIN_USER));
  const counterparty = await counterpartyActor(api, plan);
  const run = new FlowRun(api, plan, { owner: { session: owner }, ...(counterparty ? { counterparty } : {}) });
  await run.create();
  const mine = await run.read();
  // The control of every cell: the owner reads its own object, and the answer shows which fields identify it.
  const create = run.createStep.capture.order_id;
  const captured = create && create.from === 'body' ? create.path.split('.').pop()!.replace(/\[.*$/, '') : undefined;
  const fp = fingerprint(mine.res.json, [...(captured ? [captured] : []), ...m.idFields]);
  control(
    fp && Object.keys(fp.others).length > 0,
    `the owner's order (smoke.escrow.order.get answered ${mine.res.status}) carries no id field (${[captured, ...m.idFields].filter(Boolean).join(', ')}: smoke.authzMatrix.idFields) beside other fields to recognise it by`,
  );
  const other = await requireControl("a second user of the owner's role", () => userSession(api, plan, SECOND_USER));

  const doc = await loadDoc(api, plan);
  const prefix = serverPrefix(doc, plan.baseUrl);
  const reads = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => {
    const op = item.get;
    if (!op) return [];
    const security = op.security ?? doc.security ?? [];
    return [{ path, secured: Array.isArray(security) && security.length > 0 }];
  });
  const cells: Array<{ op: string } & CellOutcome> = [];
  const unmapped: string[] = [];
  const budget = reads.slice(0, m.maxOperations);
  for (const op of budget) {
    const filled = fillParams(op.path, run.vars, m);
    // A public operation makes no claim about who may read it: only a secured one left unfilled is unproven.
    if ('missing' in filled) {
      if (op.secured) unmapped.push(`GET ${op.path} ({${filled.missing}})`);
      continue;
    }
    const path = prefix + filled.path;
    const objectRoute = filled.path !== op.path;
    const [o, x, anon] = [
      await api.send({ method: 'GET', path, session: owner }),
      await api.send({ method: 'GET', path, session: other.session }),
      op.secured ? await api.send({ method: 'GET', path }) : undefined,
    ];
    cells.push({
      op: `GET ${op.path}`,
      ...judgeCell(
        { owner: answer(o), other: answer(x), ...(anon ? { anonymous: answer(anon) } : {}) },
        fp,
        objectRoute,
      ),
    });
  }
  const leaks = cells.filter((c): c is { op: string } & Extract<CellOutcome, { kind: 'leak' }> => c.kind === 'leak');
  const judged = cells.filter((c) => c.kind === 'kept' || c.kind === 'leak');
  const unproven = cells.filter((c) => c.kind === 'unproven');
  rec.detail('cells', cells);
  rec.actual = `${reads.length} read operations: ${judged.length} show the owner's order to the owner and were called as a second user${''} and anonymously; ${cells.length - judged.length - unproven.length} do not show it; ${unproven.length} the owner could not read; ${unmapped.length} with a path parameter no flow variable fills`;
  check(
    leaks.length === 0,
    `the owner's order reached another caller: ${leaks.map((l) => `${l.op} answered ${l.status} to ${l.who === 'other' ? "a second user of the owner's role" : 'an anonymous caller'}`).join('; ')}`,
  );
  control(
    judged.length > 0,
    `no read operation of the document showed the owner its own order, so nothing was proven: ${rec.actual}`,
  );
  const left = [
    ...unproven.map((c) => `${c.op} (the owner got ${c.owner})`),
    ...unmapped.map((u) => `${u}: map it in smoke.authzMatrix.params`),
    ...reads
      .slice(m.maxOperations)
      .map((r) => `GET ${r.path} (past smoke.authzMatrix.maxOperations, ${m.maxOperations})`),
  ];
  covered(
    left.length === 0,
    `${left.length} read operations not proven: ${left.slice(0, 10).join('; ')}${left.length > 10 ? '; ...' : ''}`,
  );
});
