import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/schema.ts';
import type { KpiFile } from '../../config/kpis.ts';
import { loadKpiFile } from '../../config/kpis.ts';
import { openMailbox } from '../../core/mail/open.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { workerRedactor } from '../../smoke/lib/evidence.ts';
import { smokeBudget } from '../../smoke/lib/budget.ts';
import { resolveTarget } from '../target.ts';
import type { RunOptions } from '../plan.ts';
import { walk, type DoctorResult } from './walk.ts';

export interface DoctorOptions {
  config: string;
  reference: boolean;
  dialect?: string;
}

/** The smoke plan the mapping functions read, built the way the smoke suite builds it (smoke/index.ts). */
export function doctorPlan(
  config: Config,
  configDir: string,
  params: KpiFile['params'],
  mailbox: SmokePlan['mailbox'],
  stateDir: string,
): SmokePlan {
  const c = config.smoke;
  const base = new URL(config.target.baseUrl);
  // A local document becomes a file: URL; a path starting with / stays a path on the target.
  const openapi =
    c.openapi && !c.openapi.startsWith('/') && !c.openapi.startsWith('file:')
      ? pathToFileURL(resolve(configDir, c.openapi)).href
      : c.openapi;
  return {
    baseUrl: config.target.baseUrl,
    allowedHosts: [base.host, ...config.target.allowedHosts],
    timeoutMs: config.target.timeoutMs,
    config: { ...c, ...(openapi ? { openapi } : {}) },
    params,
    mailbox,
    stateDir,
    runTag: randomBytes(4).toString('hex'),
    workers: 1,
    budget: smokeBudget(c, params),
  };
}

/** Walks a loaded config once against its target: the mailbox opened, the secrets known to the redactor, the state folder removed after. */
export async function doctorConfig(
  config: Config,
  configDir: string,
  params: KpiFile['params'],
  o: { caFile?: string; secrets: string[]; info?: (m: string) => void },
): Promise<DoctorResult> {
  for (const s of o.secrets) workerRedactor().add(s);
  const stateDir = await mkdtemp(join(tmpdir(), 'gonogo-doctor-'));
  const mailbox = await openMailbox(config.smoke.mailbox, configDir, o.info ?? (() => {}));
  try {
    const plan = doctorPlan(config, configDir, params, mailbox.spec, stateDir);
    return await walk(plan, { ...(o.caFile ? { caFile: o.caFile } : {}), secretEnv: config.smoke.webhook.secretEnv });
  } finally {
    await mailbox.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** `gonogo doctor`: the config loaded as `gonogo run` loads it (same errors, exit 2), then walked once. */
export async function runDoctor(
  opts: DoctorOptions,
  info: (m: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ result: DoctorResult; target: string }> {
  const runOpts: RunOptions = {
    config: opts.config,
    reference: opts.reference,
    flaws: [],
    ...(opts.dialect ? { dialect: opts.dialect } : {}),
    suites: ['smoke'],
    engine: 'auto',
    quick: false,
    checklists: [],
  };
  const target = await resolveTarget(runOpts, env, info);
  try {
    const kpis = await loadKpiFile(target.kpiFile);
    const caFile = target.config.target.caFile ?? target.reference?.caFile;
    const result = await doctorConfig(target.config, target.configDir, kpis.params, {
      ...(caFile ? { caFile } : {}),
      secrets: target.secrets,
      info,
    });
    return { result, target: `${target.configFile ?? opts.config} against ${target.config.target.baseUrl}` };
  } finally {
    await target.stop();
  }
}
