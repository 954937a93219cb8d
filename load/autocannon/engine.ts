import { isIP } from 'node:net';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { allocateVus } from '../../scenarios/journey-core.ts';
import { LoadCollector } from '../collector.ts';
import { startAvailabilityPoller } from '../availability.ts';
import { EngineError, type EngineRun, type LoadEngine } from '../engine.ts';
import type { LoadPlan } from '../plan.ts';
import type { WorkerInput, WorkerMessage } from './protocol.ts';
import { bundleWorker } from './bundle.ts';

function autocannonVersion(): string {
  const req = createRequire(import.meta.url);
  return (req('autocannon/package.json') as { version: string }).version;
}

/**
 * A worker's young generation (V8's default lets it grow to 16 MB semi-spaces). The generator allocates
 * little that lives: with 4 MB a 30 s run's peak was 10 MB lower (two workers), and throughput against a
 * one-process Node server moved no more than between runs of the same setting (BENCHMARKS.md).
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/**
 * Worker threads when the config leaves it to the engine: one per core, at most two (one worker reaches
 * about 90-100k req/s here). A target on this machine (a loopback address) keeps a core of its own: on
 * two cores, two generator threads took CPU from a one-process target and reached 68-77% of raw
 * autocannon's req/s, one worker 89-110% (BENCHMARKS.md).
 */
export function defaultWorkers(baseUrl: string, cores = availableParallelism()): number {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  const local =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    (isIP(host) === 4 && host.startsWith('127.'));
  return Math.max(1, Math.min(2, local ? cores - 1 : cores));
}

/** Splits each journey's VUs over the workers; a worker with no VU is not started. */
export function splitConnections(plan: Pick<LoadPlan, 'journeys' | 'vus'>, workers: number): number[][] {
  const perJourney = allocateVus(plan.journeys, plan.vus);
  const out: number[][] = Array.from({ length: workers }, () => plan.journeys.map(() => 0));
  perJourney.forEach((n, j) => {
    allocateVus(
      out.map(() => ({ weight: 1 })),
      n,
    ).forEach((c, w) => {
      out[w]![j] = c;
    });
  });
  return out.filter((w) => w.some((c) => c > 0));
}

/** The same journeys in-process: autocannon in worker threads, every response into HDR histograms. */
export class AutocannonEngine implements LoadEngine {
  readonly name = 'autocannon' as const;

  async isAvailable(): Promise<{ ok: true; version: string }> {
    return { ok: true, version: autocannonVersion() };
  }

  async run(plan: LoadPlan): Promise<EngineRun> {
    return this.runWith(plan, await bundleWorker());
  }

  private async runWith(plan: LoadPlan, workerUrl: URL): Promise<EngineRun> {
    const workers = plan.workers > 0 ? plan.workers : defaultWorkers(plan.baseUrl);
    let startedAtMs = Date.now();
    let collector = new LoadCollector(startedAtMs);
    const warnings: string[] = [];
    const live = new Map<number, { requests: number; errors: number; p95: number }>();
    let totalRequests = 0;
    let totalErrors = 0;
    const split = splitConnections(plan, workers);
    const offsets = split.map((_, i) =>
      split
        .slice(0, i)
        .flat()
        .reduce((s, n) => s + n, 0),
    );
    const threads = split.map((connections, i) => {
      const data: WorkerInput = {
        baseUrl: plan.baseUrl,
        connections,
        journeys: plan.journeys,
        durationS: plan.durationS,
        thinkTimeS: plan.thinkTimeS,
        requestTimeoutS: plan.requestTimeoutS,
        sourceAddress: plan.sourceAddress,
        env: plan.env,
        accounts: plan.accounts,
        vuOffset: offsets[i]!,
        ...(plan.session ? { session: plan.session } : {}),
      };
      const w = new Worker(workerUrl, {
        workerData: data,
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      });
      let markReady!: () => void;
      const ready = new Promise<Worker>((r) => {
        markReady = () => r(w);
      });
      const done = new Promise<void>((resolve, reject) => {
        let finished = false;
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') {
            markReady();
          } else if (m.type === 'tick') {
            live.set(i, m);
            totalRequests += m.requests;
            totalErrors += m.errors;
          } else if (m.type === 'done') {
            finished = true;
            collector.absorb(m.dump);
            warnings.push(...m.warnings);
            void w.terminate();
            resolve();
          } else {
            finished = true;
            void w.terminate();
            reject(new EngineError(`autocannon worker failed: ${m.message}`));
          }
        });
        w.on('error', (e) => {
          finished = true;
          reject(new EngineError(`autocannon worker crashed: ${e.message}`, {}, { cause: e }));
        });
        w.on('exit', (code) => {
          if (!finished) reject(new EngineError(`autocannon worker exited with code ${code} before reporting`));
        });
        plan.signal?.addEventListener('abort', () => w.postMessage({ type: 'stop' }), { once: true });
      });
      done.catch(markReady);
      return { ready, done };
    });
    // Start together once every worker has loaded, so the timeline's seconds mean the same in each.
    await Promise.all(threads.map((t) => t.ready));
    startedAtMs = Date.now();
    collector = new LoadCollector(startedAtMs);
    for (const t of threads) void t.ready.then((w) => w.postMessage({ type: 'go', startedAtMs }));
    const poller = plan.healthUrl
      ? startAvailabilityPoller(plan.healthUrl, {
          intervalMs: plan.healthIntervalMs,
          timeoutMs: plan.healthTimeoutMs,
          caFile: plan.caFile,
          insecure: plan.insecureTls,
          localAddress: plan.sourceAddress,
        })
      : null;
    const ticker = setInterval(() => {
      const elapsedS = (Date.now() - startedAtMs) / 1000;
      const ticks = [...live.values()];
      plan.onTick?.({
        elapsedS: Math.round(elapsedS),
        remainingS: Math.max(0, Math.round(plan.durationS - elapsedS)),
        rps: ticks.reduce((s, t) => s + t.requests, 0),
        // Live only: the larger worker p95 (exact percentiles come from the merged histograms at the end).
        p95: Math.max(0, ...ticks.map((t) => t.p95)),
        errors: totalErrors,
        requests: totalRequests,
      });
    }, 1000);
    const settled = await Promise.allSettled(threads.map((t) => t.done));
    clearInterval(ticker);
    const availability = poller ? await poller.stop() : undefined;
    const durationS = Math.min((Date.now() - startedAtMs) / 1000, plan.durationS);
    const result = collector.toResult({ engine: 'autocannon', vus: plan.vus, durationS, availability });
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      const e = failed.reason as Error;
      throw e instanceof EngineError ? new EngineError(e.message, { partial: result }, { cause: e.cause }) : e;
    }
    if (plan.signal?.aborted) throw new EngineError('the load run was interrupted', { partial: result });
    return { result, thresholdsCrossed: false, version: autocannonVersion(), warnings };
  }
}
