/** The platform's OpenAPI 3.1 document, served only with the `docs-exposed` flaw. */
type Op = [method: string, path: string, summary: string, secured: boolean];

const OPERATIONS: Op[] = [
  ['post', '/api/auth/register', 'Register a client account', false],
  ['post', '/api/auth/verify-email', 'Verify an email address', false],
  ['post', '/api/auth/login', 'Log in', false],
  ['post', '/api/auth/refresh', 'Rotate a refresh token', false],
  ['post', '/api/auth/logout', 'Log out', true],
  ['get', '/api/auth/me', 'The signed-in user', true],
  ['get', '/api/manufacturers', 'List manufacturers', true],
  ['get', '/api/manufacturer/orders', "The manufacturer's orders", true],
  ['get', '/api/admin/users', 'All users (admin)', true],
  ['post', '/api/orders', 'Place an order', true],
  ['get', '/api/orders', "The caller's orders", true],
  ['get', '/api/orders/{id}', 'One order', true],
  ['patch', '/api/orders/{id}', "Edit an order's description", true],
  ['post', '/api/orders/{id}/milestones/{mid}/approve', 'Approve a milestone', true],
  ['post', '/api/orders/{id}/release', 'Release the escrow', true],
  ['post', '/api/webhooks/stripe', 'Stripe payment webhook (signed)', false],
  ['get', '/api/slow', 'Fixed 50 ms answer', false],
];

export function openApiDocument(baseUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, summary, secured] of OPERATIONS) {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'integer' } }));
    (paths[path] ??= {})[method] = {
      summary,
      ...(params.length ? { parameters: params } : {}),
      ...(secured ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      responses: { 200: { description: 'OK' }, ...(secured ? { 401: { description: 'Not authenticated' } } : {}) },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Reference marketplace API', version: '1.0.0' },
    servers: [{ url: baseUrl }],
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearerAuth: [] }],
    paths,
  };
}
