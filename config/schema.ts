import { z } from 'zod';
import { SmokeConfig } from '../smoke/config.ts';
import { SecurityConfig } from '../security/config.ts';
import { LoadConfig } from '../load/config.ts';
import { ChecklistRuleConfig } from './checklist-rules.ts';
import { currentCheckId } from '../core/catalogue.ts';
import { targetUrlProblem } from '../core/url.ts';
import { HistoryConfig } from './history.ts';

export const TargetConfig = z
  .object({
    /** May carry a path prefix (https://host/app/v1): every route is joined under it (core/url.ts). */
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'an absolute http(s) URL such as https://staging.example.com' })
      .superRefine((v, ctx) => {
        // A string that is no http(s) URL at all already has its issue from z.url.
        const problem = URL.canParse(v) && /^https?:/i.test(v) ? targetUrlProblem(v) : null;
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /** Hosts besides baseUrl's that traffic may go to (e.g. an API on another subdomain). Nothing else is ever contacted. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** PEM CA bundle to trust in addition to the system CAs (staging certificates). */
    caFile: z.string().optional(),
    /** Per-request timeout. */
    timeoutMs: z.number().int().positive().default(10_000),
    /** Whole-run deadline: a run that has not finished by then stops, marked incomplete. */
    deadlineS: z.number().int().positive().default(1800),
    /** Once a run is stopped (a signal, the deadline), how long a suite may take to wind down before it is abandoned. */
    stopGraceS: z.number().int().positive().max(600).default(20),
  })
  .strict();

/** What the written report may show. */
export const ReportConfig = z
  .object({
    /** Email addresses in the evidence are masked (c***@example.com) unless this is true. */
    showEmails: z.boolean().default(false),
  })
  .strict();

export const ConfigSchema = z
  .object({
    target: TargetConfig,
    /** Path of the KPI file, relative to the config file. */
    kpis: z.string().default('./kpis.yaml'),
    smoke: SmokeConfig.default(SmokeConfig.parse({})),
    security: SecurityConfig.default(SecurityConfig.parse({})),
    load: LoadConfig.default(LoadConfig.parse({})),
    /** Extra rules mapping checklist wording onto check and KPI ids; a rule with a built-in id replaces it. */
    checklist: z
      .object({ rules: z.array(ChecklistRuleConfig).default([]) })
      .strict()
      .default({ rules: [] }),
    report: ReportConfig.default({ showEmails: false }),
    /** The run store that `gonogo run --record`, `gonogo history` and `gonogo serve` use. */
    history: HistoryConfig.default(HistoryConfig.parse({})),
    /**
     * Checks that have nothing to check on this platform, by check id, each with the reason (an API-only platform has no
     * login page). Top level, beside the platform's description, since the ids span suites. A declared check that skips is
     * not-applicable and leaves the report complete; one that runs keeps its outcome, a failure included.
     */
    // A renamed check's old id reads as its new one (core/catalogue.ts RENAMED_CHECKS).
    notApplicable: z
      .record(z.string(), z.string().trim().min(1, 'say why the check does not apply to this platform'))
      .default({})
      .transform((r) => Object.fromEntries(Object.entries(r).map(([id, why]) => [currentCheckId(id), why]))),
  })
  .strict();

export type ConfigInput = z.input<typeof ConfigSchema>;
export type Config = z.infer<typeof ConfigSchema>;

/** Types the config file; the zod schema above is the single source of truth for checking it. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
