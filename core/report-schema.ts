import { z } from 'zod';

/** Bumped only on a breaking change; readers keep accepting every older version they know. */
export const SCHEMA_VERSION = 1 as const;

export const suiteNames = ['smoke', 'security', 'load'] as const;
export const SuiteName = z.enum(suiteNames);
export type SuiteName = z.infer<typeof SuiteName>;

export const areas = [
  'auth',
  'escrow',
  'email',
  'ratelimit',
  'health',
  'config',
  'cors',
  'browser',
  'csrf',
  'input',
  'headers',
  'tls',
  'deps',
  'load',
] as const;
export const Area = z.enum(areas);
export type Area = z.infer<typeof Area>;

export const CheckStatus = z.enum(['pass', 'fail', 'warn', 'skip', 'error']);
export type CheckStatus = z.infer<typeof CheckStatus>;
export const CheckLevel = z.enum(['blocker', 'warn']);
export type CheckLevel = z.infer<typeof CheckLevel>;

/**
 * Why a check was skipped. `not-applicable`: the platform has nothing for it to check (declared in the config's
 * `notApplicable`, or observed by the check itself); `not-configured`: the config lacks what it needs;
 * `could-not-run`: something on the machine or in the run was missing. Only not-applicable can leave a report complete.
 */
export const SkipKind = z.enum(['not-applicable', 'not-configured', 'could-not-run']);
export type SkipKind = z.infer<typeof SkipKind>;
export const SkipInfo = z
  .object({
    kind: SkipKind,
    reason: z.string(),
    /** not-applicable only: `declared` in the config's notApplicable, or `detected` by the check from the platform's answers. */
    source: z.enum(['declared', 'detected']).optional(),
  })
  .strict();
export type SkipInfo = z.infer<typeof SkipInfo>;

/** `<area>.<name>`: stable forever once released, because compare and trend match on it. */
export const CheckId = z
  .string()
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:[-.][a-z0-9]+)*$/,
    'check ids look like area.name (lowercase, dashes)',
  );

export const Evidence = z
  .object({
    /** One or more requests that back the result; bodies are short, redacted excerpts. */
    requests: z
      .array(
        z.object({
          method: z.string(),
          url: z.string(),
          status: z.number().int().nullable(),
          excerpt: z.string().optional(),
          /** `control`: a prerequisite that must hold for the check to prove anything; `probe`: the request the check judges. */
          role: z.enum(['control', 'probe']).optional(),
        }),
      )
      .optional(),
    expected: z.string().optional(),
    actual: z.string().optional(),
    message: z.string().optional(),
    /** Free-form, already-redacted details (header values, cipher lists, advisory ids...). */
    details: z.record(z.string(), z.unknown()).optional(),
    /** Files a failed check left (a browser check's screenshot and Playwright trace), paths relative to the report. */
    artifacts: z
      .array(
        z
          .object({
            kind: z.enum(['screenshot', 'trace']),
            path: z.string(),
            contentType: z.string(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();
export type Evidence = z.infer<typeof Evidence>;

export const CheckResult = z
  .object({
    id: CheckId,
    suite: SuiteName,
    area: Area,
    title: z.string(),
    status: CheckStatus,
    level: CheckLevel,
    evidence: Evidence,
    durationMs: z.number().nonnegative(),
    /** Set when a waiver turned a failure into an accepted one. */
    waiver: z.object({ reason: z.string(), owner: z.string(), expires: z.string() }).optional(),
    /** Present on every `skip` written since skips carry a kind; a skip without it (an older report) reads as could-not-run. */
    skip: SkipInfo.optional(),
  })
  .strict()
  .refine((c) => !c.skip || c.status === 'skip', {
    message: 'skip (its kind and reason) belongs to a skipped check only',
    path: ['skip'],
  });
export type CheckResult = z.infer<typeof CheckResult>;

export const KpiStatus = z.enum(['pass', 'fail', 'not-measured', 'waived']);
export type KpiStatus = z.infer<typeof KpiStatus>;

export const KpiResult = z
  .object({
    id: z.string(),
    description: z.string(),
    /** The k6-style expression(s), e.g. `http_req_duration: p(95)<200`. */
    threshold: z.string(),
    /** The measured aggregate(s) the threshold was judged on, null when nothing could be measured. */
    measured: z.number().nullable(),
    status: KpiStatus,
    source: z.string(),
    metric: z.string().optional(),
    suite: SuiteName.optional(),
    note: z.string().optional(),
    /** Line of the KPI's entry in the KPI file, so CI annotations can point at it. */
    line: z.number().int().positive().optional(),
  })
  .strict();
export type KpiResult = z.infer<typeof KpiResult>;

const LatencyMs = z
  .object({
    mean: z.number(),
    p50: z.number(),
    p90: z.number(),
    p95: z.number(),
    p99: z.number(),
    max: z.number(),
  })
  .strict();

const Count = z.number().int().nonnegative();

/** Responses by status class; `network`: no valid HTTP response (connection refused or reset, timeout). */
export const StatusClasses = z
  .object({ '1xx': Count, '2xx': Count, '3xx': Count, '4xx': Count, '5xx': Count, network: Count })
  .strict();
export type StatusClasses = z.infer<typeof StatusClasses>;

export const EndpointStats = z
  .object({
    name: z.string(),
    method: z.string(),
    requests: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    latencyMs: LatencyMs,
    /** Base64 HDR histogram of this endpoint (microseconds), so shard results merge exactly per endpoint too. */
    histogram: z.string().optional(),
    /** Sums to `requests`. Optional: reports written before the breakdown existed have none. */
    statusClasses: StatusClasses.optional(),
    /** Every status code answered, most frequent first (all of them, so shards merge exactly; renderers show the top 5). */
    statusCodes: z.array(z.object({ status: z.number().int().min(100).max(599), count: Count }).strict()).optional(),
  })
  .strict();
export type EndpointStats = z.infer<typeof EndpointStats>;

/** The login phase before the load (load.logins.mode setup): the pool's logins, paced by the declared login model. */
export const LoadLogins = z
  .object({
    mode: z.literal('setup'),
    /** Accounts whose `once` steps succeeded (their VUs started with a token). */
    loggedIn: z.number().int().nonnegative(),
    /** How long the phase took, first login to last answer. */
    ms: z.number().nonnegative(),
    /** Requests sent to the login route, and how many the platform answered 429 (each waited out and retried). */
    loginRequests: z.number().int().nonnegative(),
    throttled: z.number().int().nonnegative(),
    /** The model the logins were paced by, e.g. "sliding 30/60s keyed by address". */
    model: z.string(),
    /** load.logins.maxS in force. */
    maxS: z.number().positive(),
  })
  .strict();
export type LoadLogins = z.infer<typeof LoadLogins>;

/** Whose credentials the virtual users ran with: a pool from load.accounts, or the one account written in the journeys. */
export const LoadAccounts = z
  .object({
    source: z.enum(['journey', 'list', 'listEnv', 'register']),
    /** Distinct accounts the VUs used (VU i used account i mod size). */
    size: z.number().int().positive(),
    /** Accounts asked for (load.accounts.register.count) when fewer could be registered. */
    requested: z.number().int().positive().optional(),
    /** How long gonogo spent registering and verifying the pool before the load started. */
    setupMs: z.number().nonnegative().optional(),
    logins: LoadLogins.optional(),
  })
  .strict();
export type LoadAccounts = z.infer<typeof LoadAccounts>;

export const TimelinePoint = z
  .object({
    /** Seconds since the load started. */
    t: z.number().int().nonnegative(),
    rps: z.number().nonnegative(),
    p95: z.number().nonnegative(),
    errors: z.number().int().nonnegative(),
  })
  .strict();

export const LoadResult = z
  .object({
    engine: z.string(),
    vus: z.number().int().positive(),
    durationS: z.number().nonnegative(),
    requests: z.number().int().nonnegative(),
    rps: z.number().nonnegative(),
    errorRate: z.number().min(0).max(1),
    errors: z.number().int().nonnegative(),
    latencyMs: LatencyMs,
    /** Base64 of an HDR histogram (hdr-histogram-js encodeIntoCompressedBase64), values in microseconds. */
    histogram: z.string(),
    endpoints: z.array(EndpointStats),
    timeline: z.array(TimelinePoint),
    checks: z
      .object({ passes: z.number().int().nonnegative(), fails: z.number().int().nonnegative() })
      .strict()
      .optional(),
    availability: z
      .object({
        polls: z.number().int().nonnegative(),
        ok: z.number().int().nonnegative(),
        url: z.string(),
        /** Why the polls that did not hold failed: a non-2xx status, no answer within the timeout, a network error. */
        failed: z
          .object({
            status: z.number().int().nonnegative(),
            timeout: z.number().int().nonnegative(),
            network: z.number().int().nonnegative(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    shards: z.number().int().positive().optional(),
    /** Journey iterations completed (k6 `iterations`). */
    iterations: z.number().int().nonnegative().optional(),
    /** Present when the journeys log in: how many accounts the VUs shared. */
    accounts: LoadAccounts.optional(),
  })
  .strict();
export type LoadResult = z.infer<typeof LoadResult>;

export const ClaimStatus = z.enum(['confirmed', 'contradicted', 'unverified', 'open']);
/**
 * What the evidence says, whether or not the document ticks the claim: `holds` and `fails` are decisive;
 * `inconclusive` when the matching checks errored, were skipped or did not measure the stated number;
 * `none` when nothing in the report measures it.
 */
export const EvidenceVerdict = z.enum(['holds', 'fails', 'inconclusive', 'none']);
/**
 * A claim's finding, the status refined by what the evidence says: an open (unticked) item is
 * `done-not-ticked` when its evidence holds and `open-failing` when it fails.
 */
export const ClaimFinding = z.enum([
  'claimed-failing',
  'open-failing',
  'unverified',
  'confirmed',
  'done-not-ticked',
  'open',
]);
export const ChecklistResult = z
  .object({
    file: z.string(),
    claims: z.array(
      z
        .object({
          text: z.string(),
          line: z.number().int().positive(),
          claimed: z.boolean(),
          status: ClaimStatus,
          evidence: z.array(z.string()),
          section: z.string().optional(),
          note: z.string().optional(),
          evidenceVerdict: EvidenceVerdict.optional(),
          finding: ClaimFinding.optional(),
          /** Ids of the checklist rules that map the claim onto checks and KPIs (empty: no rule covers it). */
          rules: z.array(z.string()).optional(),
        })
        .strict(),
    ),
    /** How many claims the report has evidence for. */
    coverage: z
      .object({
        claims: z.number().int().nonnegative(),
        /** Claims a matching rule maps onto checks or KPIs (whether or not this run produced them). */
        matched: z.number().int().nonnegative(),
        /** Claims whose evidence in this report is decisive (holds or fails). */
        withEvidence: z.number().int().nonnegative(),
        /** withEvidence / claims, 0..1 (0 for a document without claims). */
        share: z.number().min(0).max(1),
        byFinding: z.record(ClaimFinding, z.number().int().nonnegative()),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ChecklistResult = z.infer<typeof ChecklistResult>;

export const Verdict = z
  .object({
    decision: z.enum(['GO', 'NO-GO']),
    complete: z.boolean(),
    reasons: z.array(z.string()),
  })
  .strict();
export type Verdict = z.infer<typeof Verdict>;

export const Report = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    tool: z.object({ name: z.literal('gonogo'), version: z.string() }).strict(),
    run: z
      .object({
        id: z.string(),
        label: z.string().nullable(),
        startedAt: z.string(),
        finishedAt: z.string(),
        target: z.object({ baseUrl: z.string() }).strict(),
        suites: z.array(SuiteName),
        engine: z.string().nullable(),
        loadProfile: z.object({ vus: z.number().int().positive(), duration: z.string() }).strict(),
        provenance: z
          .object({
            node: z.string(),
            k6: z.string().optional(),
            kpiFileSha256: z.string(),
            configFile: z.string().optional(),
            kpiFile: z.string().optional(),
            /** Directory the run started in: file paths in the report are shown relative to it. */
            workDir: z.string().optional(),
            platform: z.string().optional(),
            reference: z
              .object({ flaws: z.array(z.string()) })
              .strict()
              .optional(),
            /** Where dependency advisories came from and how fresh they were. */
            advisories: z.object({ source: z.string(), date: z.string().nullable() }).strict().optional(),
          })
          .passthrough(),
        /** Suites that were selected but did not finish (crash, interrupt). */
        interrupted: z.boolean().optional(),
      })
      .strict(),
    verdict: Verdict,
    kpis: z.array(KpiResult),
    checks: z.array(CheckResult),
    load: LoadResult.optional(),
    checklist: z.array(ChecklistResult).optional(),
    /** The --baseline comparison that fed the verdict. */
    baseline: z
      .object({
        file: z.string().optional(),
        runId: z.string(),
        label: z.string().nullable(),
        comparable: z.boolean(),
        warnings: z.array(z.string()),
        regressions: z.array(z.string()),
        /** The KPIs among `regressions`, with the baseline figure, for renderers that mark each KPI. */
        kpiRegressions: z
          .array(
            z
              .object({
                id: z.string(),
                baseline: z.number().nullable(),
                measured: z.number().nullable(),
                tolerance: z.string().nullable(),
                note: z.string().optional(),
              })
              .strict(),
          )
          .optional(),
        drift: z.array(z.string()),
        newlyFailing: z.array(z.string()),
        fixed: z.array(z.string()),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Report = z.infer<typeof Report>;
