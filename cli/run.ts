import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadKpiFile } from '../config/kpis.ts';
import { checkWaiverTargets } from '../config/waivers.ts';
import { Redactor } from '../core/redact.ts';
import { maskEvidenceEmails } from '../reports/emails.ts';
import { evaluateKpis, applyCheckWaivers } from '../reports/kpi-eval.ts';
import { decide } from '../reports/verdict.ts';
import { applyNotApplicable } from '../reports/skip.ts';
import type { CheckResult, Report, SuiteName, LoadResult } from '../core/report-schema.ts';
import { SCHEMA_VERSION } from '../core/report-schema.ts';
import { lockDownRunDir, writeReportFiles } from './write.ts';
import { makePlan, newRunId, type RunOptions } from './plan.ts';
import { checkWritableDir } from './out-dir.ts';
import { createProgress } from './progress.ts';
import { resolveTarget, type Target } from './target.ts';
import { SUITES } from './suites.ts';
import { prepareExtras } from './extras.ts';
import { BUILTIN_RULES, mergeRules } from '../config/checklist-rules.ts';
import { resolveEngine } from '../load/select.ts';
import { renderConsole } from '../reports/render/index.ts';
import type { Cli } from '../core/command.ts';
import type { Measurement, SuiteContext } from '../config/suite.ts';
import { VERSION } from './version.ts';
import { readShard } from '../load/merge.ts';

export interface RunOutcome {
  report: Report;
  outDir: string;
  exitCode: 0 | 1;
}

/**
 * The suite's own result, or an error once the run was stopped and the suite did not finish within the grace
 * (target.stopGraceS): engines and browsers stop on the signal within seconds, and a suite stuck past that must
 * not hold the report back.
 */
function withinGrace<T>(work: Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    onAbort = () => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`did not stop within ${graceMs / 1000}s of being told to (target.stopGraceS), and was abandoned`),
          ),
        graceMs,
      );
      timer.unref();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  work.catch(() => {}); // an abandoned suite's late failure has nobody left to hear it
  return Promise.race([work, abandoned]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}

/** A closed terminal (SIGHUP) stops a run the way Ctrl+C and a CI cancel do. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Stops the run on SIGINT/SIGTERM/SIGHUP or at the whole-run deadline; the report is still written, marked incomplete. */
function interruptions(onStop: (why: string) => void): { setDeadline(s: number): void; dispose(): void } {
  const onSignal = (sig: NodeJS.Signals) => onStop(`received ${sig}`);
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  let timer: NodeJS.Timeout | undefined;
  return {
    setDeadline(s) {
      timer = setTimeout(() => onStop(`the whole-run deadline of ${s}s (target.deadlineS) passed`), s * 1000);
      timer.unref();
    },
    dispose() {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
      clearTimeout(timer);
    },
  };
}

export async function runGonogo(opts: RunOptions, cli: Cli, env: NodeJS.ProcessEnv = process.env): Promise<RunOutcome> {
  const startedAt = new Date();
  // A terminal gets the live line; anything else gets plain lines through the CLI's error stream.
  const progress = createProgress(cli.isTTY ? (s) => process.stderr.write(s) : (s) => cli.err(s), cli.isTTY);
  const controller = new AbortController();
  let stopReason: string | null = null;
  const stops = interruptions((why) => {
    if (stopReason) return;
    stopReason = why;
    progress.event({ suite: 'run', kind: 'warn', message: `stopping: ${why}; writing the report so far` });
    controller.abort(new Error(why));
  });

  const runId = newRunId(startedAt);
  const outDir = resolve(opts.out ?? join('results', runId));
  let target: Target;
  let applyExtras;
  let merged: { path: string; result: LoadResult } | undefined;
  try {
    await checkWritableDir(outDir);
    applyExtras = await prepareExtras(opts);
    // Read before anything starts: a file that is not a load result is an input error (exit 2), not a crashed suite.
    merged = opts.fromMerged ? { path: opts.fromMerged, result: await readShard(opts.fromMerged) } : undefined;
    target = await resolveTarget(opts, env, (m) => progress.event({ suite: 'run', kind: 'info', message: m }));
    // A bad checklist rule is a config error now, not after the suites ran.
    if (opts.checklists.length)
      mergeRules(
        BUILTIN_RULES,
        target.config.checklist.rules,
        'checklist.rules',
        opts.reference ? undefined : opts.config,
      );
  } catch (e) {
    stops.dispose();
    throw e;
  }
  stops.setDeadline(target.config.target.deadlineS);
  try {
    // `--engine k6` without k6 is a usage error now, not after the other suites ran.
    if (opts.suites.includes('load') && opts.engine === 'k6' && !merged)
      await resolveEngine('k6', target.config.load.k6Path);
    const kpis = await loadKpiFile(target.kpiFile);
    checkWaiverTargets(kpis, { teamSpecs: Boolean(target.config.smoke.specsDir) });
    const plan = makePlan(opts, kpis, runId);
    // Owner-only: the suites' raw artifacts and the report are the team's, not every local user's.
    await mkdir(outDir, { recursive: true, mode: 0o700 });
    const redactor = new Redactor(target.secrets);

    const checks: CheckResult[] = [];
    const measurements: Measurement[] = [];
    const suiteErrors: Array<{ suite: SuiteName; message: string }> = [];
    const ran: SuiteName[] = [];
    const provenance: Record<string, unknown> = {};
    let load: LoadResult | undefined;
    let engine: string | null = null;

    for (const suite of plan.suites) {
      if (controller.signal.aborted) {
        suiteErrors.push({ suite, message: `not started: ${stopReason}` });
        continue;
      }
      progress.event({ suite, kind: 'info', message: 'starting' });
      const ctx: SuiteContext = {
        config: target.config,
        configDir: target.configDir,
        kpis,
        outDir: join(outDir, suite),
        reportDir: outDir,
        signal: controller.signal,
        progress: (e) => progress.event(e),
        ...(target.reference ? { reference: target.reference } : {}),
        load: merged ? { ...plan.load, merged } : plan.load,
        secrets: new Set(target.secrets),
      };
      try {
        await mkdir(ctx.outDir, { recursive: true, mode: 0o700 });
        const out = await withinGrace(SUITES[suite](ctx), controller.signal, target.config.target.stopGraceS * 1000);
        checks.push(...out.checks);
        measurements.push(...out.measurements);
        Object.assign(provenance, out.provenance ?? {});
        if (out.load) load = out.load;
        if (out.engine) engine = out.engine;
        if (controller.signal.aborted) suiteErrors.push({ suite, message: `cut short: ${stopReason}` });
        else ran.push(suite);
        const failed = out.checks.filter((c) => c.status === 'fail' || c.status === 'error').length;
        progress.event({
          suite,
          kind: 'info',
          message: `done: ${out.checks.length} checks, ${failed} failing or in error`,
        });
      } catch (e) {
        suiteErrors.push({ suite, message: (e as Error).message ?? String(e) });
        progress.event({ suite, kind: 'warn', message: `crashed: ${(e as Error).message}` });
      }
    }

    const today = new Date().toISOString().slice(0, 10);
    const waived = applyCheckWaivers(applyNotApplicable(checks, target.config.notApplicable), kpis.waivers, today);
    const kpiResults = evaluateKpis({
      kpis: kpis.kpis,
      measurements,
      checks: waived,
      ranSuites: ran,
      waivers: kpis.waivers,
      today,
      ...(kpis.lines ? { lines: kpis.lines } : {}),
    });
    const draft: Report = {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'gonogo', version: VERSION },
      run: {
        id: plan.runId,
        label: opts.label ?? null,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        target: { baseUrl: target.config.target.baseUrl },
        suites: plan.suites,
        engine: plan.suites.includes('load') ? engine : null,
        loadProfile: { vus: plan.load.vus, duration: plan.load.duration },
        provenance: {
          node: process.version,
          kpiFileSha256: kpis.sha256,
          platform: `${process.platform}-${process.arch}`,
          ...(target.configFile ? { configFile: target.configFile } : {}),
          kpiFile: kpis.path,
          workDir: process.cwd(),
          ...(target.reference ? { reference: { flaws: target.reference.flaws } } : {}),
          ...provenance,
        },
        ...(stopReason ? { interrupted: true } : {}),
      },
      verdict: { decision: 'NO-GO', complete: false, reasons: [] },
      kpis: kpiResults,
      checks: waived,
      ...(load ? { load } : {}),
    };
    const extra = await applyExtras(draft, kpis, target.config);
    const verdict = decide({
      checks: waived,
      kpis: kpiResults,
      selected: plan.suites,
      suiteErrors,
      interrupted: stopReason !== null,
      regressions: extra.regressions,
      waivers: kpis.waivers,
      today,
      notApplicable: target.config.notApplicable,
    });
    const redacted = redactor.value({ ...draft, ...extra.fields, verdict });
    const report = target.config.report.showEmails
      ? redacted
      : { ...redacted, checks: maskEvidenceEmails(redacted.checks) };
    progress.close();
    // The verdict is printed even when the report cannot be written; the write error then makes the exit 2.
    cli.out(renderConsole(report));
    await writeReportFiles(outDir, report, (m) => progress.event({ suite: 'run', kind: 'warn', message: m }));
    for (const m of await lockDownRunDir(outDir)) progress.event({ suite: 'run', kind: 'warn', message: m });
    cli.out(`Report: ${join(outDir, 'report.md')} (also report.json, junit.xml, report.html)`);
    if (opts.record || target.config.history.record) {
      // Loaded on use: the store's drivers are needed only when a run is recorded.
      const { recordRun } = await import('../history/record.ts');
      // history.file is relative to the config file; a --reference run has none and keeps it in the working folder.
      cli.out(
        await recordRun(
          report,
          target.config.history,
          {},
          env,
          opts.reference ? process.cwd() : dirname(resolve(opts.config)),
        ),
      );
    }
    return { report, outDir, exitCode: report.verdict.decision === 'GO' ? 0 : 1 };
  } finally {
    progress.close();
    stops.dispose();
    await target.stop();
  }
}
