/**
 * The function-level half of the authorization matrix (auth.authz-matrix): which roles an operation is reserved to,
 * from the document's security scopes that name a role and from smoke.roleRoutes; how a cell called by the lesser
 * roles and anonymously is judged against the call of a permitted role; and the matrix's request and time budget.
 * Pure functions here; the requests are smoke/specs/authz.spec.ts's.
 */

export interface RoleRoute {
  method: string;
  path: string;
  allowedRoles: readonly string[];
}

/** `/api/orders/{id}` as a pattern that matches the concrete paths of the operation. */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

/**
 * The roles an operation is reserved to: the scopes of its security requirements that are role names (an OAuth2
 * scope or an OpenAPI 3.1 role named like one of `roles`), and the smoke.roleRoutes entries whose method and path it
 * serves (the entry's role and its allowedRoles). Undefined: nothing reserves it to a role.
 */
export function reservedTo(
  op: { method: string; path: string; scopes: readonly string[] },
  o: { roles: ReadonlySet<string>; roleRoutes: Readonly<Record<string, readonly RoleRoute[]>>; prefix: string },
): string[] | undefined {
  const found = new Set(op.scopes.filter((s) => o.roles.has(s)));
  const pattern = templatePattern(o.prefix + op.path);
  for (const [role, routes] of Object.entries(o.roleRoutes))
    for (const r of routes)
      if (r.method.toUpperCase() === op.method.toUpperCase() && pattern.test(r.path)) {
        found.add(role);
        for (const a of r.allowedRoles) found.add(a);
      }
  return found.size ? [...found] : undefined;
}

/** The roles that call a reserved operation and must be refused: every role with a session but the permitted ones and the admin role (above every other). */
export function lesserRoles(reserved: readonly string[], withSession: readonly string[], admin: string): string[] {
  return withSession.filter((r) => !reserved.includes(r) && r !== admin);
}

export interface RoleCell {
  op: string;
  roles: string[];
  /** The permitted role's own call; absent when no permitted role has a session (an account in smoke.accounts). */
  control?: { role: string; status: number };
  callers: Array<{ role: string; status: number }>;
  /** The anonymous call, made when the operation is secured. */
  anonymous?: number;
}

export type RoleOutcome =
  | { kind: 'reached'; who: string; status: number }
  /** No permitted role answered 2xx: the refusals prove nothing (a route that refuses everyone refuses the lesser role too). */
  | { kind: 'no-control'; why: string }
  /** A caller neither reached nor was refused (a 429, a redirect): nothing shown either way. */
  | { kind: 'unproven'; who: string; status: number }
  | { kind: 'kept' };

const ok2xx = (s: number) => s >= 200 && s < 300;

/** A lesser role or an anonymous caller answered 2xx is a finding whatever the control; every refusal needs the control. */
export function judgeRoleCell(c: RoleCell, refused: (status: number) => boolean): RoleOutcome {
  const calls = [...c.callers, ...(c.anonymous === undefined ? [] : [{ role: 'anonymous', status: c.anonymous }])];
  const reached = calls.filter((x) => ok2xx(x.status));
  if (reached.length)
    return {
      kind: 'reached',
      who: reached.map((x) => `${x.role} (${x.status})`).join(', '),
      status: reached[0]!.status,
    };
  if (!c.control)
    return {
      kind: 'no-control',
      why: `no account of ${c.roles.map((r) => `"${r}"`).join(' or ')} in smoke.accounts shows that the operation answers anyone`,
    };
  if (!ok2xx(c.control.status))
    return {
      kind: 'no-control',
      why: `the ${c.control.role} account itself answered ${c.control.status}, so the refusals prove nothing`,
    };
  const loose = calls.find((x) => !refused(x.status));
  return loose ? { kind: 'unproven', who: loose.role, status: loose.status } : { kind: 'kept' };
}

/** The matrix's budget: requests and seconds; the first one spent names its key. */
export class MatrixBudget {
  private sent = 0;
  private readonly started: number;
  cut: string | undefined;

  constructor(
    private readonly maxRequests: number,
    private readonly maxSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** Whether `n` more requests fit; when not, `cut` names the key that stopped the matrix. */
  take(n: number): boolean {
    if (this.cut) return false;
    if (this.sent + n > this.maxRequests)
      this.cut = `smoke.authzMatrix.maxRequests (${this.maxRequests} requests, ${this.sent} sent)`;
    else if ((this.now() - this.started) / 1000 > this.maxSeconds)
      this.cut = `smoke.authzMatrix.maxSeconds (${this.maxSeconds} s)`;
    if (this.cut) return false;
    this.sent += n;
    return true;
  }

  get requests(): number {
    return this.sent;
  }
}
