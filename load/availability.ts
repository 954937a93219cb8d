import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';

export interface AvailabilityResult {
  polls: number;
  ok: number;
  url: string;
  failed: { status: number; timeout: number; network: number };
}

type Outcome = 'ok' | keyof AvailabilityResult['failed'];

/** One GET, and how it ended. node:http because fetch cannot bind a source address or trust an extra CA per request. */
function probe(
  url: string,
  opts: { secureContext?: SecureContext; insecure: boolean; localAddress?: string; timeoutMs: number },
): Promise<Outcome> {
  return new Promise((resolve) => {
    let timedOut = false;
    const u = new URL(url);
    // tls.connect takes `secureContext`; https.request passes it through, though its type does not list it.
    const options: RequestOptions & { secureContext?: SecureContext } = {
      method: 'GET',
      localAddress: opts.localAddress,
      secureContext: opts.secureContext,
      rejectUnauthorized: !opts.insecure,
      timeout: opts.timeoutMs,
      agent: false,
    };
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, options, (res) => {
      res.resume();
      res.on('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 ? 'ok' : 'status'));
      res.on('error', () => resolve(timedOut ? 'timeout' : 'network'));
    });
    req.on('timeout', () => {
      timedOut = true;
      req.destroy(new Error('timeout'));
    });
    // Idle timeouts never trip on a body dripped byte by byte: each poll also has a hard deadline.
    const deadline = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('deadline'));
    }, opts.timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('error', () => resolve(timedOut ? 'timeout' : 'network'));
    req.end();
  });
}

/** Polls the health route at a fixed interval while the load runs; stop() returns the tally. */
export function startAvailabilityPoller(
  url: string,
  o: { intervalMs: number; timeoutMs: number; caFile?: string; insecure: boolean; localAddress?: string },
): { stop(): Promise<AvailabilityResult> } {
  // One TLS context for the whole run: a `ca` passed per request builds a new one for every poll, native
  // memory the garbage collector does not see (the harness grew by about 3 MB a minute that way).
  const secureContext = o.caFile ? createSecureContext({ ca: readFileSync(o.caFile) }) : undefined;
  const result: AvailabilityResult = { polls: 0, ok: 0, url, failed: { status: 0, timeout: 0, network: 0 } };
  const inflight = new Set<Promise<void>>();
  const poll = (): void => {
    const p = probe(url, {
      secureContext,
      insecure: o.insecure,
      localAddress: o.localAddress,
      timeoutMs: o.timeoutMs,
    }).then((outcome) => {
      result.polls += 1;
      if (outcome === 'ok') result.ok += 1;
      else result.failed[outcome] += 1;
      inflight.delete(p);
    });
    inflight.add(p);
  };
  poll();
  const timer = setInterval(poll, o.intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inflight);
      return result;
    },
  };
}
