/**
 * One bounded run of each tool against a running reference platform: Schemathesis (`st run`) with every seeded account
 * in a Web Fuzzing Commons auth file (the two clients as peers for its object-level check), and gonogo's smoke suite
 * through the dialect's example config. Each returns what it found, the requests the platform answered and the seconds.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { answered, routesBetween, type Platform } from './platform.ts';

const GONOGO = fileURLToPath(new URL('../../dist/bin/gonogo.js', import.meta.url));

export interface ToolRun {
  /** What the tool reported failing: `check (operation)` for Schemathesis, a check id for gonogo. */
  failed: string[];
  /** gonogo only: checks that ended `error`. */
  errored?: string[];
  requests: number;
  throttled: number;
  serverErrors: number;
  /** `METHOD route status` -> count, as the platform answered them. */
  routes?: Record<string, number>;
  seconds: number;
  /** Why the run stopped early or produced nothing, when it did. */
  note?: string;
  /** Schemathesis only: the folder with its auth file, JSON report and console output (each failure's reproduction). */
  dir?: string;
}

/** Schemathesis failure codes (`st explain`) to the check that raises them. */
const CHECK_OF_CODE: Record<string, string> = {
  ST101: 'not_a_server_error',
  ST102: 'not_a_server_error',
  ST103: 'status_code_conformance',
  ST104: 'content_type_conformance',
  ST105: 'content_type_conformance',
  ST106: 'content_type_conformance',
  ST107: 'response_headers_conformance',
  ST108: 'response_schema_conformance',
  ST109: 'response_schema_conformance',
  ST110: 'response_schema_conformance',
  ST111: 'response_schema_conformance',
  ST201: 'negative_data_rejection',
  ST202: 'positive_data_acceptance',
  ST203: 'missing_required_header',
  ST204: 'unsupported_method',
  ST205: 'allow_header_conformance',
  ST301: 'use_after_free',
  ST302: 'ensure_resource_availability',
  ST401: 'ignored_auth',
  ST402: 'object_level_authorization',
};

interface StReport {
  failures: Array<{ code: string; title: string; operations: string[] }>;
  errors: Array<{ title?: string; message?: string }>;
  test_cases: { generated: number };
  stop_reason: string;
}

export interface StOptions {
  bin: string;
  maxExamples: number;
  seed: number;
  timeCapS: number;
  requestCap: number;
  /** Operations left out by path (the logout route: a fuzzer that calls it revokes its own credentials). */
  excludePaths: string[];
  /** Schemathesis' own pacing (`--rate-limit`, e.g. `25/s`), when the platform's limits would answer it 429. */
  rateLimit?: string;
}

export async function runSchemathesis(
  p: Platform,
  identities: Array<{ name: string; role: string; headers: Record<string, string> }>,
  o: StOptions,
): Promise<ToolRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-st-'));
  const auth = {
    auth: identities.map((i) => ({
      name: i.name,
      fixedHeaders: Object.entries(i.headers).map(([name, value]) => ({ name, value })),
    })),
  };
  writeFileSync(join(dir, 'auth.json'), JSON.stringify(auth, null, 2));
  const peers = identities.filter((i) => i.role === 'client').map((i) => i.name);
  writeFileSync(
    join(dir, 'schemathesis.toml'),
    `[auth.wfc]\npath = ${JSON.stringify(join(dir, 'auth.json'))}\npeers = ${JSON.stringify(peers)}\n`,
  );
  const reportFile = join(dir, 'report.json');
  const args = [
    '--config-file',
    join(dir, 'schemathesis.toml'),
    'run',
    p.info.openapiFile,
    '--url',
    p.info.baseUrl,
    '--tls-verify',
    p.info.caFile,
    '--max-examples',
    String(o.maxExamples),
    '--seed',
    String(o.seed),
    '--workers',
    '1',
    '--request-timeout',
    '10',
    '--max-redirects',
    '0',
    ...o.excludePaths.flatMap((path) => ['--exclude-path', path]),
    ...(o.rateLimit ? ['--rate-limit', o.rateLimit] : []),
    '--no-color',
    '--report',
    'json',
    '--report-json-path',
    reportFile,
  ];
  const before = await answered(p.info);
  const started = performance.now();
  const child = execa(o.bin, args, { reject: false, timeout: o.timeCapS * 1000, cwd: dir, all: true });
  let capped = false;
  let reads = 1;
  const watch = setInterval(() => {
    reads++;
    void answered(p.info)
      .then((now) => {
        if (now.total - before.total > o.requestCap) {
          capped = true;
          child.kill('SIGTERM');
        }
      })
      .catch(() => {});
  }, 2000);
  const result = await child;
  clearInterval(watch);
  writeFileSync(join(dir, 'st.out'), result.all ?? '');
  const seconds = (performance.now() - started) / 1000;
  const after = await answered(p.info);
  // The bench's own reads of /metrics (the first one, the watcher's) are counted too: none of them is Schemathesis'.
  const counts = {
    requests: after.total - before.total - reads,
    throttled: after.throttled - before.throttled,
    serverErrors: after.serverErrors - before.serverErrors,
    routes: routesBetween(before, after),
  };
  let report: StReport | undefined;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as StReport;
  } catch {
    report = undefined;
  }
  const failed = (report?.failures ?? []).flatMap((f) =>
    f.operations.map((op) => `${CHECK_OF_CODE[f.code] ?? f.code} (${op})`),
  );
  const note = capped
    ? `stopped at the request cap (${o.requestCap})`
    : result.timedOut
      ? `stopped at the time cap (${o.timeCapS} s)`
      : !report
        ? `no report (exit ${result.exitCode}): ${(result.all ?? '').trim().split('\n').slice(-3).join(' ')}`
        : report.errors.length
          ? `${report.errors.length} errors: ${report.errors.map((e) => e.title ?? e.message).join('; ')}`
          : undefined;
  return { failed: [...new Set(failed)].sort(), ...counts, seconds, dir, ...(note ? { note } : {}) };
}

interface GonogoReport {
  checks: Array<{ id: string; status: string }>;
  verdict?: unknown;
}

/** `gonogo run --config examples/<dialect>/gonogo.config.ts --suite smoke`, with the environment `--reference` sets. */
export async function runGonogo(p: Platform, configFile: string, timeCapS: number): Promise<ToolRun> {
  const out = mkdtempSync(join(tmpdir(), 'gonogo-bench-run-'));
  const before = await answered(p.info);
  const started = performance.now();
  const result = await execa(
    process.execPath,
    [GONOGO, 'run', '--config', configFile, '--suite', 'smoke', '--out', out],
    { reject: false, timeout: timeCapS * 1000, env: p.env, all: true },
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await answered(p.info);
  let report: GonogoReport | undefined;
  try {
    report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as GonogoReport;
  } catch {
    report = undefined;
  }
  const ids = (status: string) => (report?.checks ?? []).filter((c) => c.status === status).map((c) => c.id);
  const note = result.timedOut
    ? `stopped at the time cap (${timeCapS} s)`
    : !report
      ? `no report (exit ${result.exitCode}): ${(result.all ?? '').trim().split('\n').slice(-3).join(' ')}`
      : undefined;
  return {
    failed: ids('fail').sort(),
    errored: ids('error').sort(),
    // Less the bench's own first read of /metrics.
    requests: after.total - before.total - 1,
    throttled: after.throttled - before.throttled,
    serverErrors: after.serverErrors - before.serverErrors,
    routes: routesBetween(before, after),
    seconds,
    ...(note ? { note } : {}),
  };
}
