import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import formbody from '@fastify/formbody';
import { registerLimiter } from './limits.ts';
import { debugPage } from './debug-pages.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, type AppContext } from './context.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerOrderRoutes } from './routes/orders.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';
import { registerOpsRoutes } from './routes/ops.ts';
import { registerPageRoutes } from './routes/pages.ts';
import { registerCatalogRoutes } from './routes/catalog.ts';
import { registerCsrf } from './csrf.ts';
import { createMetrics } from './metrics.ts';

export interface TlsSettings {
  key: string;
  cert: string;
  minVersion: 'TLSv1' | 'TLSv1.2';
  ciphers: string;
}

function helmetOptions(ctx: AppContext) {
  const { flaws } = ctx;
  const directives: Record<string, string[]> = {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    baseUri: ["'none'"],
  };
  if (!flaws.has('missing-xfo')) directives.frameAncestors = ["'none'"];
  return {
    contentSecurityPolicy: flaws.has('missing-csp') ? false : { useDefaults: false, directives },
    strictTransportSecurity: flaws.has('missing-hsts')
      ? false
      : { maxAge: 63_072_000, includeSubDomains: true, preload: true },
    xFrameOptions: flaws.has('missing-xfo') ? false : { action: 'deny' as const },
    xContentTypeOptions: !flaws.has('missing-nosniff'),
    referrerPolicy: flaws.has('missing-referrer-policy') ? false : { policy: 'no-referrer' as const },
  };
}

/** The platform's Fastify app over HTTPS, with every protection that no flaw switched off. */
export async function buildApp(
  ctx: AppContext,
  tls: TlsSettings,
  trustProxy: string | boolean,
): Promise<FastifyInstance> {
  const { flaws } = ctx;
  const app = Fastify({
    https: { key: tls.key, cert: tls.cert, minVersion: tls.minVersion, ciphers: tls.ciphers, honorCipherOrder: true },
    trustProxy,
    logger: false,
    forceCloseConnections: true,
    bodyLimit: 256 * 1024,
  });
  const routes: string[] = [];
  app.addHook('onRoute', (r) => {
    routes.push(`${[r.method].flat().join(',')} ${r.url}`);
  });
  app.decorateRequest('user', null);
  app.decorateRequest('rawBody', null);
  // Keep the exact bytes: Stripe signatures are computed over the raw body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    req.rawBody = text;
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new HttpError(400, 'Malformed JSON body'));
    }
  });

  const metrics = createMetrics();
  app.addHook('onResponse', async (req, reply) => metrics.observe(req, reply));

  await app.register(helmet, helmetOptions(ctx));
  if (flaws.has('x-powered-by')) {
    app.addHook('onSend', async (_req, reply) => {
      reply.header('X-Powered-By', `Fastify/${app.version}`);
    });
  }
  await app.register(cors, {
    credentials: true,
    origin: flaws.has('cors-any-origin')
      ? true
      : flaws.has('cors-wildcard-credentials')
        ? '*'
        : (origin, cb) => cb(null, origin !== undefined && ctx.allowedOrigins().includes(origin)),
  });
  await app.register(cookie);

  const session = ctx.dialect.auth.session;
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    // Session auth reads its cookie only, as Django's SessionAuthentication does.
    const token = session
      ? req.cookies[session.cookie]
      : header?.toLowerCase().startsWith('bearer ')
        ? header.slice(7).trim()
        : req.cookies.access_token;
    req.user = token ? await ctx.tokens.verify(token) : null;
  });
  if (flaws.has('slow')) {
    app.addHook('onRequest', async (req) => {
      if (req.url.startsWith('/api/')) await sleep(300);
    });
  }

  await app.register(formbody);
  registerCsrf(app, ctx);
  // After authentication, so the API limit can be keyed per user.
  const limitKey = (req: { user: { id: number } | null; ip: string }) =>
    req.user ? `user:${req.user.id}` : `addr:${req.ip}`;
  const perUser = (key: string): boolean => ctx.userRateLimit !== null && key.startsWith('user:');
  // The testing-only per-user limit holds for allowlisted addresses too: only anonymous traffic is exempt then.
  const exempt = (req: { user: { id: number } | null; ip: string }) =>
    ctx.unlimitedAddresses.includes(req.ip) && !(ctx.userRateLimit && req.user);
  if (ctx.dialect.limits.algorithm === 'fixed') {
    await app.register(rateLimit, {
      global: !flaws.has('no-rate-limit'),
      max: (_req, key) => (perUser(key) ? ctx.userRateLimit!.max : 100),
      timeWindow: (_req, key) => (perUser(key) ? ctx.userRateLimit!.windowMs : ctx.limitWindowMs),
      hook: 'preHandler',
      keyGenerator: limitKey,
      allowList: exempt,
      errorResponseBuilder: (_req, c) => new HttpError(c.statusCode, 'Too many requests'),
    });
  } else {
    registerLimiter(app, {
      algorithm: ctx.dialect.limits.algorithm,
      global: flaws.has('no-rate-limit')
        ? false
        : (req) =>
            ctx.userRateLimit && req.user
              ? { max: ctx.userRateLimit.max, timeWindow: ctx.userRateLimit.windowMs }
              : { max: 100, timeWindow: ctx.limitWindowMs },
      key: limitKey,
      skip: exempt,
    });
  }

  app.setErrorHandler(
    (err: Error & { statusCode?: number; headers?: Record<string, string>; field?: string }, req, reply) => {
      const status =
        typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
      if (err instanceof HttpError) reply.headers(err.headers);
      if (flaws.has('debug-errors') && ctx.dialect.debug !== 'json') {
        return reply
          .status(status)
          .type('text/html; charset=utf-8')
          .send(debugPage(ctx.dialect.debug, { status, req, err, routes }));
      }
      const body: Record<string, unknown> = ctx.dialect.errors.body(
        status,
        status >= 500 ? 'Internal server error' : err.message,
        err.field,
      );
      if (flaws.has('debug-errors'))
        Object.assign(body, { error: err.name, message: err.message, stack: err.stack?.split('\n') });
      reply.status(status).send(body);
    },
  );
  app.setNotFoundHandler((req, reply) => {
    // Django lists its URL patterns on a debug 404; Starlette's debug mode only changes error pages.
    if (flaws.has('debug-errors') && ctx.dialect.debug === 'django') {
      return reply
        .status(404)
        .type('text/html; charset=utf-8')
        .send(debugPage(ctx.dialect.debug, { status: 404, req, routes }));
    }
    const body: Record<string, unknown> = ctx.dialect.errors.body(404, 'Not found');
    if (flaws.has('debug-errors')) Object.assign(body, { debug: true, method: req.method, url: req.url, routes });
    reply.status(404).send(body);
  });

  registerAuthRoutes(app, ctx);
  registerOrderRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerOpsRoutes(app, ctx, metrics);
  registerPageRoutes(app, ctx);
  registerCatalogRoutes(app, ctx);
  return app;
}
