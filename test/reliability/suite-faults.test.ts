import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../core/report-schema.ts';
import { startFaultServer, type Fault, type FaultServer } from '../fixtures/fault-server.ts';
import { closedPortProject, gonogoChild } from './child.ts';
import { FAULT_ENV, faultProject } from './support.ts';

/**
 * Each suite against a target that hangs, resets or lies, through the real command as a child process:
 * never exit 0, never a crash or a stack trace, and for `run` a NO-GO report on disk. (faults.test.ts
 * crosses every fault with every suite in-process; this file holds one child-process case per suite and
 * fault kind, plus a positive control per ad hoc command.)
 */
const servers = new Map<Fault, FaultServer>();
const FAULTS: Fault[] = ['hang', 'reset', 'not-tls', 'untrusted-cert', 'server-error', 'html'];
beforeAll(async () => {
  for (const f of FAULTS) servers.set(f, await startFaultServer(f));
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
});
const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at |Harness error/);
const hostPort = (f: Fault) => new URL(servers.get(f)!.baseUrl).host;

describe('gonogo load (ad hoc)', () => {
  it.each<[string, Fault]>([
    ['hangs', 'hang'],
    ['resets', 'reset'],
    ['lies with 500 everywhere', 'server-error'],
  ])('a target that %s: exit 1, NO-GO said', async (_, fault) => {
    const r = await gonogoChild(
      [
        'load',
        `${servers.get(fault)!.baseUrl}/`,
        '--insecure',
        '--engine',
        'autocannon',
        '--vus',
        '2',
        '--duration',
        '2s',
      ],
      { timeoutMs: 45_000 },
    );
    expect({ code: r.code, timedOut: r.timedOut }, r.err).toEqual({ code: 1, timedOut: false });
    expect(r.err).toMatch(/NO-GO: (every one of the \d+ requests failed|the load run made no request)/);
    noTrace(r.err);
  });

  it('a target that answers 200 passes (positive control)', async () => {
    const r = await gonogoChild([
      'load',
      `${servers.get('html')!.baseUrl}/`,
      '--insecure',
      '--engine',
      'autocannon',
      '--vus',
      '2',
      '--duration',
      '1s',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).errors).toBe(0);
  });
});

describe('gonogo audit headers and audit tls', () => {
  it.each<[string, Fault]>([
    ['hangs', 'hang'],
    ['resets', 'reset'],
    ['lies (200, no security header)', 'html'],
    ['speaks no TLS', 'not-tls'],
  ])('headers: a target that %s -> exit 1', async (_, fault) => {
    const s = servers.get(fault)!;
    const r = await gonogoChild(['audit', 'headers', `${s.baseUrl}/`, '--ca', s.caFile], { timeoutMs: 60_000 });
    expect({ code: r.code, timedOut: r.timedOut }, r.out + r.err).toEqual({ code: 1, timedOut: false });
    expect(r.out).toMatch(/FAIL|ERROR/);
    noTrace(r.err);
  });

  it.each<[string, Fault]>([
    ['hangs', 'hang'],
    ['resets', 'reset'],
    ['speaks no TLS', 'not-tls'],
    ['lies (a certificate no one vouches for)', 'untrusted-cert'],
  ])('tls: a target that %s -> exit 1', async (_, fault) => {
    const r = await gonogoChild(['audit', 'tls', hostPort(fault), '--ca', servers.get(fault)!.caFile], {
      timeoutMs: 90_000,
    });
    expect({ code: r.code, timedOut: r.timedOut }, r.out + r.err).toEqual({ code: 1, timedOut: false });
    expect(r.out).toMatch(/FAIL|ERROR/);
    noTrace(r.err);
  });
});

describe('the dependency audit against an advisory source that hangs, resets or lies', () => {
  const sockets = new Set<Socket>();
  const sources = new Map<string, Server>();
  const behaviours: Record<string, (res: import('node:http').ServerResponse) => void> = {
    hangs: () => {
      /* never answers */
    },
    resets: (res) => {
      res.socket?.resetAndDestroy();
    },
    'lies (200 with an HTML page)': (res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('<!doctype html><h1>Welcome</h1>');
    },
    'lies (200 with the wrong JSON)': (res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"results": "none"}');
    },
  };
  beforeAll(async () => {
    for (const [name, answer] of Object.entries(behaviours)) {
      const server = createServer((req, res) => {
        req.resume();
        answer(res);
      });
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      sources.set(name, server);
    }
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all([...sources.values()].map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it.each(Object.keys(behaviours))('a source that %s: deps.advisories is an error, the run NO-GO', async (name) => {
    const url = `http://127.0.0.1:${(sources.get(name)!.address() as { port: number }).port}`;
    const lock = fileURLToPath(new URL('../security/fixtures/npm-v3-package-lock.json', import.meta.url));
    const p = closedPortProject({
      config: `export default {\n  target: { baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000 },\n  security: { tls: { handshakeTimeoutMs: 500 }, deps: { lockfiles: [${JSON.stringify(lock)}], source: { kind: 'osv-api', url: ${JSON.stringify(url)}, timeoutMs: 3000 }, timeoutS: 10 } },\n};\n`,
    });
    const out = join(p.dir, 'out');
    const r = await gonogoChild(['run', '--config', p.config, '--suite', 'security', '--out', out], {
      timeoutMs: 60_000,
    });
    expect({ code: r.code, timedOut: r.timedOut }, r.err).toEqual({ code: 1, timedOut: false });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(report.checks.find((c) => c.id === 'deps.advisories')?.status).toBe('error');
    expect(report.verdict.decision).toBe('NO-GO');
  });
});

describe('gonogo run --suite smoke', () => {
  it.each<[string, Fault]>([
    ['hangs', 'hang'],
    ['resets', 'reset'],
    ['lies (HTML where JSON is expected)', 'html'],
  ])(
    'a target that %s: NO-GO with a report, blockers failing, no auth or escrow check passing',
    async (_, fault) => {
      const s = servers.get(fault)!;
      const config = faultProject(s.baseUrl, s.caFile);
      const out = join(config, '..', 'results');
      const r = await gonogoChild(['run', '--config', config, '--suite', 'smoke', '--out', out], {
        env: FAULT_ENV,
        timeoutMs: 170_000,
      });
      expect({ code: r.code, timedOut: r.timedOut }, r.err).toEqual({ code: 1, timedOut: false });
      expect(existsSync(join(out, 'report.json'))).toBe(true);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
      expect(report.verdict.decision).toBe('NO-GO');
      expect(report.verdict.reasons.length).toBeGreaterThan(0);
      // Pages may render and debug routes may be absent on such a target; what needs the API's answers cannot pass.
      const smoke = report.checks.filter((c) => c.suite === 'smoke');
      expect(
        smoke.filter((c) => c.level === 'blocker' && (c.status === 'fail' || c.status === 'error')).length,
      ).toBeGreaterThan(0);
      expect(
        smoke.filter((c) => (c.area === 'auth' || c.area === 'escrow') && c.status === 'pass').map((c) => c.id),
      ).toEqual([]);
      noTrace(r.err);
    },
    180_000,
  );
});
