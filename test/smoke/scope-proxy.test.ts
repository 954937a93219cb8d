import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startScopeProxy } from '../../smoke/lib/scope-proxy.ts';

/** Sends a CONNECT through the proxy and resolves with the first bytes of its answer. */
function tunnel(proxyUrl: string, hostPort: string): Promise<{ socket: Socket; answer: string }> {
  const { port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () =>
      socket.write(`CONNECT ${hostPort} HTTP/1.1\r\nHost: ${hostPort}\r\n\r\n`),
    );
    socket.once('data', (d) => resolve({ socket, answer: d.toString() }));
    socket.once('error', reject);
  });
}

describe('scope proxy for the browser checks', () => {
  it('refuses hosts outside the target, and a browser resetting a refused or open tunnel does not bring it down', async () => {
    const target = createServer((s) => s.on('error', () => {}));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const allowed = `127.0.0.1:${(target.address() as { port: number }).port}`;
    const proxy = await startScopeProxy([allowed]);
    const errors: unknown[] = [];
    const onUncaught = (e: unknown): void => {
      errors.push(e);
    };
    process.on('uncaughtException', onUncaught);
    try {
      const refused = await tunnel(proxy.url, 'other.example:443');
      expect(refused.answer).toMatch(/^HTTP\/1\.1 403/);
      refused.socket.resetAndDestroy();
      const open = await tunnel(proxy.url, allowed);
      expect(open.answer).toMatch(/^HTTP\/1\.1 200/);
      open.socket.resetAndDestroy();
      await new Promise((r) => setTimeout(r, 200));
      expect(errors).toEqual([]);
      // Still serving.
      const again = await tunnel(proxy.url, 'other.example:443');
      expect(again.answer).toMatch(/^HTTP\/1\.1 403/);
      again.socket.destroy();
      expect(proxy.refused).toEqual(['other.example:443', 'other.example:443']);
    } finally {
      process.off('uncaughtException', onUncaught);
      await proxy.stop();
      target.close();
    }
  });
});
