import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../../core/http.ts';
import { handshake } from '../../security/tls/probe.ts';

describe('a security probe that runs out of time names the setting', () => {
  let server: Server;
  let port = 0;
  const sockets = new Set<Socket>();
  // Accepts every connection and never says a word: no HTTP answer, no TLS ServerHello.
  beforeAll(async () => {
    server = createServer((s) => {
      sockets.add(s);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('an HTTP request: target.timeoutMs', async () => {
    const err = await get(`http://127.0.0.1:${port}/`, { timeoutMs: 200, setting: 'target.timeoutMs' }).catch(
      (e: Error) => e,
    );
    // The idle timeout and the whole-exchange deadline are equal here: either may speak first.
    expect((err as Error).message).toMatch(
      new RegExp(
        `^(no answer from|the response from) 127\\.0\\.0\\.1:${port} (did not finish )?within 200 ms \\(target\\.timeoutMs\\)$`,
      ),
    );
  });

  it('a TLS handshake: security.tls.handshakeTimeoutMs', async () => {
    const r = await handshake(
      { host: '127.0.0.1', port, timeoutMs: 200, setting: 'security.tls.handshakeTimeoutMs' },
      { ca: [] },
    );
    expect(r).toEqual({
      ok: false,
      refusal: 'unknown',
      error: 'no handshake within 200 ms (security.tls.handshakeTimeoutMs)',
    });
  });
});
