import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import { LoadCollector } from '../collector.ts';
import { accountFor, buildRequest, type PlanJourney } from '../../scenarios/journey-core.ts';
import { VirtualUser, isStatic } from './vu.ts';
import type { MainMessage, WorkerInput, WorkerMessage } from './protocol.ts';

const input = workerData as WorkerInput;
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
const go = new Promise<number>((resolve) => {
  parentPort!.on('message', (m: MainMessage) => {
    if (m.type === 'go') resolve(m.startedAtMs);
  });
});
post({ type: 'ready' });
const collector = new LoadCollector(await go);
const env = (n: string): string | undefined => input.env[n] ?? process.env[n];
const url = new URL(input.baseUrl);
const prefix = url.pathname.replace(/\/+$/, '');
const warnings: string[] = [];

// The parts of autocannon's Client this engine drives; autocannon does not type them.
interface AcClient {
  destroyed: boolean;
  _doRequest(): void;
  setRequests(r: object[]): void;
  on(ev: 'timeout' | 'connError', fn: () => void): void;
}

if (input.sourceAddress && url.protocol === 'http:') {
  // autocannon binds a source address only through tlsOptions; plain http gets it here (this worker's own net module).
  const connect = net.connect.bind(net) as (o: net.NetConnectOpts) => net.Socket;
  (net as { connect: unknown }).connect = (port: number, host: string) =>
    connect({ port, host, localAddress: input.sourceAddress });
}

let vuSeq = input.vuOffset;
function runJourney(j: PlanJourney, connections: number): { instance: autocannon.Instance; done: Promise<void> } {
  const users = new WeakMap<object, VirtualUser>();
  const staticStep = isStatic(j, input.thinkTimeS) ? j.steps[0]! : null;
  const opts: autocannon.Options = {
    url: url.origin,
    connections,
    duration: input.durationS,
    timeout: input.requestTimeoutS,
    pipelining: 1,
    ...(input.sourceAddress && url.protocol === 'https:' ? { tlsOptions: { localAddress: input.sourceAddress } } : {}),
  };
  if (staticStep) {
    const r = buildRequest(staticStep, {}, env);
    // autocannon takes the path from the URL itself; a separate `path` option would be overridden by it.
    Object.assign(opts, { url: url.origin + prefix + r.path, method: r.method, headers: r.headers, body: r.body });
  } else {
    opts.setupClient = (client) => {
      const c = client as unknown as AcClient;
      vuSeq += 1;
      const vu = new VirtualUser(
        j,
        collector,
        input.thinkTimeS * 1000,
        env,
        vuSeq,
        accountFor(input.accounts, vuSeq),
        input.session,
      );
      users.set(client, vu);
      c.setRequests([
        {
          setupRequest: (req: object) => ({ ...req, ...vu.nextRequest(prefix) }),
          onResponse: (status: number, body: string, _context: unknown, headers: Record<string, string | string[]>) =>
            vu.onResponse(status, body, headers),
        },
      ]);
      const send = c._doRequest.bind(c);
      // autocannon has no think time: hold the connection's next request for the owed pause.
      c._doRequest = () => {
        const ms = vu.takeSleep();
        if (ms > 0)
          setTimeout(() => {
            if (!c.destroyed) send();
          }, ms).unref();
        else send();
      };
      c.on('timeout', () => vu.onError(input.requestTimeoutS * 1000));
      c.on('connError', () => vu.onError(0));
    };
  }
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const instance = autocannon(opts, (err) => {
    if (err) warnings.push(`${j.name}: ${err.message}`);
    resolve();
  });
  instance.on('response', (client: object, status: number, _bytes: number, latencyMs: number) => {
    if (staticStep) {
      const failed = !staticStep.expect.includes(status);
      collector.record(staticStep.name, staticStep.method, latencyMs, failed, Date.now(), status);
      collector.check(!failed);
      collector.iterations += 1;
      return;
    }
    const last = users.get(client)?.last;
    if (last) collector.record(last.step.name, last.step.method, latencyMs, last.failed, Date.now(), last.status);
  });
  if (staticStep) {
    instance.on('reqError', () => {
      collector.record(staticStep.name, staticStep.method, 0, true, Date.now(), 0);
      collector.check(false);
    });
  }
  return { instance, done };
}

try {
  const runs = input.journeys.flatMap((j, i) =>
    (input.connections[i] ?? 0) > 0 ? [runJourney(j, input.connections[i]!)] : [],
  );
  const ticker = setInterval(() => {
    const s = collector.lastSecond(Date.now());
    if (s) post({ type: 'tick', requests: s.rps, errors: s.errors, p95: s.p95 });
  }, 1000);
  parentPort!.on('message', (m: MainMessage) => {
    if (m.type === 'stop') for (const r of runs) r.instance.stop();
  });
  await Promise.all(runs.map((r) => r.done));
  clearInterval(ticker);
  post({ type: 'done', dump: collector.dump(), warnings });
} catch (e) {
  post({ type: 'failed', message: (e as Error).message });
}
