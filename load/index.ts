import type { ProgressEvent, SuiteRunner, SuiteOutput } from '../config/suite.ts';
import type { CheckResult, LoadResult } from '../core/report-schema.ts';
import { CATALOGUE } from '../core/catalogue.ts';
import { Redactor } from '../core/redact.ts';
import { EngineError, type EngineRun } from './engine.ts';
import { buildPlan, type LoadTick } from './plan.ts';
import { measurementsFor } from './measure.ts';
import { resolveEngine } from './select.ts';
import { preflight } from '../core/preflight.ts';
import { prepareAccounts, type PreparedAccounts } from './accounts/index.ts';
import { prepareLogins, type PreparedLogins } from './logins/index.ts';

export { resolveEngine } from './select.ts';

export function formatTick(t: LoadTick): string {
  return `${t.elapsedS}s elapsed, ${t.remainingS}s left: ${Math.round(t.rps)} req/s, p95 ${t.p95.toFixed(1)} ms, ${t.errors} errors of ${t.requests}`;
}

/**
 * A load tick as progress. The counter is seconds of the planned duration; once that has passed the engine
 * is still finishing the requests in flight (k6's gracefulStop, autocannon's last responses), so the tick
 * says so instead of counting on past the total ("31/30" came from counting wall-clock seconds against it).
 */
export function tickProgress(t: LoadTick, durationS: number, gracefulStopS: number): ProgressEvent {
  if (t.elapsedS <= durationS)
    return {
      suite: 'load',
      kind: 'tick',
      message: formatTick(t),
      done: t.elapsedS,
      total: durationS,
      current: `load at ${Math.round(t.rps)} req/s`,
    };
  const past = t.elapsedS - durationS;
  return {
    suite: 'load',
    kind: 'tick',
    current: 'finishing the requests in flight',
    message: `the ${durationS}s duration is over; finishing the requests in flight (${past}s past it, up to ${gracefulStopS}s): ${t.errors} errors of ${t.requests}`,
  };
}

/** Requests that got no HTTP answer at all (refused, reset, timed out), from the endpoints' status breakdown. */
function networkErrors(r: LoadResult): number {
  return r.endpoints.reduce((n, e) => n + (e.statusClasses?.network ?? 0), 0);
}

function completedCheck(
  status: CheckResult['status'],
  message: string,
  details: Record<string, unknown>,
  startedMs: number,
  redactor: Redactor,
): CheckResult {
  const entry = CATALOGUE['load.completed'];
  return {
    id: 'load.completed',
    suite: 'load',
    area: 'load',
    title: entry.title,
    level: entry.level,
    status,
    evidence: {
      message: redactor.text(message),
      details: JSON.parse(redactor.text(JSON.stringify(details))) as Record<string, unknown>,
    },
    durationMs: Date.now() - startedMs,
  };
}

function poolLine(p: NonNullable<PreparedAccounts['info']>, vus: number): string {
  const setup = p.setupMs !== undefined ? `, registered and verified in ${(p.setupMs / 1000).toFixed(1)} s` : '';
  if (p.source === 'journey') return `every VU logs in with the journeys' one account (no load.accounts pool)`;
  return `${p.size} load account${p.size === 1 ? '' : 's'} from load.accounts.${p.source} for ${vus} VUs${setup}`;
}

export function loginsLine(l: NonNullable<PreparedLogins['info']>): string {
  return `logged in ${l.loggedIn} load account${l.loggedIn === 1 ? '' : 's'} before the load in ${(l.ms / 1000).toFixed(1)} s, paced to the login model (${l.model}); ${l.throttled} of ${l.loginRequests} logins answered 429`;
}

/**
 * `run --from-merged`: the load ran elsewhere (k6-operator runners, say) and `gonogo merge` combined their outputs; the
 * merged result is judged exactly like a load run of this machine, so the report is one `compare` and `trend` take.
 */
function judgeMerged(
  ctx: Parameters<SuiteRunner>[0],
  merged: { path: string; result: LoadResult },
  started: number,
  redactor: Redactor,
): SuiteOutput {
  const r = merged.result;
  const shards = r.shards ?? 1;
  const details = {
    mergedFrom: merged.path,
    engine: r.engine,
    shards,
    requests: r.requests,
    durationS: r.durationS,
    profile: { vus: ctx.load.vus, duration: ctx.load.duration },
  };
  const check =
    r.requests === 0
      ? completedCheck(
          'error',
          `the merged result ${merged.path} holds no answered request: nothing was measured`,
          details,
          started,
          redactor,
        )
      : completedCheck(
          'pass',
          `judged from ${shards} merged shard${shards === 1 ? '' : 's'} (${merged.path}): ${r.requests} requests in ${r.durationS}s`,
          details,
          started,
          redactor,
        );
  ctx.progress({
    suite: 'load',
    kind: 'info',
    message: `not running a load: judging ${merged.path} (${shards} shards, ${r.requests} requests)`,
  });
  return {
    engine: r.engine,
    load: r,
    measurements: r.requests === 0 ? [] : measurementsFor(r, ctx.kpis.kpis),
    provenance: { mergedFrom: merged.path },
    checks: [check],
  };
}

/** The load suite: one engine run at the planned profile, its LoadResult, the KPI measurements and load.completed. */
export const runLoad: SuiteRunner = async (ctx) => {
  const started = Date.now();
  const redactor = new Redactor(ctx.secrets);
  if (ctx.load.merged) return judgeMerged(ctx, ctx.load.merged, started, redactor);
  const cfg = ctx.config.load;
  const { engine, version, reason } = await resolveEngine(ctx.load.engine, cfg.k6Path);
  const plan = buildPlan({
    baseUrl: ctx.config.target.baseUrl,
    load: cfg,
    vus: ctx.load.vus,
    duration: ctx.load.duration,
    kpis: ctx.kpis.kpis,
    outDir: ctx.outDir,
    caFile: ctx.config.target.caFile ?? ctx.reference?.caFile,
    shards: engine.name === 'k6' ? ctx.load.shards : 1,
    env: {},
  });
  plan.signal = ctx.signal;
  plan.onTick = (t) => ctx.progress(tickProgress(t, plan.durationS, plan.gracefulStopS));
  ctx.progress({
    suite: 'load',
    kind: 'info',
    message: `${engine.name} ${version} (${reason}): ${plan.vus} VUs for ${plan.duration} against ${plan.baseUrl}`,
  });
  if ((ctx.load.shards ?? 1) > 1 && engine.name !== 'k6')
    ctx.progress({
      suite: 'load',
      kind: 'warn',
      message: '--shards applies to k6 only; autocannon ran as one process',
    });

  const base = {
    engine: engine.name,
    version,
    why: reason,
    vus: plan.vus,
    duration: plan.duration,
    shards: plan.shards,
  };
  // One verified request first: autocannon never checks certificates, and a dead target should not cost a full run.
  const unreachable = await preflight(ctx.config.target.baseUrl, {
    caFile: plan.caFile,
    insecure: cfg.insecureTls,
    timeoutMs: ctx.config.target.timeoutMs,
  });
  if (unreachable) {
    return {
      engine: engine.name,
      measurements: [],
      provenance: engine.name === 'k6' ? { k6: version } : { autocannon: version },
      checks: [
        completedCheck(
          'error',
          `the load run did not start: ${unreachable}`,
          { ...base, requests: 0 },
          started,
          redactor,
        ),
      ],
    } satisfies SuiteOutput;
  }
  let prepared: PreparedAccounts;
  try {
    prepared = await prepareAccounts(ctx, cfg, plan.journeys, { ...process.env, ...plan.env });
  } catch (e) {
    return {
      engine: engine.name,
      measurements: [],
      provenance: engine.name === 'k6' ? { k6: version } : { autocannon: version },
      checks: [
        completedCheck(
          'error',
          `the load run did not start: the account pool could not be prepared: ${(e as Error).message}`,
          { ...base, requests: 0 },
          started,
          redactor,
        ),
      ],
    } satisfies SuiteOutput;
  }
  for (const a of prepared.accounts) redactor.add(a.password);
  for (const w of prepared.warnings) ctx.progress({ suite: 'load', kind: 'warn', message: redactor.text(w) });
  if (prepared.info) ctx.progress({ suite: 'load', kind: 'info', message: poolLine(prepared.info, plan.vus) });
  let logins: PreparedLogins;
  try {
    logins = await prepareLogins(ctx, cfg, plan, prepared.accounts);
  } catch (e) {
    return {
      engine: engine.name,
      measurements: [],
      provenance: engine.name === 'k6' ? { k6: version } : { autocannon: version },
      checks: [
        completedCheck(
          'error',
          `the load run did not start: ${(e as Error).message}`,
          { ...base, requests: 0, ...(prepared.info ? { accounts: prepared.info } : {}) },
          started,
          redactor,
        ),
      ],
    } satisfies SuiteOutput;
  }
  // The tokens the login phase took (other captures, such as ids, are not secrets and would blank figures out).
  for (const a of logins.accounts)
    for (const v of [plan.session && a.login?.vars[plan.session.tokenVar], a.login?.session.refresh])
      if (v) redactor.add(v);
  for (const w of logins.warnings) ctx.progress({ suite: 'load', kind: 'warn', message: redactor.text(w) });
  const pool = prepared.info && logins.info ? { ...prepared.info, logins: logins.info } : prepared.info;
  if (logins.info) ctx.progress({ suite: 'load', kind: 'info', message: loginsLine(logins.info) });
  plan.accounts = logins.accounts;
  let run: EngineRun;
  try {
    run = await engine.run(plan);
  } catch (e) {
    const err = e instanceof EngineError ? e : new EngineError((e as Error).message, {}, { cause: e });
    const partial: LoadResult | undefined =
      err.details.partial && pool ? { ...err.details.partial, accounts: pool } : err.details.partial;
    return {
      engine: engine.name,
      ...(partial ? { load: partial } : {}),
      measurements: [],
      provenance: engine.name === 'k6' ? { k6: version } : { autocannon: version },
      checks: [
        completedCheck(
          'error',
          `the ${engine.name} run did not complete: ${err.message}`,
          {
            ...base,
            exitCode: err.details.exitCode ?? null,
            stderr: err.details.stderr ?? null,
            requests: partial?.requests ?? 0,
          },
          started,
          redactor,
        ),
      ],
    } satisfies SuiteOutput;
  }
  const r: LoadResult = pool ? { ...run.result, accounts: pool } : run.result;
  const network = networkErrors(r);
  const answered = r.requests - network;
  const details = {
    ...base,
    ...(pool ? { accounts: pool } : {}),
    requests: r.requests,
    answered,
    networkErrors: network,
    durationS: r.durationS,
    thresholdsCrossed: run.thresholdsCrossed,
    warnings: run.warnings,
  };
  const check =
    answered <= 0
      ? completedCheck(
          'error',
          r.requests === 0
            ? 'the load run sent no request that was answered: nothing was measured'
            : `the load run sent ${r.requests} requests and none was answered (${network} network errors: refused, reset or timed out): nothing was measured`,
          details,
          started,
          redactor,
        )
      : completedCheck(
          'pass',
          `${engine.name} completed ${r.requests} requests in ${r.durationS}s at ${plan.vus} VUs${network ? ` (${answered} answered, ${network} network errors: see http.errors)` : ''}${run.thresholdsCrossed ? '; k6 reports KPI thresholds crossed (see the KPIs)' : ''}`,
          details,
          started,
          redactor,
        );
  return {
    engine: engine.name,
    load: r,
    measurements: r.requests === 0 ? [] : measurementsFor(r, ctx.kpis.kpis),
    provenance: engine.name === 'k6' ? { k6: version } : { autocannon: version },
    checks: [check],
  };
};
