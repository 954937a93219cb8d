import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../config/schema.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { runLoad } from '../../load/index.ts';
import { k6OnPath } from './helpers.ts';

const kpis = parseKpiText(
  readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
  'kpis.yaml',
);

/** The base URL answers (the preflight passes); the journey's route drops every connection without an answer. */
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => (req.url === '/drop' ? req.socket.destroy() : res.end('ok')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

// k6 counts a request that got no answer as a request (status 0); autocannon does not count it at all.
const ENGINES = ['autocannon', ...(k6OnPath() ? ['k6' as const] : [])] as const;

describe('load.completed counts answered requests, not sent ones', () => {
  it.each(ENGINES)('%s: a run whose every request was dropped is an error, not a completed run', async (engine) => {
    const config = ConfigSchema.parse({
      target: { baseUrl: base },
      load: { thinkTimeS: 0.2, journeys: [{ name: 'drop', steps: [{ name: 'drop', path: '/drop' }] }] },
    });
    const out = await runLoad({
      config,
      configDir: process.cwd(),
      kpis,
      outDir: mkdtempSync(join(tmpdir(), 'gonogo-network-')),
      signal: new AbortController().signal,
      progress: () => {},
      load: { vus: 2, duration: '2s', engine },
      secrets: new Set(),
    });
    const completed = out.checks.find((c) => c.id === 'load.completed')!;
    expect(completed.status).toBe('error');
    const sent = out.load?.requests ?? 0;
    if (sent > 0) {
      expect(completed.evidence.message).toMatch(/none was answered \(\d+ network errors/);
      expect(completed.evidence.details).toMatchObject({ answered: 0, networkErrors: sent });
    } else expect(completed.evidence.message).toMatch(/no request that was answered/);
  });
});
