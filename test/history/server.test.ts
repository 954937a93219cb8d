import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryConfig } from '../../config/history.ts';
import type { StoreLocation } from '../../history/open.ts';
import { startServer, type RunningServer } from '../../history/server.ts';
import { HistoryStore, sha256 } from '../../history/store.ts';
import { gonogo } from '../helpers/cli.ts';
import { seriesReport, stores, STORE_KINDS, type Stores } from './stores.ts';

let s: Stores;
const dir = mkdtempSync(join(tmpdir(), 'gonogo-history-serve-'));
beforeAll(async () => {
  s = await stores();
}, 60_000);
afterAll(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, data: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(data));
  return f;
};
const count = async (loc: StoreLocation) => {
  const st = await HistoryStore.open(loc);
  try {
    return (await st.counts()).runs;
  } finally {
    await st.close();
  }
};

async function serve(
  loc: StoreLocation,
  server: Partial<HistoryConfig['server']> = {},
  logs: string[] = [],
): Promise<RunningServer> {
  return startServer({
    location: loc,
    config: HistoryConfig.parse({ server }),
    host: '127.0.0.1',
    port: 0,
    log: (m) => logs.push(m),
  });
}

/** A project token made by the CLI against the store, as a team would make it on the server's machine. */
async function token(loc: StoreLocation, project: string): Promise<{ token: string; out: string }> {
  const args = ['history', 'token', '--project', project, ...(loc.kind === 'sqlite' ? ['--db', loc.file] : [])];
  const r = await gonogo(args, loc.kind === 'postgres' ? { GONOGO_HISTORY_URL: loc.url } : {});
  expect(r.code, r.err).toBe(0);
  return { token: /^(gng_\S+)$/m.exec(r.out)![1]!, out: r.out };
}

describe.each(STORE_KINDS)('gonogo serve and history push on %s', (kind) => {
  it("push stores a run under the token's project, once; a wrong token, a bad report and an oversized one are refused clearly; no token is printed", async () => {
    const loc = await s.fresh(kind);
    const { token: t } = await token(loc, 'shop');
    const logs: string[] = [];
    const server = await serve(loc, { maxReportBytes: 60_000 }, logs);
    try {
      const f = file(`${kind}-ok.json`, seriesReport(1));
      const env = { GONOGO_HISTORY_TOKEN: t };
      const ok = await gonogo(
        ['history', 'push', f, '--server', server.url, '--branch', 'main', '--commit', 'c1'],
        env,
      );
      expect(ok.code, ok.err).toBe(0);
      expect(ok.out).toMatch(/run 20261101T030000Z-000001 stored .*project shop, branch main/);
      expect((await gonogo(['history', 'push', f, '--server', server.url, '--branch', 'main'], env)).out).toMatch(
        /was already stored/,
      );

      const wrong = await gonogo(['history', 'push', f, '--server', server.url], {
        GONOGO_HISTORY_TOKEN: 'gng_not-a-token',
      });
      expect(wrong.code).toBe(2);
      expect(wrong.err).toMatch(/HTTP 401.*no valid upload token/);

      const big = seriesReport(2);
      big.checks[0]!.evidence.message = 'x'.repeat(70_000);
      const tooBig = await gonogo(['history', 'push', file(`${kind}-big.json`, big), '--server', server.url], env);
      expect(tooBig.code).toBe(2);
      expect(tooBig.err).toMatch(/HTTP 413.*over this server's limit of 60000 bytes \(history\.server\.maxReportBytes/);

      const bad = await fetch(new URL('api/runs', server.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${t}` },
        body: JSON.stringify({ branch: 'main', report: { ...seriesReport(3), verdict: { decision: 'MAYBE' } } }),
      });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { error: string }).error).toMatch(
        /does not match the report schema version 1: verdict/,
      );

      const missing = await gonogo(['history', 'push', f, '--server', server.url]);
      expect(missing.err).toMatch(/GONOGO_HISTORY_TOKEN is not set/);
      for (const text of [ok.out, ok.err, wrong.err, tooBig.err, ...logs]) expect(text).not.toContain(t.slice(4));
      expect(await count(loc)).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('20 concurrent pushes store 20 runs; a push cut off mid-way stores nothing; the runs outlive a restart', async () => {
    const loc = await s.fresh(kind);
    const { token: t } = await token(loc, 'shop');
    let server = await serve(loc);
    try {
      const post = (i: number) =>
        fetch(new URL('api/runs', server.url), {
          method: 'POST',
          headers: { authorization: `Bearer ${t}` },
          body: JSON.stringify({ branch: 'main', report: seriesReport(i) }),
        });
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i)));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));

      const body = JSON.stringify({ branch: 'main', report: seriesReport(99) });
      await new Promise<void>((resolve) => {
        const req = request(new URL('api/runs', server.url), {
          method: 'POST',
          headers: { authorization: `Bearer ${t}`, 'content-length': Buffer.byteLength(body) },
        });
        req.on('error', () => resolve());
        req.write(body.slice(0, body.length / 2), () =>
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 50),
        );
      });
      await server.close();
      server = await serve(loc);
      expect(await count(loc)).toBe(20);
      const list = (await (await fetch(new URL('api/runs?branch=main&last=100', server.url))).json()) as unknown[];
      expect(list).toHaveLength(20);
    } finally {
      await server.close();
    }
  });
});

describe('reading the dashboard', () => {
  it('needs a token when history.server.publicRead is never, and not on loopback by default', async () => {
    const loc = await s.fresh('sqlite');
    const { token: t, out } = await token(loc, 'shop');
    expect(out).toMatch(/shown this once; SQLite .* keeps only its SHA-256/);
    const st = await HistoryStore.open(loc);
    expect(await st.db.selectFrom('tokens').selectAll().execute()).toEqual([
      { project: 'shop', token_sha256: sha256(t), created_at: expect.any(String) },
    ]);
    await st.close();
    const closed = await serve(loc, { publicRead: 'never' });
    const open = await serve(loc);
    try {
      const refused = await fetch(closed.url);
      expect(refused.status).toBe(401);
      expect(await refused.text()).toMatch(/history\.server\.publicRead/);
      expect((await fetch(closed.url, { headers: { authorization: `Bearer ${t}` } })).status).toBe(200);
      expect((await fetch(open.url)).status).toBe(200);
      expect((await fetch(new URL('api/runs', open.url), { method: 'DELETE' })).status).toBe(405);
    } finally {
      await closed.close();
      await open.close();
    }
  });
});
