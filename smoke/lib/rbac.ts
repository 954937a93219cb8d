/**
 * auth.rbac's judgement, apart from the requests: every restricted route needs a positive control (an account allowed
 * on it reaches it), or a refusal of the owner role proves nothing: a route that refuses everyone, or does not exist,
 * refuses the owner too.
 */
export interface RbacCell {
  /** `GET /admin/users`, as the evidence names it. */
  route: string;
  /** The route's role and the other roles allowed on it (smoke.roleRoutes.<role>[i].allowedRoles). */
  roles: string[];
  /** The allowed account that was tried and its answer; absent when no allowed role has a configured account. */
  control?: { role: string; status: number; ok: boolean };
  /** The owner role's answer. */
  owner: { status: number; refused: boolean };
}

export type RbacVerdict =
  | { outcome: 'fail'; reached: string[] }
  | { outcome: 'unproven'; unproven: string[] }
  | { outcome: 'pass'; proven: string[] };

/** A route the owner reached is a finding whatever its control; otherwise every refusal must stand on a control that held. */
export function judgeRbac(cells: readonly RbacCell[]): RbacVerdict {
  const reached = cells.filter((c) => !c.owner.refused).map((c) => `${c.route} (${c.owner.status})`);
  if (reached.length) return { outcome: 'fail', reached };
  const unproven = cells
    .filter((c) => !c.control?.ok)
    .map((c) =>
      c.control
        ? `${c.route}: the ${c.control.role} account itself answered ${c.control.status}, so the refusal proves nothing (a route that refuses everyone, or does not exist, refuses the owner too)`
        : `${c.route}: no account of ${c.roles.map((r) => `"${r}"`).join(' or ')} is configured to show that the route answers anyone (add one to smoke.accounts, or name a role that has one in this route's allowedRoles)`,
    );
  if (unproven.length) return { outcome: 'unproven', unproven };
  return {
    outcome: 'pass',
    proven: cells.map((c) => `${c.route}: ${c.control!.role} ${c.control!.status}, owner ${c.owner.status}`),
  };
}
