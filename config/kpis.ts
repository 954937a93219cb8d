import { createHash } from 'node:crypto';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import {
  parseThreshold,
  validateMetricThreshold,
  splitMetric,
  ThresholdError,
  type Threshold,
} from '../core/threshold.ts';
import { metricDef } from '../core/metrics.ts';
import { ConfigError, InputError, formatZodIssues } from '../core/errors.ts';
import { isMissingFile, readInputText } from '../core/read-input.ts';
import type { Area, SuiteName } from '../core/report-schema.ts';
import { AREA_SUITE, currentCheckId } from '../core/catalogue.ts';
import { LOAD_LIMITS, parseLoadDuration } from '../load/limits.ts';

const duration = z.string().refine((d) => {
  try {
    parseLoadDuration(d, 'duration');
    return true;
  } catch {
    return false;
  }
}, 'a k6 duration such as 30s, 5m or 1m30s, above 0 and at most 24h');
const vus = z.number().int().positive().max(LOAD_LIMITS.maxVus);
/** A calendar date that exists: 2026-12-99 or 2026-02-30 would otherwise compare as strings and apply. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'a date that exists on the calendar (YYYY-MM-DD)',
  );

const KpiBase = {
  id: z.string().min(1),
  description: z.string().min(1),
  /** Which documented criterion the KPI comes from: required, so every number can be traced. */
  source: z.string().min(1, 'every KPI names the document it comes from'),
  /** Baseline tolerance: "10%" (relative) or "+0.0005" (absolute); defaults depend on the metric. */
  tolerance: z
    .string()
    .regex(/^(\d+(\.\d+)?%|\+\d+(\.\d+)?)$/, 'a relative tolerance like "10%" or an absolute one like "+0.0005"')
    .optional(),
};

/** One KPI: either a metric with a k6 threshold, or a set of checks that must all pass. */
const KpiEntry = z
  .object({
    ...KpiBase,
    metric: z.string().min(1).optional(),
    threshold: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** Check ids or `area.*` patterns that must all pass. */
    // A renamed check's old id reads as its new one (core/catalogue.ts RENAMED_CHECKS).
    checks: z.array(z.string().min(1).transform(currentCheckId)).min(1).optional(),
  })
  .strict()
  .superRefine((k, ctx) => {
    if (k.checks && (k.metric || k.threshold))
      ctx.addIssue({ code: 'custom', message: 'a KPI has either metric + threshold or checks, not both' });
    else if (!k.checks && !(k.metric && k.threshold))
      ctx.addIssue({
        code: 'custom',
        message: 'a KPI needs metric + threshold (e.g. http_req_duration, p(95)<200) or a checks list',
      });
  });

const Waiver = z
  .object({
    check: z.string().transform(currentCheckId).optional(),
    kpi: z.string().optional(),
    reason: z.string().min(1),
    owner: z.string().min(1),
    expires: isoDate,
    /** A KPI waiver that also accepts the KPI going unmeasured (e.g. deps.critical under security.deps.none); a failing value is accepted either way. */
    notMeasured: z.boolean().optional(),
  })
  .strict()
  .refine((w) => Boolean(w.check) !== Boolean(w.kpi), 'a waiver names exactly one of check or kpi')
  .refine(
    (w) => !(w.notMeasured && w.check),
    'notMeasured belongs to a KPI waiver (kpi: ...); a check that could not run is an error and cannot be waived',
  );

export const KpiFileSchema = z
  .object({
    version: z.literal(1),
    profile: z
      .object({
        vus,
        duration,
        quick: z.object({ vus, duration }).strict(),
      })
      .strict(),
    /** Inputs of the checks that enforce documented numbers (limits, policies). */
    params: z
      .object({
        rateLimit: z
          .object({
            requests: z.number().int().positive(),
            windowS: z.number().positive(),
            tolerance: z.number().min(0).max(1),
          })
          .strict(),
        loginRateLimit: z
          .object({ requests: z.number().int().positive(), windowS: z.number().positive() })
          .strict()
          .optional(),
        lockout: z.object({ attempts: z.number().int().positive(), durationS: z.number().positive() }).strict(),
        passwordPolicy: z
          .object({
            minLength: z.number().int().positive(),
            upper: z.boolean(),
            lower: z.boolean(),
            digit: z.boolean(),
            special: z.boolean(),
          })
          .strict(),
        tokenLifetimeMaxS: z.number().positive(),
        certMinDays: z.number().nonnegative(),
        headersMinGrade: z.enum(['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F']),
      })
      .strict(),
    kpis: z.array(KpiEntry).min(1),
    waivers: z.array(Waiver).default([]),
  })
  .strict();

export type KpiFileInput = z.input<typeof KpiFileSchema>;
type KpiFileParsed = z.infer<typeof KpiFileSchema>;
export type Waiver = z.infer<typeof Waiver>;

export interface MetricKpiDef {
  kind: 'metric';
  id: string;
  description: string;
  source: string;
  tolerance?: string;
  metric: string;
  suite: SuiteName;
  thresholds: Threshold[];
}
export interface CheckKpiDef {
  kind: 'checks';
  id: string;
  description: string;
  source: string;
  tolerance?: string;
  checks: string[];
  suite: SuiteName;
}
export type KpiDef = MetricKpiDef | CheckKpiDef;

export interface KpiFile {
  path: string;
  sha256: string;
  profile: KpiFileParsed['profile'];
  params: KpiFileParsed['params'];
  kpis: KpiDef[];
  waivers: Waiver[];
  /** 1-based line of each KPI's entry, by id, so reports can point at it. */
  lines?: Record<string, number>;
}

/** Does a check id match a KPI's `area.*` pattern or exact id? */
export function matchesCheck(pattern: string, id: string): boolean {
  return pattern.endsWith('.*') ? id.startsWith(pattern.slice(0, -1)) : pattern === id;
}

function suiteOfPattern(pattern: string): SuiteName | undefined {
  return AREA_SUITE[pattern.split('.')[0] as Area];
}

/** Validates beyond the schema: thresholds parse, metrics exist, ids unique, patterns name real areas. */
export function resolveKpis(parsed: KpiFileParsed, path: string, sha256: string): KpiFile {
  const issues: string[] = [];
  const seen = new Set<string>();
  const kpis: KpiDef[] = [];
  parsed.kpis.forEach((k, i) => {
    const where = `kpis[${i}] (${k.id})`;
    if (seen.has(k.id)) issues.push(`${where}: the id "${k.id}" is used twice`);
    seen.add(k.id);
    if (k.metric && k.threshold) {
      const metric = k.metric;
      const exprs = Array.isArray(k.threshold) ? k.threshold : [k.threshold];
      try {
        const thresholds = exprs.map(parseThreshold);
        for (const t of thresholds) validateMetricThreshold(metric, t);
        const def = metricDef(splitMetric(metric).base)!;
        kpis.push({
          kind: 'metric',
          id: k.id,
          description: k.description,
          source: k.source,
          tolerance: k.tolerance,
          metric,
          suite: def.suite,
          thresholds,
        });
      } catch (e) {
        if (!(e instanceof ThresholdError)) throw e;
        issues.push(`${where}.threshold: ${e.message}`);
      }
    } else if (k.checks) {
      const checks = k.checks;
      const suites = new Set(checks.map(suiteOfPattern));
      if (suites.has(undefined)) {
        issues.push(
          `${where}.checks: ${checks.filter((c) => !suiteOfPattern(c)).join(', ')} names no known area (${Object.keys(AREA_SUITE).join(', ')})`,
        );
      } else if (suites.size > 1) {
        issues.push(`${where}.checks: one KPI covers checks of one suite; split it`);
      } else {
        kpis.push({
          kind: 'checks',
          id: k.id,
          description: k.description,
          source: k.source,
          tolerance: k.tolerance,
          checks,
          suite: [...suites][0]!,
        });
      }
    }
  });
  const waived = new Set<string>();
  parsed.waivers.forEach((w, i) => {
    const what = w.kpi !== undefined ? `kpi ${w.kpi}` : `check ${w.check}`;
    if (w.kpi !== undefined && !seen.has(w.kpi))
      issues.push(
        `waivers[${i}] (${what}): no KPI in this file has the id "${w.kpi}"; a waiver for nothing would be silently ignored`,
      );
    if (waived.has(what))
      issues.push(
        `waivers[${i}] (${what}): a second waiver for the same ${w.kpi !== undefined ? 'KPI' : 'check'}; keep one`,
      );
    waived.add(what);
  });
  if (issues.length) throw new ConfigError(path, issues);
  return { path, sha256, profile: parsed.profile, params: parsed.params, kpis, waivers: parsed.waivers };
}

/** The largest KPI file gonogo reads: the shipped one is a few KB; anything near this is not a KPI file. */
export const KPI_FILE_MAX_BYTES = 4 * 1024 * 1024;

export async function loadKpiFile(path: string): Promise<KpiFile> {
  let text: string;
  try {
    // Like every input: a FIFO or device is refused instead of waited on, the size is capped, UTF-16 is decoded.
    text = await readInputText(path, { what: 'KPI file', maxBytes: KPI_FILE_MAX_BYTES });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const hint = isMissingFile(e)
      ? ' Create one with `gonogo init` or pass --config to a config whose "kpis" points at it.'
      : '';
    throw new ConfigError(path, [`${e.message}.${hint}`], { cause: e });
  }
  return parseKpiText(text, path);
}

/** yaml's own default, stated: the KPI file is small and needs few aliases, if any. */
const MAX_ALIAS_COUNT = 100;

export function parseKpiText(text: string, path: string): KpiFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length) {
    throw new ConfigError(
      path,
      doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml throws a ReferenceError when aliases expand past the limit (a "billion laughs" file).
    throw new ConfigError(path, [
      `YAML: ${(e as Error).message} (aliases would expand past ${MAX_ALIAS_COUNT} nodes); a KPI file needs no aliases, write the values out`,
    ]);
  }
  const result = KpiFileSchema.safeParse(data);
  if (!result.success) throw new ConfigError(path, formatZodIssues(result.error, data));
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { ...resolveKpis(result.data, path, sha256), lines: kpiLines(doc, lineCounter) };
}

/** Where each `kpis[]` entry starts in the text (first line of its map). */
function kpiLines(doc: Document, lc: LineCounter): Record<string, number> {
  const seq = doc.get('kpis', true);
  const lines: Record<string, number> = {};
  if (!isSeq(seq)) return lines;
  for (const item of seq.items) {
    if (!isMap(item) || !item.range) continue;
    const id = item.get('id');
    if (typeof id === 'string' && !(id in lines)) lines[id] = lc.linePos(item.range[0]).line;
  }
  return lines;
}

/** A waiver is active on `today` (YYYY-MM-DD, UTC) up to and including its expiry date. */
export function waiverActive(w: Waiver, today: string): boolean {
  return today <= w.expires;
}
