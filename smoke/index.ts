import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import type { Measurement, SuiteContext, SuiteRunner } from '../config/suite.ts';
import { ConfigError } from '../core/errors.ts';
import { CATALOGUE, AREA_SUITE, areaOf } from '../core/catalogue.ts';
import { Redactor } from '../core/redact.ts';
import type { CheckResult } from '../core/report-schema.ts';
import { adaptReport } from './adapter.ts';
import { keepArtifacts, redactOutputDir } from './artifacts.ts';
import { PhaseProgress } from './phase-progress.ts';
import { PLAN_ENV, type SmokePlan } from './lib/plan.ts';
import { SECRET_VARS_ENV } from './lib/evidence.ts';
import { logSent } from './lib/history.ts';
import { writePlaywrightConfig, type Phase } from './playwright.ts';
import { openMailbox, type OpenMailbox } from '../core/mail/open.ts';
import { preflight } from '../core/preflight.ts';
import { describeBudget, smokeBudget } from './lib/budget.ts';

const PLAYWRIGHT_CLI = createRequire(import.meta.url).resolve('@playwright/test/cli');

/** Env var names of the secrets the mapping refers to. */
function secretVars(c: SmokeContextConfig): string[] {
  return [
    ...new Set([
      ...c.accounts.map((a) => a.passwordEnv),
      c.webhook.secretEnv,
      ...(c.jwtSecretEnv ? [c.jwtSecretEnv] : []),
    ]),
  ];
}
type SmokeContextConfig = SuiteContext['config']['smoke'];

function resolveSecrets(ctx: SuiteContext): Record<string, string> {
  const c = ctx.config.smoke;
  const source: Record<string, string | undefined> = { ...(ctx.env ?? process.env) };
  const env: Record<string, string> = {};
  for (const name of secretVars(c)) {
    const v = source[name];
    if (v) env[name] = v;
  }
  const wh = env[c.webhook.secretEnv];
  if (wh?.startsWith('sk_live_')) {
    throw new ConfigError('smoke.webhook.secretEnv', [
      `${c.webhook.secretEnv} holds a live Stripe key (sk_live_...): gonogo only signs test events and refuses live keys`,
    ]);
  }
  return env;
}

const SMOKE_IDS = Object.keys(CATALOGUE).filter((id) => AREA_SUITE[areaOf(id)] === 'smoke');

function errorCheck(id: string, message: string): CheckResult {
  const entry = CATALOGUE[id as keyof typeof CATALOGUE];
  return {
    id,
    suite: 'smoke',
    area: areaOf(id),
    title: entry.title,
    status: 'error',
    level: entry.level,
    evidence: { message },
    durationMs: 0,
  };
}

async function runPhase(
  ctx: SuiteContext,
  phase: Phase,
  env: Record<string, string>,
  timeoutMs: number,
  timeoutS: number,
): Promise<{ report?: unknown; problem?: string }> {
  ctx.progress({ suite: 'smoke', kind: 'info', message: `playwright: ${phase.name}` });
  const runner = execa(process.execPath, [PLAYWRIGHT_CLI, 'test', '--config', phase.configFile], {
    reject: false,
    timeout: timeoutMs,
    cancelSignal: ctx.signal,
    forceKillAfterDelay: 5000,
    env: { ...env, FORCE_COLOR: '0', PW_TEST_HTML_REPORT_OPEN: 'never' },
    extendEnv: true,
    all: true,
    cwd: ctx.outDir,
    // Its own process group: a runner stopped by an interrupt can exit before its test workers do, and
    // those must not outlive the run.
    detached: true,
    // The progress reporter streams test starts and ends over IPC; the JSON report comes only at the end.
    ipc: true,
    serialization: 'json',
  });
  const killGroup = () => {
    try {
      if (runner.pid) process.kill(-runner.pid, 'SIGKILL');
    } catch {
      /* the group is already empty: every worker exited with the runner */
    }
  };
  // gonogo may exit before the runner does (an interrupt whose wind-down outlasts target.stopGraceS): the group goes with it.
  process.once('exit', killGroup);
  const tracker = new PhaseProgress(phase.name, (e) => ctx.progress(e));
  runner.on('message', (m) => tracker.on(m));
  const child = await runner;
  killGroup();
  process.removeListener('exit', killGroup);
  await writeFile(join(ctx.outDir, `playwright-${phase.name}.log`), new Redactor(ctx.secrets).text(child.all ?? ''));
  let report: unknown;
  try {
    const text = await readFile(phase.reportFile, 'utf8');
    report = JSON.parse(text);
    // The raw report stays beside gonogo's for debugging; it is scrubbed like everything else written.
    await writeFile(phase.reportFile, new Redactor(ctx.secrets).text(text));
  } catch {
    /* no report: described below */
  }
  if (child.isCanceled) return { report, problem: 'the run was interrupted' };
  if (child.timedOut)
    return {
      report,
      problem: `the ${phase.name} phase was stopped after ${Math.round(timeoutMs / 1000)} s: the whole smoke suite must finish within smoke.timeoutS (${timeoutS} s); raise smoke.timeoutS`,
    };
  if (!report)
    return {
      problem: `Playwright exited ${child.exitCode ?? child.signal} without a report: ${(child.all ?? '').split('\n').filter(Boolean).slice(-3).join(' ')}`,
    };
  return { report };
}

/** The smoke suite: Playwright Test as a child process, its JSON report adapted into checks and measurements. */
export const runSmoke: SuiteRunner = async (ctx) => {
  const c = ctx.config.smoke;
  // The run gives each suite its own folder (<out>/smoke): the suite writes into it, never a folder of its own inside.
  const dir = ctx.outDir;
  await mkdir(dir, { recursive: true });
  const redactor = new Redactor(ctx.secrets);
  const secrets = resolveSecrets(ctx);
  for (const v of Object.values(secrets)) redactor.add(v);

  const stateDir = await mkdtemp(join(tmpdir(), 'gonogo-smoke-'));
  let mailbox: OpenMailbox | undefined;
  try {
    mailbox = await openMailbox(c.mailbox, ctx.configDir, (message) =>
      ctx.progress({ suite: 'smoke', kind: 'info', message }),
    );
    const base = new URL(ctx.config.target.baseUrl);
    // A local document becomes a file: URL; a path starting with / stays a path on the target.
    const resolveLocal = (p: string | undefined) =>
      p && !p.startsWith('/') && !p.startsWith('file:') ? pathToFileURL(resolve(ctx.configDir, p)).href : p;
    const config = {
      ...c,
      ...(c.openapi ? { openapi: resolveLocal(c.openapi) } : {}),
      ...(c.weakSecretsFile ? { weakSecretsFile: resolve(ctx.configDir, c.weakSecretsFile) } : {}),
    };
    const budget = smokeBudget(c, ctx.kpis.params);
    ctx.progress({ suite: 'smoke', kind: 'info', message: describeBudget(budget) });
    const plan: SmokePlan = {
      baseUrl: ctx.config.target.baseUrl,
      allowedHosts: [base.host, ...ctx.config.target.allowedHosts],
      timeoutMs: ctx.config.target.timeoutMs,
      config,
      params: ctx.kpis.params,
      mailbox: mailbox.spec,
      stateDir,
      runTag: randomBytes(4).toString('hex'),
      workers: c.workers,
      budget,
    };
    const planFile = join(dir, 'plan.json');
    // The plan holds env var names, never secret values; redacting it would mangle names such as "secretEnv".
    await writeFile(planFile, JSON.stringify(plan, null, 2), { mode: 0o600 });
    const caFile = ctx.config.target.caFile ? resolve(ctx.configDir, ctx.config.target.caFile) : undefined;
    const env = {
      ...secrets,
      [PLAN_ENV]: planFile,
      [SECRET_VARS_ENV]: Object.keys(secrets).join(','),
      ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
    };
    const teamSpecsDir = c.specsDir ? resolve(ctx.configDir, c.specsDir) : undefined;
    const testTimeoutMs = budget.checkTimeoutS * 1000;

    const checks = new Map<string, CheckResult>();
    const measurements = new Map<string, Measurement>();
    const problems: string[] = [];
    const deadline = Date.now() + budget.timeoutS * 1000;
    // One verified request first, as the load suite does: a target that cannot be reached at all (refused, reset,
    // no TLS, an untrusted certificate, no answer) fails every check the same way, so it should not cost a
    // Playwright run of every check waiting out its own timeouts. Any answer, whatever its status, lets the checks run.
    // It is an anonymous request like the checks' own, so it joins their history (the limit probes count it).
    const answered = (status: number, t: number) =>
      logSent(stateDir, { t, method: 'GET', path: base.pathname, status, credential: '', subject: '' });
    const unreachable = await preflight(ctx.config.target.baseUrl, {
      caFile: caFile ?? ctx.reference?.caFile,
      insecure: false,
      timeoutMs: ctx.config.target.timeoutMs,
      answered,
    });
    if (unreachable) problems.push(redactor.text(`the smoke checks did not start: ${unreachable}`));
    for (const name of unreachable ? [] : (['checks', 'limits'] as const)) {
      if (ctx.signal.aborted) {
        problems.push('the run was interrupted');
        break;
      }
      const limitsWorkers = c.ratelimit.api?.key === 'user' ? 2 : 1;
      const phase = await writePlaywrightConfig(dir, name, {
        workers: c.workers,
        testTimeoutMs,
        limitsWorkers,
        ...(teamSpecsDir ? { teamSpecsDir } : {}),
      });
      const { report, problem } = await runPhase(
        ctx,
        phase,
        env,
        Math.max(1000, deadline - Date.now()),
        budget.timeoutS,
      );
      if (problem) problems.push(redactor.text(problem));
      if (!report) continue;
      const adapted = adaptReport(report, redactor);
      const kept = await keepArtifacts(adapted.checks, { reportDir: ctx.reportDir ?? dirname(ctx.outDir), redactor });
      await redactOutputDir(phase.outputDir, redactor);
      for (const w of [...adapted.warnings, ...kept.warnings])
        ctx.progress({ suite: 'smoke', kind: 'warn', message: w });
      problems.push(...adapted.harnessErrors);
      for (const ch of kept.checks) {
        checks.set(ch.id, ch);
        ctx.progress({ suite: 'smoke', kind: 'check', message: `${ch.id} ${ch.status}` });
      }
      for (const m of adapted.measurements) measurements.set(m.metric, m);
    }
    // A built-in check that produced no result never counts as a pass.
    const why = problems.length ? problems.join('; ') : 'the check did not run';
    for (const id of SMOKE_IDS) if (!checks.has(id)) checks.set(id, errorCheck(id, redactor.text(why)));
    return {
      checks: [...checks.values()],
      measurements: [...measurements.values()],
      provenance: { playwright: createRequire(import.meta.url)('@playwright/test/package.json').version as string },
    };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
    await mailbox?.stop();
  }
};
