import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { probeRedirect } from '../../core/http.ts';
import { redirectCheck } from '../../security/tls/audit.ts';
import { CheckResult } from '../../core/report-schema.ts';

/** A loopback port that nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the http redirect checks say which kind of skip they are', () => {
  it('is not applicable, detected, when the port refuses plain http: a TLS-only server has nothing to redirect', async () => {
    const port = await closedPort();
    const r = await probeRedirect(`http://127.0.0.1:${port}/`, { timeoutMs: 2000 });
    for (const id of ['tls.redirect', 'headers.redirection'] as const) {
      const c = redirectCheck(id, r, 5);
      expect(c).toMatchObject({
        id,
        status: 'skip',
        skip: {
          kind: 'not-applicable',
          source: 'detected',
          reason: `nothing listens on 127.0.0.1:${port}: no plain-http service to redirect`,
        },
      });
      expect(c.evidence.requests).toEqual([
        { method: 'GET', url: `http://127.0.0.1:${port}/`, status: null, excerpt: undefined },
      ]);
      expect(CheckResult.safeParse(c).success).toBe(true);
    }
  });

  it('is not configured without a plain-http URL, and an error (never a skip) when the probe fails otherwise', () => {
    expect(redirectCheck('tls.redirect', null, 0).skip).toEqual({
      kind: 'not-configured',
      reason:
        'no plain-http URL to check: set security.tls.httpUrl (derived automatically only when the target uses port 443)',
    });
    expect(redirectCheck('tls.redirect', new Error('ETIMEDOUT'), 0)).toMatchObject({ status: 'error' });
  });
});
