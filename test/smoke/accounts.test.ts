import { describe, expect, it } from 'vitest';
import { tokenFrom, withFields } from '../../smoke/lib/accounts.ts';
import type { Res } from '../../smoke/lib/http.ts';

const res = (headers: Record<string, string>, json: unknown = undefined): Res => ({ method: 'POST', url: 'https://x/login', status: 200, headers, setCookies: [], text: '', json, ms: 1 });

describe('the account mapping', () => {
  it('nests dotted field names (Rails/Devise params) and keeps plain ones at the top', () => {
    expect(withFields({ user: { remember_me: '1' }, locale: 'en' }, { 'user.email': 'a@b.c', 'user.password': 'pw', role: 'admin' }))
      .toEqual({ user: { remember_me: '1', email: 'a@b.c', password: 'pw' }, locale: 'en', role: 'admin' });
    const base = { user: { x: 1 } };
    withFields(base, { 'user.email': 'a@b.c' });
    expect(base).toEqual({ user: { x: 1 } });
  });

  it('reads a token from a response header without its prefix (Devise-JWT), and nothing from a bare prefix', () => {
    const source = { from: 'header' as const, name: 'Authorization', prefix: 'Bearer ' };
    expect(tokenFrom(res({ authorization: 'Bearer eyJ.a.b' }), source)).toBe('eyJ.a.b');
    expect(tokenFrom(res({ authorization: 'Bearer ' }), source)).toBeUndefined();
    expect(tokenFrom(res({}), source)).toBeUndefined();
    expect(tokenFrom(res({}, { data: { token: 't1' } }), { from: 'body', path: 'data.token' })).toBe('t1');
  });
});
