/**
 * The journey model both load engines execute: the k6 scenario script imports it, and so does the
 * autocannon engine. Pure code only (no Node or k6 APIs) so it runs in either runtime.
 */

import type { Session, SessionSpec } from './session-core.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface PlanStep {
  name: string;
  method: Method;
  path: string;
  body?: unknown;
  form: boolean;
  headers: Record<string, string>;
  expect: number[];
  check?: string;
  capture: Record<string, string>;
  bearer?: string;
  once: boolean;
  /** Set by gonogo on the steps that hit the login route (smoke.login): their answer opens the VU's session. */
  login?: boolean;
}

export interface PlanJourney {
  name: string;
  weight: number;
  steps: PlanStep[];
}

/** What gonogo writes to plan.json for k6 (secrets stay out: templates read them from the environment). */
export interface PlanFile {
  version: 1;
  baseUrl: string;
  vus: number;
  duration: string;
  journeys: PlanJourney[];
  thinkTimeS: number;
  requestTimeoutS: number;
  gracefulStopS: number;
  insecureTls: boolean;
  /** k6 threshold expressions per metric, from the KPI file. */
  thresholds: Record<string, string[]>;
  /** How VUs read and renew their tokens; absent when the journeys do not log in. */
  session?: SessionSpec;
}

export type Vars = Record<string, string>;

/** One account of the load pool; reaches the engines through memory or the environment, never a file. */
export interface PoolAccount {
  email: string;
  password: string;
  /** Set by the login phase: what the account's `once` steps captured and its session; its VU skips those steps. */
  login?: { vars: Vars; session: Session };
}

/** Env var carrying the pool to k6 as JSON (k6's setup data would land in the end-of-test summary file). */
export const ACCOUNTS_ENV = 'GONOGO_ACCOUNTS';

/**
 * The pool account of a VU: VU i (1-based) uses account i-1 mod size. `i` is the VU's number in the whole test:
 * k6 numbers the VUs of an execution segment (a local shard, a k6-operator runner) as their place in the full run
 * (`exec.vu.idInTest`), and the autocannon engine numbers them across its worker threads, so the VUs of every shard
 * interleave over the pool and a pool at least as large as the VUs gives each its own account.
 */
export function accountFor(pool: readonly PoolAccount[], vu: number): PoolAccount | undefined {
  if (pool.length === 0) return undefined;
  return pool[(vu - 1) % pool.length];
}

/** The journey variables of an account: {{account.email}}, {{account.password}}. */
export function accountVars(a: PoolAccount | undefined): Vars {
  return a ? { 'account.email': a.email, 'account.password': a.password } : {};
}

/** Splits `vus` over the journeys by weight (largest remainder), so both engines run the same mix. */
export function allocateVus(journeys: readonly { weight: number }[], vus: number): number[] {
  const total = journeys.reduce((s, j) => s + j.weight, 0);
  const exact = journeys.map((j) => (vus * j.weight) / total);
  const out = exact.map(Math.floor);
  let left = vus - out.reduce((s, n) => s + n, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left -= 1;
  }
  return out;
}

/** The steps a virtual user runs in an iteration: `once` steps only the first time. */
export function stepsFor(journey: PlanJourney, firstIteration: boolean): PlanStep[] {
  if (firstIteration) return journey.steps;
  const repeat = journey.steps.filter((s) => !s.once);
  return repeat.length > 0 ? repeat : journey.steps;
}

function randomId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/** Fills {{var}}, {{env.NAME}}, {{vu}}, {{iter}}, {{uuid}} in a string; an unknown name stays visible as-is. */
export function renderString(s: string, vars: Vars, env: (name: string) => string | undefined): string {
  return s.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) => {
    if (name === 'uuid') return randomId();
    if (name.startsWith('env.')) return env(name.slice(4)) ?? whole;
    return vars[name] ?? whole;
  });
}

/** Deep template fill of a JSON body. */
export function render(value: unknown, vars: Vars, env: (name: string) => string | undefined): unknown {
  if (typeof value === 'string') {
    // A body value that is exactly one template keeps the variable's JSON type when it looks numeric.
    const whole = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/.exec(value);
    const out = renderString(value, vars, env);
    // Secrets and account fields stay strings even when they are all digits.
    return whole && /^-?\d+(\.\d+)?$/.test(out) && !/^(env|account)\./.test(whole[1]!) ? Number(out) : out;
  }
  if (Array.isArray(value)) return value.map((v) => render(v, vars, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, vars, env)]));
  }
  return value;
}

/** Dot path into parsed JSON (`access_token`, `data.items.0.id`); hand-written because it is three lines. */
export function pick(body: unknown, path: string): unknown {
  let cur: unknown = body;
  for (const key of path.split('.'))
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  return cur;
}

export interface BuiltRequest {
  method: Method;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** One step turned into a concrete request for this virtual user's variables. */
export function buildRequest(step: PlanStep, vars: Vars, env: (name: string) => string | undefined): BuiltRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.headers)) headers[k] = renderString(v, vars, env);
  if (step.bearer && vars[step.bearer]) headers.Authorization = `Bearer ${vars[step.bearer]}`;
  let body: string | undefined;
  if (step.body !== undefined) {
    const filled = render(step.body, vars, env);
    if (step.form && filled !== null && typeof filled === 'object') {
      body = Object.entries(filled)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    } else {
      body = typeof filled === 'string' ? filled : JSON.stringify(filled);
      headers['Content-Type'] ??= 'application/json';
    }
  }
  return { method: step.method, path: renderString(step.path, vars, env), headers, body };
}

/** Stores the captured variables of a response; returns false when one was missing (a failed check). */
export function captureVars(step: PlanStep, bodyText: string | null, vars: Vars): boolean {
  const entries = Object.entries(step.capture);
  if (entries.length === 0) return true;
  let parsed: unknown;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    return false;
  }
  let ok = true;
  for (const [name, path] of entries) {
    const v = pick(parsed, path);
    if (v === undefined || v === null || typeof v === 'object') ok = false;
    else vars[name] = String(v);
  }
  return ok;
}

export function checkName(step: PlanStep): string {
  return step.check ?? `${step.name} status is expected`;
}
