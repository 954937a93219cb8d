import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { LoadCollector } from '../collector.ts';
import { startAvailabilityPoller } from '../availability.ts';
import { EngineError, type EngineRun, type LoadEngine } from '../engine.ts';
import { writePlanFile, type LoadPlan } from '../plan.ts';
import { findK6, k6Version, K6_INSTALL } from './binary.ts';
import { caBundle } from './certs.ts';
import { K6_FILES } from './files.ts';
import { classifyExit, stderrEvidence } from './exit.ts';
import { streamK6Json } from './stream.ts';
import { parseK6Summary, type K6Summary } from './summary.ts';
import { ACCOUNTS_ENV } from '../../scenarios/journey-core.ts';
import { packageFile } from '../../core/files.ts';

/** Linux caps one environment string at 128 KiB (MAX_ARG_STRLEN); the pool travels in one. */
const MAX_POOL_ENV_BYTES = 120_000;

export const SCENARIO_SCRIPT = packageFile('scenarios/journeys.ts');

/** `--execution-segment` arguments of shard i of n (k6 splits every scenario's VUs by them). */
export function segmentArgs(i: number, n: number): string[] {
  if (n <= 1) return [];
  const seq = ['0', ...Array.from({ length: n - 1 }, (_, k) => `${k + 1}/${n}`), '1'];
  return ['--execution-segment', `${seq[i]}:${seq[i + 1]}`, '--execution-segment-sequence', seq.join(',')];
}

export function k6Args(opts: {
  script: string;
  sourceAddress?: string;
  shard: number;
  shards: number;
  jsonOut?: string;
}): string[] {
  return [
    'run',
    '--quiet',
    '--no-usage-report',
    '--new-machine-readable-summary',
    '--out',
    `json=${opts.jsonOut ?? '-'}`,
    ...(opts.sourceAddress ? ['--local-ips', opts.sourceAddress] : []),
    ...segmentArgs(opts.shard, opts.shards),
    opts.script,
  ];
}

interface ShardOutcome {
  kind: 'ok' | 'thresholds' | 'error';
  message: string;
  exitCode?: number;
  stderr: string;
  summary?: K6Summary;
}

/** Runs `k6 run` with the TypeScript scenario script; thresholds come from the KPI file via the plan. */
export class K6Engine implements LoadEngine {
  readonly name = 'k6' as const;
  constructor(private readonly k6Path?: string) {}

  async isAvailable(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
    const bin = await findK6(this.k6Path);
    if (!bin) return { ok: false, reason: this.k6Path ? `k6 not found at ${this.k6Path}` : 'k6 is not on PATH' };
    const version = await k6Version(bin);
    return version ? { ok: true, version } : { ok: false, reason: `${bin} did not answer \`k6 version\`` };
  }

  async run(plan: LoadPlan): Promise<EngineRun> {
    const bin = await findK6(plan.k6Path ?? this.k6Path);
    if (!bin) throw new EngineError(`k6 is not available: ${K6_INSTALL}`);
    const version = (await k6Version(bin)) ?? undefined;
    // Flat: the load suite's folder holds k6's files directly, each named k6-*.
    const dir = plan.outDir;
    await mkdir(dir, { recursive: true });
    const planPath = join(dir, K6_FILES.plan);
    await writePlanFile(plan, planPath);
    const env: Record<string, string> = { ...plan.env, GONOGO_PLAN: planPath, K6_NO_USAGE_REPORT: 'true' };
    if (plan.accounts.length > 0) {
      // The environment, not a file and not setup() data: k6 writes setup data into its end-of-test summary.
      env[ACCOUNTS_ENV] = JSON.stringify(plan.accounts);
      if (Buffer.byteLength(env[ACCOUNTS_ENV]) > MAX_POOL_ENV_BYTES)
        throw new EngineError(
          `the account pool (${plan.accounts.length} accounts) is too large to hand to k6 in its environment (over ${MAX_POOL_ENV_BYTES} bytes); use fewer accounts, the autocannon engine${plan.accounts.some((a) => a.login) ? ', or load.logins.mode "journey" (the tokens the login phase took travel with the pool)' : ''}`,
        );
    }
    if (plan.caFile && !plan.insecureTls) env.SSL_CERT_FILE = await caBundle(plan.caFile, dir);

    const collector = new LoadCollector(Number.NaN);
    const poller = plan.healthUrl
      ? startAvailabilityPoller(plan.healthUrl, {
          intervalMs: plan.healthIntervalMs,
          timeoutMs: plan.healthTimeoutMs,
          caFile: plan.caFile,
          insecure: plan.insecureTls,
          localAddress: plan.sourceAddress,
        })
      : null;
    const t0 = Date.now();
    const ticker = setInterval(() => {
      const s = collector.lastSecond(Date.now());
      const elapsedS = Number.isNaN(collector.startedAtMs) ? 0 : (Date.now() - collector.startedAtMs) / 1000;
      plan.onTick?.({
        elapsedS: Math.round(elapsedS),
        remainingS: Math.max(0, Math.round(plan.durationS - elapsedS)),
        rps: s?.rps ?? 0,
        p95: s?.p95 ?? 0,
        errors: collector.errors,
        requests: collector.requests,
      });
    }, 1000);
    const timeoutMs = (plan.durationS + plan.gracefulStopS + plan.slackS) * 1000;
    let outcomes: ShardOutcome[];
    try {
      outcomes = await Promise.all(
        Array.from({ length: plan.shards }, (_, i) => this.runShard(bin, plan, env, dir, i, collector, timeoutMs)),
      );
    } finally {
      clearInterval(ticker);
    }
    const availability = poller ? await poller.stop() : undefined;
    const summaries = outcomes.map((o) => o.summary).filter((s): s is K6Summary => Boolean(s));
    const durationS =
      summaries.length > 0 ? Math.max(...summaries.map((s) => s.durationS ?? 0)) : (Date.now() - t0) / 1000;
    const result = collector.toResult({
      engine: 'k6',
      vus: plan.vus,
      durationS: Math.min(durationS, plan.durationS + plan.gracefulStopS),
      availability,
      shards: plan.shards > 1 ? plan.shards : undefined,
    });
    const failed = outcomes.find((o) => o.kind === 'error');
    if (failed) {
      throw new EngineError(`${failed.message}${failed.stderr ? `: ${failed.stderr.split('\n').at(-1)}` : ''}`, {
        exitCode: failed.exitCode,
        stderr: failed.stderr,
        partial: result,
      });
    }
    const warnings: string[] = [];
    const sumRequests = summaries.reduce((s, x) => s + (x.requests ?? 0), 0);
    if (summaries.length === plan.shards && sumRequests !== result.requests) {
      warnings.push(`k6's summary counts ${sumRequests} requests, the streamed samples ${result.requests}`);
    }
    const crossed = outcomes.some((o) => o.kind === 'thresholds');
    if (crossed)
      warnings.push(
        ...new Set(
          outcomes
            .filter((o) => o.kind === 'thresholds')
            .map((o) => o.stderr)
            .filter(Boolean),
        ),
      );
    return { result, thresholdsCrossed: crossed, version, warnings };
  }

  private async runShard(
    bin: string,
    plan: LoadPlan,
    env: Record<string, string>,
    dir: string,
    shard: number,
    collector: LoadCollector,
    timeoutMs: number,
  ): Promise<ShardOutcome> {
    const summaryPath = join(dir, K6_FILES.summary(shard, plan.shards));
    const proc = execa(
      bin,
      k6Args({ script: SCENARIO_SCRIPT, sourceAddress: plan.sourceAddress, shard, shards: plan.shards }),
      {
        env: { ...env, GONOGO_SUMMARY: summaryPath },
        reject: false,
        timeout: timeoutMs,
        cancelSignal: plan.signal,
        // Streams, not buffers: a long run's metric output is gigabytes, and k6 logs a line per failed request.
        buffer: false,
        stdin: 'ignore',
      },
    );
    const tail: string[] = [];
    const errors: string[] = [];
    const stderrDone = (async () => {
      for await (const line of createInterface({ input: proc.stderr!, crlfDelay: Infinity })) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (/level=(error|fatal)/.test(line) && errors.length < 20) errors.push(line);
      }
    })();
    const streamed = streamK6Json(proc.stdout!, collector);
    const [res] = await Promise.all([proc, streamed, stderrDone]);
    const stderr = stderrEvidence([...errors, ...tail.filter((l) => !errors.includes(l))].join('\n'));
    const c = classifyExit({
      exitCode: res.exitCode,
      signal: res.signal,
      timedOut: res.timedOut,
      isCanceled: res.isCanceled,
    });
    let summary: K6Summary | undefined;
    try {
      summary = parseK6Summary(JSON.parse(await readFile(summaryPath, 'utf8')));
    } catch {
      /* no summary: k6 failed before the end of the test; the exit code says why */
    }
    return { ...c, exitCode: res.exitCode, stderr, summary };
  }
}
