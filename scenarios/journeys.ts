/**
 * The one k6 script gonogo runs against every target: it reads the plan gonogo wrote
 * (GONOGO_PLAN, a JSON file) and executes the configured journeys, one scenario per journey.
 */
import http from 'k6/http';
import { check, sleep } from 'k6';
import execution from 'k6/execution';
import type { Options, Scenario } from 'k6/options';
import {
  ACCOUNTS_ENV,
  accountFor,
  accountVars,
  allocateVus,
  buildRequest,
  captureVars,
  checkName,
  stepsFor,
  type PlanFile,
  type PoolAccount,
  type Vars,
} from './journey-core.ts';
import {
  afterRefresh,
  canRefresh,
  readSession,
  refreshRequest,
  renewDue,
  type Answer,
  type Session,
} from './session-core.ts';

const plan = JSON.parse(open(__ENV.GONOGO_PLAN ?? 'plan.json')) as PlanFile;
const allocation = allocateVus(plan.journeys, plan.vus);

const scenarios: Record<string, Scenario> = {};
plan.journeys.forEach((j, i) => {
  const vus = allocation[i] ?? 0;
  if (vus > 0) {
    scenarios[j.name] = {
      executor: 'constant-vus',
      vus,
      duration: plan.duration,
      gracefulStop: `${plan.gracefulStopS}s`,
      exec: 'journey',
    };
  }
});

export const options: Options = {
  scenarios,
  thresholds: plan.thresholds,
  insecureSkipTLSVerify: plan.insecureTls,
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

const env = (name: string): string | undefined => __ENV[name];
const pool = JSON.parse(__ENV[ACCOUNTS_ENV] ?? '[]') as PoolAccount[];
const spec = plan.session;
// Per-VU state: each VU has its own JS runtime, so module scope is the VU's memory.
let vars: Vars = {};
let firstIteration = true;
let session: Session | undefined;
let started = false;

function answer(res: http.RefinedResponse<http.ResponseType | undefined>): Answer {
  return {
    status: res.status,
    body: typeof res.body === 'string' ? res.body : null,
    header: (name) => {
      const k = Object.keys(res.headers).find((h) => h.toLowerCase() === name.toLowerCase());
      return k ? res.headers[k] : undefined;
    },
    cookie: (name) => res.cookies[name]?.[0]?.value,
  };
}

/** Renews the session through the refresh route; false when it failed (the VU then logs in again). */
function refresh(journeyName: string): boolean {
  const req = refreshRequest(spec!, session!, vars, env);
  const step = spec!.refreshStep!;
  const res = http.request(req.method, plan.baseUrl + req.path, req.body ?? null, {
    headers: req.headers,
    tags: { name: step.name, journey: journeyName },
    responseCallback: http.expectedStatuses(...step.expect),
    timeout: `${plan.requestTimeoutS}s`,
    responseType: 'text',
  });
  const renewed = afterRefresh(spec!, answer(res), vars, Date.now());
  check(res, { [checkName(step)]: () => renewed !== null }, { name: step.name });
  session = renewed ?? undefined;
  return renewed !== null;
}

export function journey(): void {
  const j = plan.journeys.find((x) => x.name === execution.scenario.name);
  if (!j) throw new Error(`no journey named ${execution.scenario.name} in the plan`);
  const account = accountFor(pool, execution.vu.idInTest);
  const logsIn = j.steps.some((s) => s.once);
  if (!started) {
    started = true;
    // Logged in by gonogo's login phase: start with the account's token and skip the `once` steps.
    if (logsIn && account?.login) {
      Object.assign(vars, account.login.vars);
      session = account.login.session;
      firstIteration = false;
    }
  }
  vars.vu = String(execution.vu.idInTest);
  vars.iter = String(execution.vu.iterationInScenario);
  Object.assign(vars, accountVars(account));
  if (logsIn && renewDue(session, spec, Date.now())) {
    if (!(canRefresh(spec, session) && refresh(j.name))) {
      session = undefined;
      firstIteration = true;
    }
  }
  for (const step of stepsFor(j, firstIteration)) {
    const req = buildRequest(step, vars, env);
    const wantsBody = Object.keys(step.capture).length > 0 || (step.login === true && spec !== undefined);
    const res = http.request(req.method, plan.baseUrl + req.path, req.body ?? null, {
      headers: req.headers,
      tags: { name: step.name, journey: j.name },
      responseCallback: http.expectedStatuses(...step.expect),
      timeout: `${plan.requestTimeoutS}s`,
      responseType: wantsBody ? 'text' : 'none',
    });
    const captured = wantsBody ? captureVars(step, typeof res.body === 'string' ? res.body : null, vars) : true;
    const ok = check(
      res,
      { [checkName(step)]: (r) => step.expect.includes(r.status) && captured },
      { name: step.name },
    );
    if (!ok) {
      // A failed step ends the iteration (later steps would only fail for the same reason); log in again next time.
      if (step.once) {
        firstIteration = true;
        vars = {};
        session = undefined;
      }
      if (plan.thinkTimeS > 0) sleep(plan.thinkTimeS);
      return;
    }
    if (step.login && spec) session = readSession(spec, answer(res), vars, Date.now()) ?? undefined;
    if (step.once) firstIteration = false;
  }
  firstIteration = false;
  if (plan.thinkTimeS > 0) sleep(plan.thinkTimeS);
}

export default journey;

/** The end-of-test summary goes to the file gonogo names (stdout carries the JSON metric stream). */
export function handleSummary(data: object): Record<string, string> {
  const file = __ENV.GONOGO_SUMMARY;
  return file ? { [file]: JSON.stringify(data) } : { stdout: `${JSON.stringify(data)}\n` };
}
