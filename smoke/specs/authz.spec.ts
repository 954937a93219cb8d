import { test, skip, check, control, covered, requireControl } from '../lib/fixtures.ts';
import { MAIN_USER, SECOND_USER, clientSession, roleSession, userSession } from '../lib/auth.ts';
import { FlowRun, NO_FLOW } from '../flow/run.ts';
import { counterpartyActor } from '../flow/actors.ts';
import { METHODS, loadDoc, securityOf, serverPrefix } from '../lib/openapi.ts';
import {
  capturedId,
  fillParams,
  fingerprint,
  judgeRead,
  judgeWrite,
  type CellOutcome,
  type Fingerprint,
} from '../lib/authz-matrix.ts';
import {
  MatrixBudget,
  judgeRoleCell,
  lesserRoles,
  reservedTo,
  type RoleCell,
  type RoleOutcome,
} from '../lib/authz-roles.ts';
import { isRefusalStatus } from '../lib/refusal.ts';
import type { Res, Session } from '../../core/signin/http.ts';

const answer = (r: Res) => ({ status: r.status, json: r.json, text: r.text });
const ok2xx = (s: number) => s >= 200 && s < 300;

/** `role`: a cell of an operation reserved to a role, called by the lesser roles. */
type Cell = { op: string } & (({ role?: false } & CellOutcome) | ({ role: true } & RoleCell & RoleOutcome));

test("[auth.authz-matrix] every operation of the OpenAPI document, called by each lesser role, by a second user of the owner's role on the owner's objects and anonymously, is refused where a permitted caller is answered", async ({
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
  const roles = plan.config.roles;
  const owner = await requireControl("the owner's login", () => clientSession(api, plan, MAIN_USER));
  const counterparty = await counterpartyActor(api, plan);
  const run = new FlowRun(api, plan, { owner: { session: owner }, ...(counterparty ? { counterparty } : {}) });
  await run.create();
  const mine = await run.read();
  // The control of every object cell: the owner reads its own object, and the answer shows which fields identify it.
  const create = run.createStep.capture.order_id;
  const captured = create && create.from === 'body' ? create.path.split('.').pop()!.replace(/\[.*$/, '') : undefined;
  const idFields = [...(captured ? [captured] : []), ...m.idFields];
  const orderFp = fingerprint(mine.res.json, idFields);
  control(
    orderFp && Object.keys(orderFp.others).length > 0,
    `the owner's order (smoke.escrow.order.get answered ${mine.res.status}) carries no id field (${idFields.join(', ')}: smoke.authzMatrix.idFields) beside other fields to recognise it by`,
  );
  const other = await requireControl("a second user of the owner's role", () => userSession(api, plan, SECOND_USER));
  // Ids the run created itself: the only objects a write may touch unless smoke.authzMatrix.writes is "all".
  const own = new Set(Object.keys(run.createStep.capture));
  const vars = { ...run.vars };
  const fps: Record<string, Fingerprint> = {};

  // One session per role: the owner's own, and a configured account's for every other role.
  const withSession = [...new Set([roles.owner, ...plan.config.accounts.map((a) => a.role)])];
  const sessions = new Map<string, Session>([[roles.owner, owner]]);
  const sessionOf = async (role: string) => {
    if (!sessions.has(role))
      sessions.set(role, await requireControl(`login as ${role}`, () => roleSession(api, plan, role)));
    return sessions.get(role)!;
  };
  const known = new Set([
    ...Object.values(roles),
    ...withSession,
    ...Object.entries(plan.config.roleRoutes).flatMap(([r, rs]) => [r, ...rs.flatMap((x) => x.allowedRoles)]),
  ]);
  const refusedStatus = (s: number) => isRefusalStatus(s, plan.config.refusal.statuses);

  const doc = await loadDoc(api, plan);
  const prefix = serverPrefix(doc, plan.baseUrl);
  const all = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((x) => item[x]).map((x) => ({
      method: x.toUpperCase(),
      path,
      ...securityOf(doc, item[x]!),
      write: x !== 'get',
      params: path.includes('{'),
    })),
  );
  // Lists first: the ids they show the owner fill the object paths after them; writes last.
  const rank = (o: (typeof all)[number]) => (o.write ? 2 : o.params ? 1 : 0);
  const inScope = all.filter((o) => !o.write || m.writes !== 'none').sort((a, b) => rank(a) - rank(b));
  const ops = inScope.slice(0, m.maxOperations);
  const budget = new MatrixBudget(m.maxRequests, m.maxSeconds);
  const cells: Cell[] = [];
  const unmapped: string[] = [];
  const cutShort: string[] = [];
  let notOwn = 0;
  const noSession = new Set<string>();
  const send = (method: string, path: string, session?: Session) =>
    api.send({
      method,
      path,
      ...(session ? { session } : {}),
      ...(method === 'GET' || method === 'DELETE' ? {} : { json: {} }),
    });

  for (const op of ops) {
    const name = `${op.method} ${op.path}`;
    const filled = fillParams(op.path, vars, m);
    // A public operation makes no claim about who may call it: only a secured one left unfilled is unproven.
    if ('missing' in filled) {
      if (op.secured) unmapped.push(`${name} ({${filled.missing}})`);
      continue;
    }
    const path = prefix + filled.path;
    const objectRoute = filled.path !== op.path;
    const reserved = reservedTo(op, { roles: known, roleRoutes: plan.config.roleRoutes, prefix });
    const onOwn = objectRoute && filled.used.every((v) => own.has(v));
    // Writes touch only the run's own objects unless the team opted into every write.
    if (op.write && m.writes === 'own' && !onOwn) {
      notOwn++;
      continue;
    }

    if (reserved) {
      const lesser = lesserRoles(reserved, withSession, roles.admin);
      // A lesser role the config names but gives no account cannot be tried: the cell covers less than it claims.
      for (const r of lesserRoles(reserved, [...known], roles.admin)) if (!withSession.includes(r)) noSession.add(r);
      const controlRole = reserved.find((r) => withSession.includes(r));
      if (!budget.take(lesser.length + (op.secured ? 1 : 0) + (controlRole ? 1 : 0))) {
        cutShort.push(name);
        continue;
      }
      const callers = [];
      for (const role of lesser)
        callers.push({ role, status: (await send(op.method, path, await sessionOf(role))).status });
      const anonymous = op.secured ? (await send(op.method, path)).status : undefined;
      // The permitted role calls last: a write it is let through may change the object the others were refused.
      const ctl = controlRole
        ? { role: controlRole, status: (await send(op.method, path, await sessionOf(controlRole))).status }
        : undefined;
      const cell = {
        op: name,
        roles: reserved,
        callers,
        ...(ctl ? { control: ctl } : {}),
        ...(anonymous === undefined ? {} : { anonymous }),
      };
      cells.push({ ...cell, role: true, ...judgeRoleCell(cell, refusedStatus) });
      continue;
    }

    // A write that is not on the run's own object is a second user's to make too: only the anonymous call is judged.
    const asOther = !op.write || onOwn;
    if (!budget.take((asOther ? 1 : 0) + 1 + (op.secured ? 1 : 0))) {
      cutShort.push(name);
      continue;
    }
    // The others call first and the owner last (the control): a write the owner makes cannot hide one they were refused.
    const x = asOther ? await send(op.method, path, other.session) : undefined;
    const anon = op.secured ? await send(op.method, path) : undefined;
    const o = await send(op.method, path, owner);
    const fp = filled.used.map((v) => fps[v]).find(Boolean) ?? orderFp!;
    // Another flow variable (the counterparty's id) names no object of the owner's: such a path is judged as a list is.
    const ownersObject = objectRoute && filled.used.every((v) => own.has(v) || v in fps);
    cells.push({
      op: name,
      ...(op.write
        ? judgeWrite(
            { owner: o.status, ...(x ? { other: x.status } : {}), ...(anon ? { anonymous: anon.status } : {}) },
            refusedStatus,
          )
        : judgeRead(
            { owner: answer(o), other: answer(x!), ...(anon ? { anonymous: answer(anon) } : {}) },
            fp,
            ownersObject,
          )),
    });
    // The first user's list shows ids the second user's does not: the object paths after it try them as the second user.
    if (!op.write && !op.params && ok2xx(o.status)) {
      const got = capturedId(op.path, o.json, x && ok2xx(x.status) ? x.json : [], idFields);
      if (got && vars[got.variable] === undefined) {
        vars[got.variable] = got.id;
        fps[got.variable] = got.fp;
      }
    }
  }

  const findings = cells.flatMap((c) =>
    c.kind === 'leak'
      ? [
          `${c.op} answered ${c.status} to ${c.who === 'other' ? "a second user of the owner's role" : 'an anonymous caller'} on the owner's object`,
        ]
      : c.kind === 'reached'
        ? [
            `${c.op}, reserved to ${c.role ? c.roles.join(', ') : ''}, was reached by ${c.who.replace(/\banonymous\b/, 'an anonymous caller')}`,
          ]
        : c.kind === 'open'
          ? [`${c.op} answered ${c.status} to an anonymous caller (declared secured)`]
          : [],
  );
  const noControl = cells.flatMap((c) => (c.kind === 'no-control' ? [`${c.op}: ${c.why}`] : []));
  const judged = cells.filter((c) => !c.role && (c.kind === 'kept' || c.kind === 'leak'));
  const roleCells = cells.filter((c) => c.role);
  const unproven = cells.flatMap((c) =>
    c.kind !== 'unproven'
      ? []
      : c.role
        ? [`${c.op} (a ${c.who} got ${c.status})`]
        : [`${c.op} (the owner got ${c.owner})`],
  );
  rec.detail('cells', cells);
  rec.detail('requests', budget.requests);
  rec.actual = `${all.length} operations (${inScope.length - notOwn} in scope, smoke.authzMatrix.writes "${m.writes}"), ${budget.requests} requests: ${judged.length} called as the owner, a second user of its role and anonymously; ${roleCells.length} reserved to a role called by each lesser role; ${unproven.length} unproven; ${unmapped.length} with a path parameter nothing fills; ${cutShort.length} cut short by the budget`;
  check(findings.length === 0, `the authorization matrix found: ${findings.join('; ')}`);
  control(noControl.length === 0, `reserved operations whose refusals stand on no control: ${noControl.join('; ')}`);
  control(
    judged.length > 0,
    `no operation of the document showed the owner its own order, so nothing was proven${budget.cut ? ` (cut short by ${budget.cut}: raise it)` : ''}: ${rec.actual}`,
  );
  const left = [
    ...(budget.cut
      ? [`cut short by ${budget.cut}: ${cutShort.length} operations not called (${cutShort.slice(0, 5).join(', ')})`]
      : []),
    ...unproven,
    ...[...noSession].map(
      (r) => `the ${r} role has no account in smoke.accounts: no reserved operation was tried as it`,
    ),
    ...unmapped.map((u) => `${u}: map it in smoke.authzMatrix.params`),
    ...inScope
      .slice(m.maxOperations)
      .map((r) => `${r.method} ${r.path} (past smoke.authzMatrix.maxOperations, ${m.maxOperations})`),
  ];
  covered(
    left.length === 0,
    `${left.length} operations not proven: ${left.slice(0, 10).join('; ')}${left.length > 10 ? '; ...' : ''}`,
  );
});
