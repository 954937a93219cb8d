import { readFileSync } from 'node:fs';
import type { KpiFile } from '../../config/kpis.ts';
import type { SmokeConfig } from '../config.ts';
import type { MailboxSpec } from '../../core/mail/mailbox.ts';
import type { SmokeBudget } from './budget.ts';

/** What runSmoke hands the Playwright child: the route mapping, the KPI numbers, where to put state. Secrets travel as env vars. */
export interface SmokePlan {
  baseUrl: string;
  /** Hosts the suite may contact (baseUrl's host plus target.allowedHosts). */
  allowedHosts: string[];
  timeoutMs: number;
  config: SmokeConfig;
  params: KpiFile['params'];
  /** Where verification mail is read (the sink's API, Mailpit, MailHog, a Maildir or a folder of mail files). */
  mailbox: MailboxSpec;
  /** Private directory for sessions and accounts shared between Playwright workers (deleted after the run). */
  stateDir: string;
  /** Unique per run: makes the addresses the suite registers unique. */
  runTag: string;
  /** Workers of the phase-one run; pacing divides the documented limit between them. */
  workers: number;
  /** The time limits, derived from the rate-limit models where the config sets none (budget.ts). */
  budget: SmokeBudget;
}

export const PLAN_ENV = 'GONOGO_SMOKE_PLAN';

let cached: SmokePlan | undefined;

export function loadPlan(): SmokePlan {
  if (cached) return cached;
  const file = process.env[PLAN_ENV];
  if (!file) throw new Error(`${PLAN_ENV} is not set: the smoke specs run through gonogo, which writes the plan`);
  cached = JSON.parse(readFileSync(file, 'utf8')) as SmokePlan;
  return cached;
}

/** A secret named by an env var; missing ones are a harness problem, reported as an error, not a failure. */
export function secretFromEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set (the config names it for a secret)`);
  return v;
}
