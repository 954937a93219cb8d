import { readFileSync } from 'node:fs';
import { connect, type ConnectionOptions } from 'node:tls';
import { SignJWT, decodeJwt } from 'jose';
import type { Harness, Res } from './support.ts';
import { DEMO_ACCOUNT, SEED_ACCOUNT } from '../../reference-app/index.ts';

/**
 * One probe per flaw: it answers "does this protection hold?" over HTTP (or TLS, or the audited lockfile).
 * The same probe runs against the clean app (must hold) and against the app with its flaw on (must not).
 */
export type Probe = (h: Harness) => Promise<boolean>;

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function tlsAccepts(h: Harness, o: ConnectionOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: h.info.host, port: h.info.port, ca: h.ca, ...o }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Sends `count` requests and reports whether any answered 429 with a Retry-After. */
async function limited(count: number, send: (i: number) => Promise<Res>): Promise<boolean> {
  for (let i = 0; i < count; i++) {
    const r = await send(i);
    if (r.status === 429) return Boolean(r.headers['retry-after']);
  }
  return false;
}

const nonFunded = async (h: Harness, token: string, id: number) =>
  (await h.order(token, id)).json.status === 'pending_payment';

export const PROBES: Record<string, Probe> = {
  'unfunded-release': async (h) => {
    const c = await h.verifiedClient();
    const o = (await h.createOrder(c.access)).json;
    const r = await h.call('POST', `/api/orders/${o.id}/release`, { token: c.access });
    return r.status === 409 && (await nonFunded(h, c.access, o.id));
  },
  'unsigned-webhook': async (h) => {
    const c = await h.verifiedClient();
    const o = (await h.createOrder(c.access)).json;
    const r = await h.webhook(o, { secret: 'whsec_not_the_real_secret' });
    return r.status === 400 && (await nonFunded(h, c.access, o.id));
  },
  'stale-webhook': async (h) => {
    const c = await h.verifiedClient();
    const o = (await h.createOrder(c.access)).json;
    const r = await h.webhook(o, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    return r.status === 400 && (await nonFunded(h, c.access, o.id));
  },
  'webhook-replay': async (h) => {
    const c = await h.verifiedClient();
    const o = (await h.createOrder(c.access)).json;
    await h.webhook(o, { eventId: 'evt_replayed_once' });
    await h.webhook(o, { eventId: 'evt_replayed_once' });
    return (await h.order(c.access, o.id)).json.funded_cents === o.amount_cents;
  },
  'replay-credits-again': async (h) => {
    const c = await h.verifiedClient();
    const o = (await h.createOrder(c.access)).json;
    await h.webhook(o, { eventId: 'evt_credited_once' });
    await h.webhook(o, { eventId: 'evt_credited_once' });
    const after = (await h.order(c.access, o.id)).json;
    return after.status === 'funded' && after.funded_cents === o.amount_cents;
  },
  'amount-mismatch-funds': async (h) => {
    const c = await h.verifiedClient();
    const o = (await h.createOrder(c.access)).json;
    await h.webhook(o, { amount: o.amount_cents - 1 });
    await h.webhook(o, { currency: 'eur' });
    return nonFunded(h, c.access, o.id);
  },
  'idor-release': async (h) => {
    const [a, b] = [await h.verifiedClient(), await h.verifiedClient()];
    const o = await h.fundedOrder(a.access);
    const r = await h.call('POST', `/api/orders/${o.id}/release`, { token: b.access });
    return r.status !== 200 && (await h.order(a.access, o.id)).json.status === 'funded';
  },
  'release-unauthenticated': async (h) => {
    const a = await h.verifiedClient();
    const o = await h.fundedOrder(a.access);
    const r = await h.call('POST', `/api/orders/${o.id}/release`);
    return r.status === 401 && (await h.order(a.access, o.id)).json.status === 'funded';
  },
  'manufacturer-release': async (h) => {
    const a = await h.verifiedClient();
    const o = await h.fundedOrder(a.access);
    const r = await h.call('POST', `/api/orders/${o.id}/release`, { token: await h.loginAs('manufacturer') });
    return r.status === 403 && (await h.order(a.access, o.id)).json.status === 'funded';
  },
  'release-without-approval': async (h) => {
    const a = await h.verifiedClient();
    const o = await h.fundedOrder(a.access, false);
    const r = await h.call('POST', `/api/orders/${o.id}/release`, { token: a.access });
    return r.status === 409 && (await h.order(a.access, o.id)).json.status === 'funded';
  },
  'release-not-recorded': async (h) => {
    const a = await h.verifiedClient();
    const o = await h.fundedOrder(a.access);
    const r = await h.call('POST', `/api/orders/${o.id}/release`, { token: a.access });
    return r.status === 200 && (await h.order(a.access, o.id)).json.status === 'released';
  },
  'patch-marks-paid': async (h) => {
    const c = await h.verifiedClient();
    const o = (await h.createOrder(c.access)).json;
    const r = await h.call('PATCH', `/api/orders/${o.id}`, {
      token: c.access,
      body: { description: 'rush', status: 'funded', paid: true, funded: true },
    });
    return r.status === 200 && r.json.description === 'rush' && (await nonFunded(h, c.access, o.id));
  },
  'invalid-amount': async (h) => {
    const token = await h.loginAs('client');
    const maker = h.account('manufacturer').id;
    const zero = await h.call('POST', '/api/orders', {
      token,
      body: {
        manufacturer_id: maker,
        amount_cents: 0,
        currency: 'usd',
        milestones: [{ title: 'All', amount_cents: 0 }],
      },
    });
    const negative = await h.call('POST', '/api/orders', {
      token,
      body: {
        manufacturer_id: maker,
        amount_cents: -500,
        currency: 'usd',
        milestones: [{ title: 'All', amount_cents: -500 }],
      },
    });
    return zero.status === 422 && negative.status === 422;
  },
  'unverified-login': async (h) => {
    const r = await h.register();
    const login = await h.login(r.email, r.password);
    return login.res.status === 403 && !login.access;
  },
  'verification-token-reusable': async (h) => {
    const r = await h.register();
    const token = await r.mailToken();
    const first = await h.call('POST', '/api/auth/verify-email', { body: { token } });
    const second = await h.call('POST', '/api/auth/verify-email', { body: { token } });
    return first.status === 200 && second.status === 400;
  },
  'verification-any-token': async (h) => {
    const r = await h.call('POST', '/api/auth/verify-email', {
      body: { token: 'gonogo-not-a-token-0123456789abcdef' },
    });
    return r.status === 400;
  },
  'verification-token-exposed': async (h) => {
    const r = await h.register();
    return r.res.status === 201 && !r.res.text.includes(await r.mailToken());
  },
  'long-lived-tokens': async (h) => {
    const claims = decodeJwt(await h.loginAs('client'));
    return (claims.exp ?? Infinity) - (claims.iat ?? 0) <= 900;
  },
  'alg-none': async (h) => {
    const claims = decodeJwt(await h.loginAs('client'));
    const forged = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'admin' })}.`;
    return (await h.call('GET', '/api/admin/users', { token: forged })).status === 401;
  },
  'weak-jwt-secret': async (h) => {
    const claims = decodeJwt(await h.loginAs('client'));
    const forged = await new SignJWT({ ...claims, role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('secret'));
    return (await h.call('GET', '/api/admin/users', { token: forged })).status === 401;
  },
  'tampered-token-accepted': async (h) => {
    const [head, body, sig] = (await h.loginAs('client')).split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const tampered = `${head}.${b64({ ...claims, role: 'admin' })}.${sig}`;
    return (await h.call('GET', '/api/admin/users', { token: tampered })).status === 401;
  },
  'expired-token-accepted': async (h) => {
    const claims = decodeJwt(await h.loginAs('client'));
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT({ ...claims, iat: past - 900, exp: past })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(h.info.jwtSecret));
    return (await h.call('GET', '/api/auth/me', { token: expired })).status === 401;
  },
  'refresh-reuse': async (h) => {
    const a = h.account('client', 1);
    const { refresh } = await h.login(a.email, a.password);
    const first = await h.call('POST', '/api/auth/refresh', { body: { refresh_token: refresh } });
    const reuse = await h.call('POST', '/api/auth/refresh', { body: { refresh_token: refresh } });
    return (
      first.status === 200 &&
      Boolean(first.json.refresh_token) &&
      first.json.refresh_token !== refresh &&
      reuse.status === 401
    );
  },
  'logout-no-revoke': async (h) => {
    const token = await h.loginAs('client');
    const out = await h.call('POST', '/api/auth/logout', { token });
    return out.status === 204 && (await h.call('GET', '/api/auth/me', { token })).status === 401;
  },
  'mass-assignment': async (h) => {
    const r = await h.register({ is_verified: true, role: 'admin' });
    const login = await h.login(r.email, r.password);
    return r.res.json.role === 'client' && r.res.json.is_verified === false && login.res.status === 403;
  },
  'mass-assignment-choice-field': async (h) => {
    // The flaw's refused role is not the finding: is_verified honoured when it travels without a role is.
    const r = await h.register({ is_verified: true });
    return r.res.status === 201 && r.res.json.is_verified === false;
  },
  'weak-passwords': async (h) => {
    const weak = ['password', 'Short1!', 'alllowercase1!x', 'ALLUPPERCASE1!X', 'NoDigitsHere!!x', 'NoSpecials123xY'];
    for (const password of weak) {
      const r = await h.call('POST', '/api/auth/register', {
        body: { email: `w${Math.random().toString(36).slice(2)}@customers.reference.local`, password, full_name: 'W' },
      });
      if (r.status !== 422) return false;
    }
    return true;
  },
  'no-lockout': async (h) => {
    const c = await h.verifiedClient();
    for (let i = 0; i < 5; i++) await h.login(c.email, 'Wrong-Password-1!');
    return (await h.login(c.email, c.password)).res.status === 423;
  },
  'user-enumeration': async (h) => {
    const unknown = await h.login('nobody@customers.reference.local', 'Wrong-Password-1!');
    const wrong = await h.login(h.account('client').email, 'Wrong-Password-1!');
    return unknown.res.status === 401 && wrong.res.status === 401 && unknown.res.text === wrong.res.text;
  },
  'demo-account': async (h) => (await h.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password)).res.status !== 200,
  'seed-account-live': async (h) => (await h.login(SEED_ACCOUNT.email, SEED_ACCOUNT.password)).res.status !== 200,
  'anonymous-admin': async (h) => (await h.call('GET', '/api/admin/users')).status === 401,
  'admin-route-refuses-all': async (h) =>
    (await h.call('GET', '/api/admin/users', { token: await h.loginAs('admin') })).status === 200,
  'client-reaches-admin': async (h) =>
    (await h.call('GET', '/api/admin/users', { token: await h.loginAs('client') })).status === 403,
  'orders-list-leaks': async (h) => {
    const [a, b] = [await h.verifiedClient(), await h.verifiedClient()];
    const o = (await h.createOrder(a.access)).json as { id: number };
    const list = (await h.call('GET', '/api/orders', { token: b.access })).json as Array<{ id: number }>;
    return !list.some((x) => x.id === o.id);
  },
  // The product catalogue (reference-app/routes/catalog.ts): each route refuses what its flaw lets through.
  'search-sql-injectable': async (h) => {
    const c = await h.verifiedClient();
    const r = await h.call('GET', `/api/catalog/search?q=${encodeURIComponent("steel'")}`, { token: c.access });
    return r.status === 200 && !/SQLITE|syntax/i.test(JSON.stringify(r.json));
  },
  'filter-nosql-operator': async (h) => {
    const c = await h.verifiedClient();
    const r = await h.call('GET', '/api/catalog/filter?category[$ne]=hardware', { token: c.access });
    return r.status === 422;
  },
  'malformed-body-500': async (h) => {
    const c = await h.verifiedClient();
    const r = await h.call('POST', '/api/catalog/quote', { token: c.access, body: { product_id: 1, quantity: 'two' } });
    return r.status === 422;
  },
  'template-injection': async (h) => {
    const c = await h.verifiedClient();
    const r = await h.call('GET', `/api/catalog/greeting?name=${encodeURIComponent('{{191*7}}')}`, { token: c.access });
    return r.status === 200 && JSON.stringify(r.json).includes('{{191*7}}');
  },
  'path-traversal': async (h) => {
    const c = await h.verifiedClient();
    const r = await h.call('GET', `/api/catalog/datasheet?file=${encodeURIComponent('../../etc/passwd')}`, {
      token: c.access,
    });
    return r.status === 404;
  },
  'orders-readable-by-anyone': async (h) => {
    const [a, b] = [await h.verifiedClient(), await h.verifiedClient()];
    const o = (await h.createOrder(a.access)).json;
    const read = await h.call('GET', `/api/orders/${o.id}`, { token: b.access });
    const edit = await h.call('PATCH', `/api/orders/${o.id}`, { token: b.access, body: { description: 'mine now' } });
    return read.status === 404 && edit.status === 404;
  },
  'no-rate-limit': async (h) => {
    const c = await h.verifiedClient();
    return limited(105, () => h.call('GET', '/api/auth/me', { token: c.access, from: '127.0.0.3' }));
  },
  'no-login-rate-limit': async (h) =>
    limited(12, () =>
      h.call('POST', '/api/auth/login', {
        from: '127.0.0.4',
        body: { email: 'limit@customers.reference.local', password: 'Wrong-Password-1!' },
      }),
    ),
  'xff-trusted': async (h) =>
    limited(105, (i) =>
      h.call('GET', '/api/manufacturers', {
        from: '127.0.0.5',
        headers: { 'x-forwarded-for': `203.0.113.${i % 250}` },
      }),
    ),
  'debug-errors': async (h) => {
    const bad = await h.call('POST', '/api/auth/login', { raw: '{"email": ' });
    const missing = await h.call('GET', '/api/no-such-route');
    const leaks = (r: Res) => /\bat .+:\d+:\d+|stack|routes/i.test(r.text);
    return (
      bad.status === 400 &&
      missing.status === 404 &&
      !leaks(bad) &&
      !leaks(missing) &&
      Object.keys(bad.json).join() === 'detail'
    );
  },
  'docs-exposed': async (h) =>
    (await h.call('GET', '/docs')).status === 404 && (await h.call('GET', '/openapi.json')).status === 404,
  'cors-any-origin': async (h) => {
    const r = await h.call('GET', '/api/slow', { headers: { origin: 'https://evil.example' } });
    return r.headers['access-control-allow-origin'] === undefined;
  },
  'cors-wildcard-credentials': async (h) => {
    const r = await h.call('GET', '/api/slow', { headers: { origin: 'https://evil.example' } });
    return r.headers['access-control-allow-origin'] !== '*';
  },
  'insecure-cookies': async (h) => {
    const a = h.account('client');
    const cookie = String((await h.login(a.email, a.password)).res.headers['set-cookie']?.[0] ?? '');
    return (
      /^access_token=/.test(cookie) &&
      /; Secure/.test(cookie) &&
      /; HttpOnly/.test(cookie) &&
      /; SameSite=Strict/.test(cookie)
    );
  },
  // The protection: the cookie that authenticates alone stays off cross-site requests (the API does accept it alone).
  'auth-cookie-cross-site': async (h) => {
    const a = h.account('client');
    const cookie = String((await h.login(a.email, a.password)).res.headers['set-cookie']?.[0] ?? '');
    const pair = cookie.split(';')[0]!;
    const alone = await h.call('GET', '/api/auth/me', { headers: { cookie: pair } });
    return alone.status === 200 && /; SameSite=(Strict|Lax)/.test(cookie);
  },
  'login-inline-script': async (h) => {
    const page = await h.call('GET', '/login');
    return page.status === 200 && !/<script(?![^>]*\bsrc=)[^>]*>/i.test(page.text);
  },
  'missing-referrer-policy': async (h) => (await h.call('GET', '/login')).headers['referrer-policy'] === 'no-referrer',
  'missing-hsts': async (h) =>
    /max-age=(\d+)/.exec(String((await h.call('GET', '/login')).headers['strict-transport-security'] ?? ''))?.[1] ===
    '63072000',
  'missing-csp': async (h) =>
    /default-src 'none'/.test(String((await h.call('GET', '/login')).headers['content-security-policy'] ?? '')),
  'missing-xfo': async (h) => {
    const r = await h.call('GET', '/login');
    return (
      r.headers['x-frame-options'] === 'DENY' ||
      /frame-ancestors 'none'/.test(String(r.headers['content-security-policy'] ?? ''))
    );
  },
  'missing-nosniff': async (h) => (await h.call('GET', '/login')).headers['x-content-type-options'] === 'nosniff',
  'x-powered-by': async (h) => (await h.call('GET', '/login')).headers['x-powered-by'] === undefined,
  'tls-legacy': async (h) =>
    !(await tlsAccepts(h, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' })),
  'weak-cipher': async (h) => !(await tlsAccepts(h, { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:@SECLEVEL=0' })),
  'cert-expiring': async (h) =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: h.info.host, port: h.info.port, ca: h.ca }, () => {
        const days = (Date.parse(socket.getPeerCertificate().valid_to) - Date.now()) / 86_400_000;
        socket.end();
        resolve(days >= 30);
      });
      socket.on('error', reject);
    }),
  'login-form-wrong-field': async (h) => {
    const page = (await h.call('GET', '/login')).text;
    return page.includes('data-email-field="email"');
  },
  'home-cookie-insecure': async (h) => {
    const cookies = [(await h.call('GET', '/')).headers['set-cookie'] ?? []].flat();
    return cookies.every((c) => /;\s*secure/i.test(c) && /;\s*samesite=(strict|lax)/i.test(c));
  },
  'cdn-script-no-sri': async (h) => {
    const page = (await h.call('GET', '/')).text;
    return [...page.matchAll(/<script\b[^>]*\bsrc="https?:\/\/[^"]+"[^>]*>/g)].every((m) => /\bintegrity=/.test(m[0]));
  },
  'cert-weak-key': async (h) =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: h.info.host, port: h.info.port, ca: h.ca }, () => {
        const bits = socket.getPeerCertificate().bits ?? 0;
        socket.end();
        resolve(bits >= 2048);
      });
      socket.on('error', reject);
    }),
  'no-https-redirect': async (h) => {
    const r = await h.plain('/login?x=1');
    return r.status === 301 && r.headers.location === `${h.info.baseUrl}/login?x=1`;
  },
  'vulnerable-dependency': async (h) => {
    const lock = JSON.parse(readFileSync(h.info.lockfile, 'utf8')) as { packages: Record<string, { version: string }> };
    return lock.packages['node_modules/lodash']?.version === '4.17.21';
  },
  'health-ready-failing': async (h) => (await h.call('GET', '/health/ready')).status === 200,
  'health-live-slow': async (h) => {
    const t = performance.now();
    const r = await h.call('GET', '/health/live');
    return r.status === 200 && performance.now() - t < 500;
  },
};

/** Time of one /api/slow answer: the calibration route is 50 ms by design, 350 ms with the `slow` flaw. */
export async function slowRouteMs(h: Harness): Promise<number> {
  const t = performance.now();
  const r = await h.call('GET', '/api/slow');
  if (r.status !== 200) throw new Error(`/api/slow answered ${r.status}`);
  return performance.now() - t;
}
