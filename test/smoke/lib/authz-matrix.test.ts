import { describe, expect, it } from 'vitest';
import {
  capturedId,
  fillParams,
  fingerprint,
  holds,
  judgeCell,
  judgeRead,
  judgeWrite,
  singular,
} from '../../../smoke/lib/authz-matrix.ts';
import { MatrixBudget, judgeRoleCell, lesserRoles, reservedTo } from '../../../smoke/lib/authz-roles.ts';

const O = { genericParams: ['id', 'pk', 'uuid', 'slug'], params: {} };
const order = { id: 7, amount: 20000, description: 'gonogo order', status: 'pending' };
const fp = fingerprint(order, ['id'])!;
const a = (status: number, json: unknown) => ({ status, json, text: JSON.stringify(json) });

describe('the authorization matrix', () => {
  it('fills a path parameter from the variable of its name, the collection before it, or the configured mapping', () => {
    expect(singular('orders')).toBe('order');
    expect(singular('categories')).toBe('category');
    expect(singular('addresses')).toBe('address');
    expect(fillParams('/api/orders/{id}', { order_id: 7 }, O)).toEqual({ path: '/api/orders/7', used: ['order_id'] });
    expect(fillParams('/orders/{order_id}/payment', { order_id: 'a b' }, O)).toEqual({
      path: '/orders/a%20b/payment',
      used: ['order_id'],
    });
    expect(fillParams('/api/v1/purchase-orders/{pk}/', { purchase_order_id: 3 }, O)).toEqual({
      path: '/api/v1/purchase-orders/3/',
      used: ['purchase_order_id'],
    });
    expect(fillParams('/users/{id}', { order_id: 7 }, O)).toEqual({ missing: 'id' });
    expect(fillParams('/vendors/{vendor}', { vendor_id: 9 }, { ...O, params: { vendor: 'vendor_id' } })).toEqual({
      path: '/vendors/9',
      used: ['vendor_id'],
    });
    expect(fillParams('/api/orders', {}, O)).toEqual({ path: '/api/orders', used: [] });
  });

  it("recognises the owner's object by its id and one more of its fields, at any depth, not by an id alone", () => {
    expect(
      holds(
        {
          results: [
            { id: 3, amount: 1 },
            { id: 7, status: 'pending' },
          ],
        },
        fp,
      ),
    ).toBe(true);
    expect(holds({ data: { attributes: { order: { id: '7', description: 'gonogo order' } } } }, fp)).toBe(true);
    // A user 7 is not order 7.
    expect(holds({ id: 7, email: 'x@y.test', role: 'client' }, fp)).toBe(false);
    expect(holds([], fp)).toBe(false);
    expect(fingerprint({ name: 'no id' }, ['id'])).toBeUndefined();
  });

  it('judges a cell only where the owner is shown its object, and names who else was', () => {
    const list = [order];
    expect(judgeCell({ owner: a(200, list), other: a(200, []), anonymous: a(401, {}) }, fp, false)).toMatchObject({
      kind: 'kept',
    });
    expect(judgeCell({ owner: a(200, list), other: a(200, list), anonymous: a(401, {}) }, fp, false)).toMatchObject({
      kind: 'leak',
      who: 'other',
      status: 200,
    });
    expect(judgeCell({ owner: a(200, list), other: a(403, {}), anonymous: a(200, list) }, fp, false)).toMatchObject({
      kind: 'leak',
      who: 'anonymous',
    });
    // A list of something else says nothing about the order.
    expect(
      judgeCell({ owner: a(200, [{ id: 1, name: 'acme' }]), other: a(200, [{ id: 1, name: 'acme' }]) }, fp, false),
    ).toMatchObject({ kind: 'not-about-the-object' });
    // An object route the owner cannot read proves nothing.
    expect(judgeCell({ owner: a(404, {}), other: a(404, {}) }, fp, true)).toMatchObject({
      kind: 'unproven',
      owner: 404,
    });
    // A sub-resource without the order's fields: the owner's answer word for word is a leak, another body is not.
    expect(
      judgeCell({ owner: a(200, [{ id: 1, title: 'm1' }]), other: a(200, [{ id: 1, title: 'm1' }]) }, fp, true),
    ).toMatchObject({ kind: 'leak', who: 'other' });
    expect(judgeCell({ owner: a(200, [{ id: 1, title: 'm1' }]), other: a(200, []) }, fp, true)).toMatchObject({
      kind: 'kept',
    });
  });
});

describe('ids from list operations', () => {
  it("takes the first of the first user's objects the second user's list does not show, named after the collection", () => {
    const mine = {
      results: [
        { id: 4, total: 10 },
        { id: 9, total: 30, note: 'mine' },
      ],
    };
    const theirs = [{ id: 4, total: 10 }];
    expect(capturedId('/api/invoices', mine, theirs, ['id'])).toMatchObject({ variable: 'invoice_id', id: 9 });
    expect(capturedId('/api/v1/purchase-orders/', [{ pk: 2, a: 1 }], [], ['id', 'pk'])).toMatchObject({
      variable: 'purchase_order_id',
      id: 2,
    });
    // A directory every user sees is nobody's object; an answer without a list, or ids without other fields, gives none.
    expect(capturedId('/api/vendors', theirs, theirs, ['id'])).toBeUndefined();
    expect(capturedId('/api/me', { id: 1, email: 'a@b.test' }, {}, ['id'])).toBeUndefined();
    expect(capturedId('/api/tags', [{ id: 3 }], [], ['id'])).toBeUndefined();
  });
});

describe('anonymous calls and writes', () => {
  it('a secured read that answers an anonymous call ignores its auth, whatever it shows', () => {
    expect(
      judgeRead({ owner: a(200, { id: 1, me: 'x' }), other: a(200, { id: 2 }), anonymous: a(200, {}) }, fp, false),
    ).toMatchObject({ kind: 'open', status: 200 });
    expect(judgeRead({ owner: a(200, [order]), other: a(200, []), anonymous: a(401, {}) }, fp, false)).toMatchObject({
      kind: 'kept',
    });
  });

  it("a write on the owner's object: any 2xx to another caller is a finding; a refusal counts only after the owner's own write went through", () => {
    const refused = (s: number) => s >= 400 && s !== 429;
    expect(judgeWrite({ owner: 200, other: 204, anonymous: 401 }, refused)).toMatchObject({
      kind: 'leak',
      who: 'other',
    });
    expect(judgeWrite({ owner: 200, other: 403, anonymous: 200 }, refused)).toMatchObject({ kind: 'open' });
    expect(judgeWrite({ owner: 200, other: 404, anonymous: 401 }, refused)).toEqual({
      kind: 'kept',
      owner: 200,
      other: 404,
      anonymous: 401,
    });
    expect(judgeWrite({ owner: 409, other: 403 }, refused)).toMatchObject({ kind: 'unproven', owner: 409 });
    expect(judgeWrite({ owner: 200, other: 429 }, refused)).toMatchObject({ kind: 'unproven' });
  });
});

describe('the role cells', () => {
  const roles = new Set(['client', 'manufacturer', 'admin']);
  const roleRoutes = {
    manufacturer: [{ method: 'GET', path: '/api/manufacturer/orders', allowedRoles: [] }],
    admin: [{ method: 'GET', path: '/api/admin/users/7', allowedRoles: ['support'] }],
  };
  const refused = (s: number) => s >= 400 && s !== 429;

  it('reserves an operation to the roles its security scopes name and to the roles smoke.roleRoutes gives its path', () => {
    const o = { roles, roleRoutes, prefix: '' };
    expect(reservedTo({ method: 'GET', path: '/api/admin/users', scopes: ['admin'] }, o)).toEqual(['admin']);
    // A scope that is no role (read:orders) reserves nothing; a roleRoutes entry matches the path template.
    expect(reservedTo({ method: 'GET', path: '/api/orders', scopes: ['read:orders'] }, o)).toBeUndefined();
    expect(reservedTo({ method: 'GET', path: '/admin/users/{id}', scopes: [] }, { ...o, prefix: '/api' })).toEqual([
      'admin',
      'support',
    ]);
    expect(reservedTo({ method: 'POST', path: '/api/manufacturer/orders', scopes: [] }, o)).toBeUndefined();
    expect(lesserRoles(['manufacturer'], ['client', 'manufacturer', 'admin'], 'admin')).toEqual(['client']);
  });

  it("fails a lesser role's or an anonymous 2xx whatever the control; a refusal without a permitted 2xx is no pass", () => {
    const base = { op: 'GET /api/admin/users', roles: ['admin'] };
    expect(
      judgeRoleCell(
        { ...base, control: { role: 'admin', status: 200 }, callers: [{ role: 'client', status: 200 }] },
        refused,
      ),
    ).toEqual({ kind: 'reached', who: 'client (200)', status: 200 });
    expect(
      judgeRoleCell({ ...base, callers: [{ role: 'client', status: 403 }], anonymous: 200 }, refused),
    ).toMatchObject({
      kind: 'reached',
      who: 'anonymous (200)',
    });
    expect(judgeRoleCell({ ...base, callers: [{ role: 'client', status: 403 }] }, refused)).toMatchObject({
      kind: 'no-control',
    });
    expect(
      judgeRoleCell(
        { ...base, control: { role: 'admin', status: 403 }, callers: [{ role: 'client', status: 403 }] },
        refused,
      ),
    ).toMatchObject({ kind: 'no-control', why: expect.stringContaining('403') });
    expect(
      judgeRoleCell(
        {
          ...base,
          control: { role: 'admin', status: 200 },
          callers: [{ role: 'client', status: 403 }],
          anonymous: 401,
        },
        refused,
      ),
    ).toEqual({ kind: 'kept' });
    expect(
      judgeRoleCell(
        { ...base, control: { role: 'admin', status: 200 }, callers: [{ role: 'client', status: 429 }] },
        refused,
      ),
    ).toMatchObject({ kind: 'unproven', who: 'client', status: 429 });
  });

  it('stops at its request or time budget and names the key that stopped it', () => {
    let t = 0;
    const b = new MatrixBudget(5, 10, () => t);
    expect(b.take(3)).toBe(true);
    expect(b.take(3)).toBe(false);
    expect(b.cut).toMatch(/^smoke\.authzMatrix\.maxRequests \(5 requests, 3 sent\)/);
    expect(b.take(1)).toBe(false);
    const slow = new MatrixBudget(100, 10, () => t);
    t = 11_000;
    expect(slow.take(1)).toBe(false);
    expect(slow.cut).toMatch(/^smoke\.authzMatrix\.maxSeconds/);
    expect(slow.requests).toBe(0);
  });
});
