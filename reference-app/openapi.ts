import type { Dialect } from './dialects.ts';
import { schemas } from './openapi-schemas.ts';
import { CATALOG_SCHEMAS, catalogOperations } from './openapi-catalog.ts';

/**
 * The platform's OpenAPI document, as its stack's generator writes it: request bodies, answers and security schemes
 * that say what the routes really take and give. Served only with the `docs-exposed` flaw; the team keeps it in its
 * repository (`gonogo reference openapi --dialect X` prints it), and the smoke suite's sweep and `init --from-openapi`
 * read it.
 *
 * - marketplace: a hand-kept OpenAPI 3.1 document: camelCase operationIds, a global bearer requirement, public routes
 *   with `security: []`, the role a route needs as an OpenAPI 3.1 role name in its requirement;
 * - drf: drf-spectacular's OpenAPI 3.0.3: `<path>_<action>` operationIds, every body in JSON, form and multipart,
 *   simplejwt's `jwtAuth` on the secured views only, nothing about roles (permission classes are not documented);
 * - fastapi: FastAPI's OpenAPI 3.1: `<name>_<path>_<method>` operationIds, the OAuth2 password form, an
 *   `OAuth2PasswordBearer` scheme whose tokenUrl is the login route and whose scopes are the roles routes require.
 */
type Body = { schema: string; form?: boolean };
export interface Op {
  method: 'get' | 'post' | 'patch';
  path: string;
  /** The route's name, the way the stack names it (a view or endpoint function). */
  name: string;
  summary: string;
  tag: string;
  secured: boolean;
  /** The role the route needs (the dialect's role name). */
  role?: string;
  body?: Body;
  status?: number;
  answer?: string;
  /** A redirect answer, with its Location header. */
  redirect?: number;
  query?: string[];
  /** Query parameters with their whole schema and example. */
  params?: Record<string, unknown>[];
  cookie?: string[];
}

function operations(d: Dialect): Op[] {
  const p = d.paths;
  const a = d.auth;
  const milestones = d.escrow.fulfil === 'approve-milestones';
  const ops: Array<Op | false> = [
    {
      method: 'post',
      path: p.register,
      name: 'register',
      summary: 'Register a client account',
      tag: 'auth',
      secured: false,
      body: { schema: 'Register' },
      status: 201,
      answer: 'Registered',
    },
    {
      method: 'post',
      path: p.verify,
      name: 'verify',
      summary: 'Verify an email address',
      tag: 'auth',
      secured: false,
      body: { schema: 'VerifyEmail' },
      answer: 'Detail',
    },
    a.verify.kind === 'link-query' && {
      method: 'get',
      path: p.verify,
      name: 'verify_link',
      summary: 'Verify an email address (the link in the mail)',
      tag: 'auth',
      secured: false,
      query: [a.verify.param],
      answer: 'Detail',
    },
    {
      method: 'post',
      path: p.login,
      name: 'login',
      summary: 'Log in',
      tag: 'auth',
      secured: false,
      body: { schema: 'Login', form: a.loginEncoding === 'form' },
      answer: d.auth.session ? 'Detail' : d.name === 'drf' ? 'Login' : 'Tokens',
    },
    !d.auth.session && {
      method: 'post',
      path: p.refresh,
      name: 'refresh',
      summary: 'Rotate a refresh token',
      tag: 'auth',
      secured: false,
      ...(a.refreshCookie ? { cookie: [a.refreshCookie] } : { body: { schema: 'Refresh' } }),
      answer: 'Tokens',
    },
    {
      method: 'post',
      path: p.logout,
      name: 'logout',
      summary: 'Log out',
      tag: 'auth',
      secured: true,
      ...(a.logoutBodyField ? { body: { schema: 'Logout' }, answer: 'Detail' } : { status: 204 }),
    },
    {
      method: 'get',
      path: p.me,
      name: 'me',
      summary: 'The signed-in user',
      tag: 'users',
      secured: true,
      answer: 'User',
    },
    {
      method: 'get',
      path: p.manufacturers,
      name: 'counterparties',
      summary: `List ${d.roles.manufacturer}s`,
      tag: 'users',
      secured: true,
      answer: 'Counterparty[]',
    },
    {
      method: 'get',
      path: p.manufacturerOrders,
      name: 'counterparty_orders',
      summary: `The ${d.roles.manufacturer}'s orders`,
      tag: 'orders',
      secured: true,
      role: d.roles.manufacturer,
      answer: 'Order[]',
    },
    {
      method: 'get',
      path: p.adminUsers,
      name: 'users',
      summary: `All users (${d.roles.admin})`,
      tag: 'admin',
      secured: true,
      role: d.roles.admin,
      answer: 'User[]',
    },
    {
      method: 'post',
      path: p.orders,
      name: 'create_order',
      summary: 'Place an order',
      tag: 'orders',
      secured: true,
      body: { schema: 'OrderCreate' },
      status: 201,
      answer: 'Order',
    },
    {
      method: 'get',
      path: p.orders,
      name: 'orders',
      summary: "The caller's orders",
      tag: 'orders',
      secured: true,
      query: ['limit', 'offset'],
      answer: 'Order[]',
    },
    {
      method: 'get',
      path: p.order,
      name: 'order',
      summary: 'One order',
      tag: 'orders',
      secured: true,
      answer: 'Order',
    },
    {
      method: 'patch',
      path: p.order,
      name: 'update_order',
      summary: "Edit an order's description",
      tag: 'orders',
      secured: true,
      body: { schema: 'OrderUpdate' },
      answer: 'Order',
    },
    !!p.pay &&
      (d.escrow.payment === 'checkout'
        ? {
            method: 'post',
            path: p.pay,
            name: 'checkout',
            summary: 'Open the payment of an order (Stripe Checkout)',
            tag: 'orders',
            secured: true,
            redirect: 303,
            answer: 'CheckoutRedirect',
          }
        : {
            method: 'post',
            path: p.pay,
            name: 'payment_intent',
            summary: 'Open the payment of an order',
            tag: 'orders',
            secured: true,
            answer: 'PaymentIntent',
          }),
    milestones && {
      method: 'post',
      path: p.approve,
      name: 'approve_milestone',
      summary: 'Approve a milestone',
      tag: 'orders',
      secured: true,
      answer: 'Order',
    },
    !!p.deliver && {
      method: 'post',
      path: p.deliver,
      name: 'deliver',
      summary: 'Mark the order delivered',
      tag: 'orders',
      secured: true,
      answer: 'Order',
    },
    {
      method: 'post',
      path: p.release,
      name: 'release',
      summary: 'Release the escrow',
      tag: 'orders',
      secured: true,
      answer: 'Order',
    },
    {
      method: 'post',
      path: p.webhook,
      name: 'stripe_webhook',
      summary: 'Stripe payment webhook (signed)',
      tag: 'payments',
      secured: false,
      body: { schema: 'StripeEvent' },
      answer: 'WebhookAck',
    },
    { method: 'get', path: '/api/slow', name: 'slow', summary: 'Fixed 50 ms answer', tag: 'ops', secured: false },
    ...catalogOperations(d),
  ];
  return ops.filter((o): o is Op => o !== false).map((o) => ({ ...o, path: o.path.replace(/:(\w+)/g, '{$1}') }));
}

/** The operationId each stack's generator gives a route. */
function operationId(d: Dialect, o: Op): string {
  if (d.name === 'fastapi')
    return `${o.name}_${o.path.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}_${o.method}`;
  if (d.name === 'drf') {
    const action =
      o.method === 'patch'
        ? 'partial_update'
        : o.method === 'get'
          ? o.answer?.endsWith('[]')
            ? 'list'
            : 'retrieve'
          : 'create';
    const parts = o.path
      .replace(/^\/api\/v1\//, '')
      .split('/')
      .filter((s) => s && !s.startsWith('{'));
    return [...parts, action].join('_').replace(/-/g, '_');
  }
  return o.name.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
}

const ref = (name: string) =>
  name.endsWith('[]')
    ? { type: 'array', items: { $ref: `#/components/schemas/${name.slice(0, -2)}` } }
    : { $ref: `#/components/schemas/${name}` };

export function openApiDocument(baseUrl: string, d: Dialect): Record<string, unknown> {
  // Session auth documents its cookie as an API key in a cookie, as drf-spectacular does for SessionAuthentication.
  const session = d.auth.session;
  const scheme = session
    ? 'cookieAuth'
    : d.name === 'fastapi'
      ? 'OAuth2PasswordBearer'
      : d.name === 'drf'
        ? 'jwtAuth'
        : 'bearerAuth';
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of operations(d)) {
    const params = [
      ...[...o.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'integer' },
      })),
      ...(o.query ?? []).map((name) => ({
        name,
        in: 'query',
        required: false,
        schema: { type: name === 'limit' || name === 'offset' ? 'integer' : 'string' },
      })),
      ...(o.params ?? []),
      ...(o.cookie ?? []).map((name) => ({ name, in: 'cookie', required: false, schema: { type: 'string' } })),
    ];
    // drf-spectacular offers every serializer in the three parsers DRF enables by default.
    const types = o.body?.form
      ? ['application/x-www-form-urlencoded']
      : d.name === 'drf'
        ? ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']
        : ['application/json'];
    const ok = o.redirect
      ? {
          [o.redirect]: {
            description: 'Redirect to the hosted payment page',
            headers: { Location: { schema: { type: 'string', format: 'uri' } } },
            ...(o.answer ? { content: { 'application/json': { schema: ref(o.answer) } } } : {}),
          },
        }
      : {
          [o.status ?? 200]: {
            description: o.status === 204 ? 'No content' : 'OK',
            ...(o.answer ? { content: { 'application/json': { schema: ref(o.answer) } } } : {}),
          },
        };
    const requirement = { [scheme]: o.role && d.name !== 'drf' ? [o.role] : [] };
    (paths[o.path] ??= {})[o.method] = {
      operationId: operationId(d, o),
      ...(d.name === 'drf' ? {} : { summary: o.summary }),
      tags: [o.tag],
      ...(params.length ? { parameters: params } : {}),
      ...(o.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(types.map((t) => [t, { schema: ref(o.body!.schema) }])),
            },
          }
        : {}),
      // A hand-kept document states both; the generators state only the secured views' requirement.
      ...(o.secured ? { security: [requirement] } : d.name === 'marketplace' || session ? { security: [] } : {}),
      responses: {
        ...ok,
        ...(o.secured ? { 401: { description: 'Not authenticated' } } : {}),
        [d.errors.validationStatus]: { description: 'Validation error' },
      },
    };
  }
  const securitySchemes = session
    ? {
        [scheme]: {
          type: 'apiKey',
          in: 'cookie',
          name: session.cookie,
          description: `State-changing requests also need the ${session.csrfCookie} cookie's value in ${session.csrfHeader} and a same-site Origin`,
        },
      }
    : d.name === 'fastapi'
      ? {
          [scheme]: {
            type: 'oauth2',
            flows: {
              password: {
                tokenUrl: d.paths.login.replace(/^\//, ''),
                scopes: {
                  [d.roles.manufacturer]: `The ${d.roles.manufacturer}'s routes`,
                  [d.roles.admin]: 'Administration',
                },
              },
            },
          },
        }
      : { [scheme]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } };
  return {
    openapi: d.name === 'drf' ? '3.0.3' : '3.1.0',
    info: { title: 'Reference marketplace API', version: '1.0.0' },
    servers: [{ url: baseUrl }],
    ...(d.name === 'marketplace' || session ? { security: [{ [scheme]: [] }] } : {}),
    paths,
    components: { schemas: { ...schemas(d), ...CATALOG_SCHEMAS }, securitySchemes },
  };
}
