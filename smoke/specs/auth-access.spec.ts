/** Who may reach what: role-restricted routes, another user's order, the OpenAPI operations anonymously. */
import { test, skip, check, control, requireControl } from '../lib/fixtures.ts';
import { MAIN_USER, SECOND_USER, clientSession, ok, roleSession, userSession } from '../lib/auth.ts';
import { FlowRun, NO_FLOW } from '../flow/run.ts';
import { counterpartyActor } from '../flow/actors.ts';
import { withFields } from '../../core/signin/accounts.ts';
import { getPath } from '../../core/jsonpath.ts';
import { loadPlan } from '../lib/plan.ts';
import { judgeRbac, type RbacCell } from '../lib/rbac.ts';
import { asControl } from '../lib/outcome.ts';
import { isRefused } from '../lib/refusal.ts';
import type { Res } from '../../core/signin/http.ts';

// Independent checks: spread over the workers (shared sessions and accounts are locked, see state.ts).
test.describe.configure({ mode: 'parallel' });

/** Refused as smoke.refusal.statuses defines it. */
const refused = (r: Res) => isRefused(r, loadPlan());

test("[auth.rbac] the owner role cannot reach other roles' routes (smoke.roleRoutes)", async ({ api, plan, rec }) => {
  const clientRole = plan.config.roles.owner;
  const others = Object.entries(plan.config.roleRoutes).filter(([role]) => role !== clientRole);
  skip.notConfigured(others.length === 0, 'no role-restricted routes configured (smoke.roleRoutes)');
  const client = await requireControl(`login as ${clientRole}`, () => clientSession(api, plan, MAIN_USER));
  const withAccount = new Set(plan.config.accounts.map((a) => a.role));
  const cells: RbacCell[] = [];
  for (const [role, routes] of others) {
    for (const route of routes) {
      const roles = [role, ...route.allowedRoles];
      // The control: the first allowed role with a configured account must reach the route, or its refusal of the owner proves nothing.
      const controlRole = roles.find((r) => withAccount.has(r));
      const req = { method: route.method, path: route.path };
      let ctl: RbacCell['control'];
      if (controlRole) {
        const own = await requireControl(`login as ${controlRole}`, () => roleSession(api, plan, controlRole));
        const r = await asControl(() => api.send({ ...req, session: own }));
        ctl = { role: controlRole, status: r.status, ok: ok(r) };
      }
      const r = await api.send({ ...req, session: client });
      cells.push({
        route: `${route.method} ${route.path}`,
        roles,
        ...(ctl ? { control: ctl } : {}),
        owner: { status: r.status, refused: refused(r) },
      });
    }
  }
  const verdict = judgeRbac(cells);
  rec.detail(
    'routes',
    cells.map(
      (c) =>
        `${c.route}: ${c.control ? `${c.control.role} ${c.control.status}` : 'no control account'}, ${clientRole} ${c.owner.status}`,
    ),
  );
  if (verdict.outcome === 'fail') {
    rec.actual = `reached: ${verdict.reached.join(', ')}`;
    check(false, `a ${clientRole} reached ${verdict.reached.join(', ')}`);
  }
  control(verdict.outcome === 'pass', verdict.outcome === 'unproven' ? `unproven: ${verdict.unproven.join('; ')}` : '');
  rec.actual = `every restricted route refused the ${clientRole} and answered its own role (${cells.length} routes)`;
});

test("[auth.object-ownership] another user cannot read or change a user's order", async ({ api, plan, rec }) => {
  skip.notConfigured(!plan.config.escrow.steps, NO_FLOW);
  const owner = await requireControl('owner login', () => clientSession(api, plan, MAIN_USER));
  // A setup step may be sent by the counterparty (looking up its own id): it joins when configured.
  const counterparty = await counterpartyActor(api, plan);
  const run = new FlowRun(api, plan, { owner: { session: owner }, ...(counterparty ? { counterparty } : {}) });
  await run.create();
  // The owner can change its own order through the same route: a route that refuses everyone proves nothing.
  await run.ownerUpdates();
  const other = await requireControl('a second user of the suite', () => userSession(api, plan, SECOND_USER));
  const read = await run.read(other);
  // The probe writes the field the config reads back (escrow.order.descriptionPath), nested as its path says.
  const patch = await run.update(
    withFields({}, { [plan.config.escrow.order.descriptionPath]: 'gonogo ownership probe' }),
    other,
  );
  const after = await run.read();
  control(ok(after.res), `the owner reading its own order answered ${after.res.status}`);
  rec.actual = `other user: read ${read.res.status}, change ${patch.status}`;
  check(refused(read.res), `another user read the order (${read.res.status})`);
  check(
    refused(patch) && getPath(after.res.json, plan.config.escrow.order.descriptionPath) !== 'gonogo ownership probe',
    `another user changed the order (${patch.status})`,
  );
});

test('[auth.openapi-sweep] every secured OpenAPI operation refuses anonymous calls', async ({ api, plan, rec }) => {
  skip.notConfigured(
    !plan.config.openapi,
    'no OpenAPI document configured (smoke.openapi); a platform that publishes none declares the check in notApplicable',
  );
  const { sweep, sessionPasses } = await import('../lib/openapi.ts');
  const { open, refused, unproven, called } = await sweep(api, plan, rec);
  // An empty sweep proves nothing: it is an error, not a pass.
  control(called > 0, 'the OpenAPI document declares no secured operation to call');
  rec.actual = `${called} secured operations called anonymously: ${open.length} answered 2xx, ${refused.length} refused, ${unproven.length} neither`;
  check(open.length === 0, `secured operations answer anonymous calls: ${open.join(', ')}`);
  const statuses = plan.config.openapiSweep.refusedStatuses.join('/');
  control(
    unproven.length === 0,
    `${unproven.length} of ${called} secured operations answered neither 2xx nor ${statuses} (smoke.openapiSweep.refusedStatuses), which proves nothing about their auth: ${unproven.slice(0, 10).join(', ')}${unproven.length > 10 ? ', ...' : ''}`,
  );
  const { session } = await requireControl('login', () => userSession(api, plan, MAIN_USER));
  const through = await asControl(() => sessionPasses(api, refused, session));
  control(
    through,
    `no secured GET operation answered 2xx with a genuine session (the first five tried): the anonymous refusals may come from routes that refuse everyone`,
  );
  rec.detail('sessionControl', `${through.op}: ${through.status} with a session`);
});
