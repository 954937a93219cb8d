import type { Dialect } from './dialects.ts';

/** The platform's OpenAPI 3.1 document, served only with the `docs-exposed` flaw. */
type Op = [method: string, path: string, summary: string, secured: boolean];

/** Operations in the dialect's paths (`:id` route params as OpenAPI `{id}`). */
function operations(d: Dialect): Op[] {
  const p = d.paths;
  const ops: Array<Op | false> = [
    ['post', p.register, 'Register a client account', false],
    ['post', p.verify, 'Verify an email address', false],
    ['post', p.login, 'Log in', false],
    !d.auth.session && ['post', p.refresh, 'Rotate a refresh token', false],
    ['post', p.logout, 'Log out', true],
    ['get', p.me, 'The signed-in user', true],
    ['get', p.manufacturers, `List ${d.roles.manufacturer}s`, true],
    ['get', p.manufacturerOrders, `The ${d.roles.manufacturer}'s orders`, true],
    ['get', p.adminUsers, `All users (${d.roles.admin})`, true],
    ['post', p.orders, 'Place an order', true],
    ['get', p.orders, "The caller's orders", true],
    ['get', p.order, 'One order', true],
    ['patch', p.order, "Edit an order's description", true],
    !!p.pay && ['post', p.pay!, 'Open the payment of an order', true],
    d.escrow.fulfil === 'approve-milestones' && ['post', p.approve, 'Approve a milestone', true],
    !!p.deliver && ['post', p.deliver!, 'Mark the order delivered', true],
    ['post', p.release, 'Release the escrow', true],
    ['post', p.webhook, 'Stripe payment webhook (signed)', false],
    ['get', '/api/slow', 'Fixed 50 ms answer', false],
  ];
  return ops.filter((o): o is Op => o !== false).map(([m, path, s, sec]) => [m, path.replace(/:(\w+)/g, '{$1}'), s, sec]);
}

export function openApiDocument(baseUrl: string, d: Dialect): Record<string, unknown> {
  // Session auth documents its cookie as an API key in a cookie, as drf-spectacular does for SessionAuthentication.
  const s = d.auth.session;
  const scheme = s ? 'cookieAuth' : 'bearerAuth';
  const schemes = s
    ? { cookieAuth: { type: 'apiKey', in: 'cookie', name: s.cookie, description: `State-changing requests also need the ${s.csrfCookie} cookie's value in ${s.csrfHeader} and a same-site Origin` } }
    : { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, summary, secured] of operations(d)) {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'integer' } }));
    (paths[path] ??= {})[method] = {
      summary,
      ...(params.length ? { parameters: params } : {}),
      ...(secured ? { security: [{ [scheme]: [] }] } : { security: [] }),
      responses: { 200: { description: 'OK' }, ...(secured ? { 401: { description: 'Not authenticated' } } : {}) },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Reference marketplace API', version: '1.0.0' },
    servers: [{ url: baseUrl }],
    components: { securitySchemes: schemes },
    security: [{ [scheme]: [] }],
    paths,
  };
}
