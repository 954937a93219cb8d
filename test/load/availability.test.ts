import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAvailabilityPoller } from '../../load/availability.ts';
import { readFileSync } from 'node:fs';
import { measurementsFor } from '../../load/measure.ts';
import { parseKpiText } from '../../config/kpis.ts';
import type { LoadResult } from '../../core/report-schema.ts';

/** A health route whose answer is set per test: 200, 503, an answer later than the poll timeout, or a reset. */
let mode: 'up' | 'down' | 'slow' | 'reset' = 'up';
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (mode === 'up') res.end('ok');
    else if (mode === 'down') {
      res.statusCode = 503;
      res.end('down');
    } else if (mode === 'slow') setTimeout(() => res.end('late'), 1500).unref();
    else req.socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const pollFor = async (ms: number, o: { intervalMs: number; timeoutMs: number }) => {
  const p = startAvailabilityPoller(url, { ...o, insecure: false });
  await new Promise((r) => setTimeout(r, ms));
  return p.stop();
};

describe('the availability poller', () => {
  it('counts 2xx answers as held and says how the others failed', async () => {
    mode = 'up';
    const up = await pollFor(350, { intervalMs: 100, timeoutMs: 500 });
    expect(up.polls).toBeGreaterThanOrEqual(2);
    expect(up.ok).toBe(up.polls);
    expect(up.failed).toEqual({ status: 0, timeout: 0, network: 0 });
    mode = 'down';
    const down = await pollFor(350, { intervalMs: 100, timeoutMs: 500 });
    expect(down.ok).toBe(0);
    expect(down.failed).toEqual({ status: down.polls, timeout: 0, network: 0 });
    mode = 'reset';
    const reset = await pollFor(350, { intervalMs: 100, timeoutMs: 500 });
    expect(reset.ok).toBe(0);
    expect(reset.failed).toEqual({ status: 0, timeout: 0, network: reset.polls });
  });

  it('waits for a slow answer up to its timeout, not the poll interval, and counts a later one as a timeout', async () => {
    mode = 'slow';
    // Polls every 200 ms overlap while each answer takes 1.5 s: within a 3 s timeout every one holds.
    const patient = await pollFor(450, { intervalMs: 200, timeoutMs: 3000 });
    expect(patient.polls).toBeGreaterThanOrEqual(2);
    expect(patient.ok).toBe(patient.polls);
    const hasty = await pollFor(450, { intervalMs: 200, timeoutMs: 300 });
    expect(hasty.ok).toBe(0);
    expect(hasty.failed).toEqual({ status: 0, timeout: hasty.polls, network: 0 });
  });
});

describe('the availability note', () => {
  it('says which setting a poll that got no answer ran out of', () => {
    const kpis = parseKpiText(
      readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
      'kpis.yaml',
    ).kpis.filter((k) => k.kind === 'metric' && k.metric === 'availability');
    const result = {
      availability: { polls: 10, ok: 7, url: 'http://127.0.0.1/health', failed: { status: 1, timeout: 2, network: 0 } },
    } as unknown as LoadResult;
    const m = measurementsFor(result, kpis).find((x) => x.metric === 'availability')!;
    expect(m.note).toContain('(1 a non-2xx status, 2 no answer within load.health.timeoutMs)');
  });
});
