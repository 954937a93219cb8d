import { describe, expect, it } from 'vitest';
import { fillParams, fingerprint, holds, judgeCell, singular } from '../../../smoke/lib/authz-matrix.ts';

const O = { genericParams: ['id', 'pk', 'uuid', 'slug'], params: {} };
const order = { id: 7, amount: 20000, description: 'gonogo order', status: 'pending' };
const fp = fingerprint(order, ['id'])!;
const a = (status: number, json: unknown) => ({ status, json, text: JSON.stringify(json) });

describe('the authorization matrix', () => {
  it('fills a path parameter from the variable of its name, the collection before it, or the configured mapping', () => {
    expect(singular('orders')).toBe('order');
    expect(singular('categories')).toBe('category');
    expect(singular('addresses')).toBe('address');
    expect(fillParams('/api/orders/{id}', { order_id: 7 }, O)).toEqual({ path: '/api/orders/7' });
    expect(fillParams('/orders/{order_id}/payment', { order_id: 'a b' }, O)).toEqual({ path: '/orders/a%20b/payment' });
    expect(fillParams('/api/v1/purchase-orders/{pk}/', { purchase_order_id: 3 }, O)).toEqual({
      path: '/api/v1/purchase-orders/3/',
    });
    expect(fillParams('/users/{id}', { order_id: 7 }, O)).toEqual({ missing: 'id' });
    expect(fillParams('/vendors/{vendor}', { vendor_id: 9 }, { ...O, params: { vendor: 'vendor_id' } })).toEqual({
      path: '/vendors/9',
    });
    expect(fillParams('/api/orders', {}, O)).toEqual({ path: '/api/orders' });
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
