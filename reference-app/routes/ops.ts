import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { AppMetrics } from '../metrics.ts';
import { openApiDocument } from '../openapi.ts';

const SLOW_MS = 50;
// Over the default 500 ms health budget on every answer, so its median is too.
const HEALTH_SLOW_MS = 800;
// Probes, scrapers and the load generator's calibration must never be throttled.
const unlimited = { config: { rateLimit: false } } as const;

export function registerOpsRoutes(app: FastifyInstance, ctx: AppContext, metrics: AppMetrics): void {
  app.get('/health', unlimited, async () => ({ status: 'ok' }));
  app.get('/health/live', unlimited, async () => {
    if (ctx.flaws.has('health-live-slow')) await sleep(HEALTH_SLOW_MS);
    return { status: 'ok' };
  });
  app.get('/health/ready', unlimited, async (_req, reply) => {
    let database = 'ok';
    try {
      ctx.db.prepare('SELECT 1').get();
    } catch {
      database = 'down';
    }
    const smtp = !ctx.flaws.has('health-ready-failing') && (await ctx.mailer.reachable()) ? 'ok' : 'down';
    const ready = database === 'ok' && smtp === 'ok';
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks: { database, smtp } });
  });
  app.get('/metrics', unlimited, async (_req, reply) => {
    reply.header('Content-Type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/api/slow', async () => {
    await sleep(SLOW_MS);
    return { delayed_ms: SLOW_MS };
  });

  if (ctx.flaws.has('docs-exposed')) {
    app.get('/openapi.json', unlimited, async () => openApiDocument(ctx.baseUrl(), ctx.dialect));
    app.get('/docs', unlimited, async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reference marketplace API</title></head>' +
            '<body><h1>Reference marketplace API</h1><p>OpenAPI document: <a href="/openapi.json">/openapi.json</a></p></body></html>',
        ),
    );
  }
}
