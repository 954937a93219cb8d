/**
 * The reference platform for the Schemathesis comparison: started as `gonogo reference --json` in a process of its
 * own (so its CPU is not the bench's), its request counter read from its /metrics, and its accounts signed in the
 * way the dialect's example config signs in.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { DEFAULT_KPI_FILE } from '../../core/files.ts';
import { exampleConfigFile, exampleEnv } from '../../reference-app/example-env.ts';
import type { ReferenceInfo } from '../../core/reference.ts';
import { login } from '../../core/signin/accounts.ts';
import { sessionRequest } from '../../smoke/lib/http.ts';
import type { Req, Res, SetCookie } from '../../core/signin/http.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';

const GONOGO = fileURLToPath(new URL('../../dist/bin/gonogo.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface Platform {
  info: Omit<ReferenceInfo, 'stop'>;
  mailApiUrl: string;
  /** The environment the dialect's example config reads to find this platform (as `gonogo run --reference` sets it). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** `gonogo reference --json --dialect D --flaws F`, resolved once it has printed where it listens. */
export async function startPlatform(dialect: string, flaws: string[], limitWindowS: number): Promise<Platform> {
  const args = [
    GONOGO,
    'reference',
    '--json',
    '--dialect',
    dialect,
    ...(flaws.length ? ['--flaws', flaws.join(',')] : []),
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, GONOGO_REFERENCE_LIMIT_WINDOW_S: String(limitWindowS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-2000)));
  try {
    const printed = await new Promise<Omit<ReferenceInfo, 'stop'> & { mailApiUrl: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the reference platform did not start within 60 s')),
        START_TIMEOUT_MS,
      );
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        try {
          resolve(JSON.parse(out));
          clearTimeout(timer);
        } catch {
          // Not the whole document yet.
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`gonogo reference exited before it started: ${err.trim()}`));
      });
    });
    const { mailApiUrl, ...info } = printed;
    const env = exampleEnv({ ...info, stop: async () => {} }, { mailApiUrl, kpiFile: DEFAULT_KPI_FILE });
    return { info, mailApiUrl, env, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** One HTTPS request to the platform, trusting only its own CA. */
function fetchRes(info: Platform['info'], req: Req): Promise<Res> {
  const url = new URL(req.path, info.baseUrl);
  const method = (req.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] = 'application/json';
  } else if (req.form !== undefined) {
    body = new URLSearchParams(Object.entries(req.form).map(([k, v]) => [k, String(v)])).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (req.body !== undefined) body = req.body;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const r = request(url, { method, headers, ca: readFileSync(info.caFile) }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => {
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const flat = Object.fromEntries(
          Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
        );
        resolve({
          method,
          url: url.href,
          status: res.statusCode ?? 0,
          headers: flat,
          setCookies: (res.headers['set-cookie'] ?? []).map(parseSetCookie),
          text,
          json,
          ms: performance.now() - started,
        });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

function parseSetCookie(line: string): SetCookie {
  const [pair = ''] = line.split(';');
  const eq = pair.indexOf('=');
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs: {} };
}

export interface Answered {
  total: number;
  throttled: number;
  serverErrors: number;
  /** `METHOD route status` -> count: which operations the tool got past validation, and which it never did. */
  byRoute: Record<string, number>;
}

/** Requests the platform answered on its HTTPS port so far (its http_requests_total), and how many of them were 429 and 5xx. */
export async function answered(info: Platform['info']): Promise<Answered> {
  const res = await fetchRes(info, { path: '/metrics' });
  const counts: Answered = { total: 0, throttled: 0, serverErrors: 0, byRoute: {} };
  for (const m of res.text.matchAll(/^http_requests_total\{([^}]*)\} (\d+)$/gm)) {
    const n = Number(m[2]);
    const label = (k: string) => new RegExp(`${k}="([^"]*)"`).exec(m[1]!)?.[1] ?? '';
    const status = label('status');
    counts.total += n;
    if (status === '429') counts.throttled += n;
    if (status.startsWith('5')) counts.serverErrors += n;
    counts.byRoute[`${label('method')} ${label('route')} ${status}`] = n;
  }
  return counts;
}

/** What was answered between two reads, by route and status. */
export function routesBetween(before: Answered, after: Answered): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after.byRoute)
      .map(([k, n]) => [k, n - (before.byRoute[k] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

/** The dialect's example config, loaded against this platform the way `gonogo run --reference` loads it. */
export async function exampleConfig(dialect: string, p: Platform): Promise<Config> {
  Object.assign(process.env, p.env);
  return (await loadConfigFile(exampleConfigFile(dialect), process.env, ['smoke'])).config;
}

/**
 * Signs each seeded account in through the config's smoke.login mapping (its CSRF dance included) and returns the
 * headers its state-changing requests carry: the credential, and for a cookie session its CSRF token and Origin.
 */
export async function signedInHeaders(
  config: Config,
  p: Platform,
): Promise<Array<{ name: string; role: string; headers: Record<string, string> }>> {
  const plan = { baseUrl: p.info.baseUrl, config: config.smoke, runTag: 'bench' } as SmokePlan;
  const sender = { send: (req: Req) => fetchRes(p.info, req) };
  const out: Array<{ name: string; role: string; headers: Record<string, string> }> = [];
  for (const [i, a] of p.info.accounts.entries()) {
    const { res, session } = await login(sender, plan, a.email, a.password);
    if (!session) throw new Error(`login as ${a.email} answered ${res.status}: ${res.text.slice(0, 200)}`);
    const { headers } = sessionRequest(plan, 'POST', { path: '/', session });
    out.push({ name: `${a.role}-${i + 1}`, role: a.role, headers });
  }
  return out;
}
