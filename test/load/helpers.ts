import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';

/**
 * A small target: /login issues a token (password "correct-horse", or "pw:<email>" for pool accounts; every
 * login's email is kept in `logins`), /orders needs it, /health, /slow waits 20 ms, anything else answers at once.
 */
export async function startTarget(): Promise<{
  url: string;
  stop(): Promise<void>;
  hits: Map<string, number>;
  logins: string[];
}> {
  const hits = new Map<string, number>();
  const logins: string[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/login' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const { email, password } = JSON.parse(body || '{}') as { email?: string; password?: string };
        const ok = password === 'correct-horse' || (email !== undefined && password === `pw:${email}`);
        if (email !== undefined) logins.push(email);
        res.statusCode = ok ? 200 : 401;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(ok ? { access_token: 'tok-abc' } : { detail: 'Invalid credentials' }));
      });
      return;
    }
    if (path === '/orders') {
      res.statusCode = req.headers.authorization === 'Bearer tok-abc' ? 200 : 401;
      res.end('[]');
      return;
    }
    if (path === '/slow') {
      setTimeout(() => res.end('slow'), 20);
      return;
    }
    if (path === '/missing') {
      res.statusCode = 404;
      res.end('no');
      return;
    }
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    logins,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** k6 on PATH, or the locally built one; null means the k6 tests skip (CI puts k6 on PATH). */
export function k6OnPath(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), 'go', 'bin')];
  for (const d of dirs) if (d && existsSync(join(d, 'k6'))) return join(d, 'k6');
  return null;
}
