import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * An allowlist-only forward proxy the browser is pointed at, so that nothing it loads (a redirect, a link,
 * a script from a CDN) reaches a host other than the target's. Playwright's request routing does not see
 * the requests Chromium makes to follow a redirect, and no proxy package on npm filters by destination,
 * so this small one is written here: it forwards CONNECT tunnels and plain requests to allowed hosts
 * and answers 403 to everything else.
 */
export interface ScopeProxy {
  url: string;
  /** host:port pairs the browser tried to reach and was refused. */
  refused: string[];
  stop(): Promise<void>;
}

function allowed(hostPort: string, hosts: readonly string[]): boolean {
  const [host, port] = hostPort.split(/:(?=\d+$)/);
  return hosts.some((h) => {
    const [ah, ap] = h.split(/:(?=\d+$)/);
    return ah === host && (ap ? ap === port : port === '443' || port === '80' || port === undefined);
  });
}

export async function startScopeProxy(hosts: readonly string[]): Promise<ScopeProxy> {
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const hostPort = `${target.hostname}:${target.port || '80'}`;
    if (!allowed(hostPort, hosts)) {
      refused.push(hostPort);
      res.writeHead(403, { 'content-type': 'text/plain' }).end('gonogo: host outside the target');
      return;
    }
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (up) => {
      up.on('error', () => res.destroy());
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.on('error', () => upstream.destroy());
    res.on('error', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    // A browser may reset any tunnel, a refused one included; an unhandled socket error would end the test worker.
    client.on('error', () => client.destroy());
    const hostPort = req.url ?? '';
    if (!allowed(hostPort, hosts)) {
      refused.push(hostPort);
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const [host, port] = hostPort.split(/:(?=\d+$)/);
    const upstream = connect(Number(port ?? 443), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
