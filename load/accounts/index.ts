import { randomBytes } from 'node:crypto';
import type { SuiteContext } from '../../config/suite.ts';
import type { LoadAccounts as LoadAccountsInfo } from '../../core/report-schema.ts';
import type { PlanJourney, PoolAccount } from '../../scenarios/journey-core.ts';
import type { SigninPlan } from '../../core/signin/plan.ts';
import type { LoadConfig } from '../config.ts';
import { listedPool } from './pool.ts';

export interface PreparedAccounts {
  accounts: PoolAccount[];
  /** What the report says about whose credentials the VUs used; absent when the journeys never log in. */
  info?: LoadAccountsInfo;
  warnings: string[];
}

/** Journeys that take a credential from a response (a login) or send one. */
export function journeysAuthenticate(journeys: readonly PlanJourney[]): boolean {
  return journeys.some((j) => j.steps.some((s) => s.bearer !== undefined || Object.keys(s.capture).length > 0));
}

/**
 * The pool the VUs log in with: read from the environment (list, listEnv) or registered now (register),
 * through the load generator's address like the load itself. Throws when no account could be had.
 */
export async function prepareAccounts(
  ctx: SuiteContext,
  cfg: LoadConfig,
  journeys: readonly PlanJourney[],
  env: Record<string, string | undefined>,
): Promise<PreparedAccounts> {
  const a = cfg.accounts;
  if (!a)
    return {
      accounts: [],
      ...(journeysAuthenticate(journeys) ? { info: { source: 'journey', size: 1 } } : {}),
      warnings: [],
    };
  const listed = listedPool(a, env);
  if (listed)
    return { accounts: listed, info: { source: a.list ? 'list' : 'listEnv', size: listed.length }, warnings: [] };
  const reg = a.register!;
  const base = new URL(ctx.config.target.baseUrl);
  // Loaded on use: a run without a registered pool never loads the account client or a mailbox.
  const [{ LoadSender }, { registerPool }, { openMailbox }] = await Promise.all([
    import('./http.ts'),
    import('./register.ts'),
    import('../../core/mail/open.ts'),
  ]);
  // The same mailbox the smoke suite reads (smoke.mailbox), opened for the registrations only.
  const mailbox = await openMailbox(ctx.config.smoke.mailbox, ctx.configDir, (message) =>
    ctx.progress({ suite: 'load', kind: 'info', message }),
  );
  const allowedHosts = [base.host, ...ctx.config.target.allowedHosts];
  // The sign-in mapping is smoke's (smoke.login, .register, .verifyEmail), as the smoke suite signs in.
  const plan: SigninPlan = {
    baseUrl: ctx.config.target.baseUrl,
    config: ctx.config.smoke,
    mailbox: mailbox.spec,
    runTag: randomBytes(4).toString('hex'),
  };
  const api = new LoadSender({
    baseUrl: plan.baseUrl,
    allowedHosts,
    localAddress: cfg.sourceAddress,
    caFile: ctx.config.target.caFile ?? ctx.reference?.caFile,
    insecure: cfg.insecureTls,
    timeoutMs: ctx.config.target.timeoutMs,
  });
  const out = await registerPool(api, plan, {
    count: reg.count,
    concurrency: reg.concurrency,
    signal: ctx.signal,
  }).finally(() => mailbox.stop());
  if (out.accounts.length === 0)
    throw new Error(
      `no load account could be registered (${out.failures.length} attempts): ${out.failures[0] ?? 'unknown reason'}`,
    );
  const warnings = out.failures.length
    ? [
        `${out.failures.length} of ${reg.count} load accounts could not be registered (first: ${out.failures[0]}); the VUs share the ${out.accounts.length} that were`,
      ]
    : [];
  return {
    accounts: out.accounts,
    info: {
      source: 'register',
      size: out.accounts.length,
      ...(out.accounts.length < reg.count ? { requested: reg.count } : {}),
      setupMs: out.ms,
    },
    warnings,
  };
}
