import { z } from 'zod';
import type { CheckResult, CheckStatus, Evidence, SkipInfo } from '../core/report-schema.ts';
import { Area, CheckId, SkipKind } from '../core/report-schema.ts';
import { catalogueEntry } from '../core/catalogue.ts';
import type { Redactor } from '../core/redact.ts';
import type { Measurement } from '../config/suite.ts';
import { EVIDENCE_ATTACHMENT, MEASUREMENT_ATTACHMENT } from './lib/evidence.ts';
import { ERROR_MARK, FAIL_MARK, SKIP_KIND_ANNOTATION, WARN_MARK } from './lib/markers.ts';

/** The parts of Playwright's JSON report gonogo reads (loose: Playwright adds fields between versions). */
const Annotation = z.looseObject({ type: z.string(), description: z.string().optional() });
const Attachment = z.looseObject({
  name: z.string(),
  contentType: z.string().optional(),
  body: z.string().optional(),
  path: z.string().optional(),
});
const TestError = z.looseObject({ message: z.string().optional(), value: z.string().optional() });
const Result = z.looseObject({
  status: z.enum(['passed', 'failed', 'timedOut', 'skipped', 'interrupted']),
  duration: z.number(),
  errors: z.array(TestError).default([]),
  error: TestError.optional(),
  attachments: z.array(Attachment).default([]),
  annotations: z.array(Annotation).default([]),
});
const Test = z.looseObject({
  annotations: z.array(Annotation).default([]),
  projectName: z.string().optional(),
  results: z.array(Result).default([]),
});
const Spec = z.looseObject({ title: z.string(), file: z.string().optional(), tests: z.array(Test).default([]) });
interface SuiteT {
  title: string;
  specs: z.infer<typeof Spec>[];
  suites?: SuiteT[];
}
const Suite: z.ZodType<SuiteT> = z.lazy(() =>
  z.looseObject({ title: z.string(), specs: z.array(Spec).default([]), suites: z.array(Suite).optional() }),
) as z.ZodType<SuiteT>;
export const PlaywrightJsonReport = z.looseObject({
  suites: z.array(Suite).default([]),
  errors: z.array(TestError).default([]),
});
export type PlaywrightJsonReport = z.infer<typeof PlaywrightJsonReport>;

export interface Adapted {
  checks: CheckResult[];
  measurements: Measurement[];
  warnings: string[];
  harnessErrors: string[];
}

export const ID_IN_TITLE = /\[([a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:[-.][a-z0-9]+)*)\]/;
const MeasurementBody = z.object({
  metric: z.string(),
  values: z.record(z.string(), z.number()),
  samples: z.number().optional(),
  note: z.string().optional(),
});
// biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI colour sequence starts with ESC
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
const SEVERITY: Record<CheckStatus, number> = { skip: 0, pass: 1, warn: 2, fail: 3, error: 4 };

function* walk(suites: SuiteT[]): Generator<z.infer<typeof Spec>> {
  for (const s of suites) {
    yield* s.specs;
    if (s.suites) yield* walk(s.suites);
  }
}

/** What a check that ran out of time says: the setting that gives it more. */
export function checkTimedOut(ms: number): string {
  return `timed out after ${Math.round(ms / 1000)} s, the per-check time limit: raise smoke.checkTimeoutS (default smoke.ratelimit.maxWaitS + 60 s, where maxWaitS defaults to the longest limit window + 5 s; twice that in the limits phase when two probes take turns)`;
}

/** Playwright's own time limits, by the object that ran out of time, and the setting gonogo gives each from. */
const CALL_TIMEOUTS: Array<[RegExp, string]> = [
  [/\b(apiRequestContext\.\w+): Timeout (\d+)ms exceeded\.?/, 'target.timeoutMs'],
  [
    /\b((?:page|frame|locator|elementHandle|browserContext|browserType)\.\w+): Timeout (\d+)ms exceeded\.?/,
    'smoke.browser.timeoutMs',
  ],
];

/** Every timeout in a message names the setting that changes it. */
function nameTimeouts(text: string): string {
  let out = text.replace(/Test timeout of (\d+)ms exceeded[^.\n]*\.?/, (_, ms: string) => checkTimedOut(Number(ms)));
  for (const [re, setting] of CALL_TIMEOUTS)
    out = out.replace(re, (_, call: string, ms: string) => `${call}: no answer within ${ms} ms (${setting})`);
  return out;
}

/** First meaningful line of an error, without Playwright's code frame. */
function errorLine(message: string): string {
  const text = nameTimeouts(stripAnsi(message))
    .replace(FAIL_MARK, '')
    .replace(ERROR_MARK, '')
    .replace(/^\w*Error:\s*/, '')
    .replace(/^(CheckFailed|ControlFailed|RateLimited):\s*/, '');
  return text
    .split('\n\n')[0]!
    .split('\n')
    .filter((l) => !/^\s*(>?\s*\d+ \||at )/.test(l))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/**
 * A skipped test's kind and reason. The kind comes from gonogo's skip helpers (smoke/lib/outcome.ts); a bare
 * `test.skip` (a team spec, a forgotten site) could not run: never not-applicable by accident.
 */
function skipOf(annotations: Array<z.infer<typeof Annotation>>): SkipInfo & { unknownKind?: string } {
  const reason = annotations.find((a) => a.type === 'skip')?.description ?? 'skipped';
  const declared = annotations.find((a) => a.type === SKIP_KIND_ANNOTATION)?.description;
  const kind = SkipKind.safeParse(declared);
  if (!kind.success)
    return { kind: 'could-not-run', reason, ...(declared !== undefined ? { unknownKind: declared } : {}) };
  return { kind: kind.data, reason, ...(kind.data === 'not-applicable' ? { source: 'detected' as const } : {}) };
}

/** Playwright's own words carry the limit it applied ("Test timeout of 125000ms exceeded."); the duration is the fallback. */
function timedOutMessage(result: z.infer<typeof Result>): string {
  const said = [result.error, ...result.errors]
    .map((e) => e?.message ?? '')
    .join('\n')
    .match(/Test timeout of (\d+)ms exceeded/);
  return checkTimedOut(said ? Number(said[1]) : result.duration);
}

/** A failed test is a `fail` when an assertion said so (gonogo's check() or Playwright's expect), otherwise an `error`. */
export function classifyFailure(message: string): 'fail' | 'error' | 'warn' {
  const m = stripAnsi(message);
  if (m.includes(ERROR_MARK)) return 'error';
  if (m.includes(FAIL_MARK)) return 'fail';
  if (m.includes(WARN_MARK)) return 'warn';
  if (/^\w*Error: (expect|Timed out \d+ms waiting for expect)/.test(m) || m.includes('expect(')) return 'fail';
  return 'error';
}

function decode(a: z.infer<typeof Attachment>): string | undefined {
  return a.body === undefined ? undefined : Buffer.from(a.body, 'base64').toString('utf8');
}

/** Playwright's own attachment names for what its `screenshot` and `trace` options keep of a failed test. */
const ARTIFACT_KINDS: Record<string, 'screenshot' | 'trace'> = { screenshot: 'screenshot', trace: 'trace' };

/** The screenshot and trace files of a failed test, with the absolute paths Playwright wrote them to. */
function browserArtifacts(attachments: Array<z.infer<typeof Attachment>>): NonNullable<Evidence['artifacts']> {
  return attachments.flatMap((a) => {
    const kind = ARTIFACT_KINDS[a.name];
    return kind && a.path
      ? [{ kind, path: a.path, contentType: a.contentType ?? (kind === 'trace' ? 'application/zip' : 'image/png') }]
      : [];
  });
}

/** Playwright's JSON report -> gonogo checks and measurements. Every stored string goes through the redactor. */
export function adaptReport(raw: unknown, redactor: Redactor): Adapted {
  const report = PlaywrightJsonReport.parse(raw);
  const byId = new Map<string, CheckResult>();
  const measurements = new Map<string, Measurement>();
  const warnings: string[] = [];
  for (const spec of walk(report.suites)) {
    for (const t of spec.tests) {
      const result = t.results[t.results.length - 1];
      const annotations = [...t.annotations, ...(result?.annotations ?? [])];
      const id = annotations.find((a) => a.type === 'check')?.description ?? ID_IN_TITLE.exec(spec.title)?.[1];
      if (!id || !CheckId.safeParse(id).success || !Area.safeParse(id.split('.')[0]).success) {
        warnings.push(
          `test "${spec.title}" names no check id of a known area ([area.name] in the title or a "check" annotation): ignored`,
        );
        continue;
      }
      const entry = catalogueEntry(id);
      const level =
        entry?.level ?? (annotations.find((a) => a.type === 'level')?.description === 'warn' ? 'warn' : 'blocker');
      const title = entry?.title ?? (spec.title.replace(ID_IN_TITLE, '').trim() || id);
      const evidence: Evidence = {};
      let status: CheckStatus;
      let skip: SkipInfo | undefined;
      if (!result) {
        status = 'error';
        evidence.message = 'the test did not run';
      } else if (result.status === 'passed') {
        status = 'pass';
      } else if (result.status === 'skipped') {
        status = 'skip';
        const { unknownKind, ...info } = skipOf(annotations);
        if (unknownKind !== undefined)
          warnings.push(
            `test "${spec.title}" skipped with an unknown kind "${unknownKind}" (one of ${SkipKind.options.join(', ')}): read as could-not-run`,
          );
        skip = info;
        evidence.message = info.reason;
      } else if (result.status === 'failed') {
        const message = result.error?.message ?? result.errors[0]?.message ?? 'failed without a message';
        status = classifyFailure(message);
        evidence.message = errorLine(message);
      } else {
        status = 'error';
        evidence.message = result.status === 'timedOut' ? timedOutMessage(result) : 'interrupted before it finished';
      }
      for (const a of result?.attachments ?? []) {
        const body = a.name === EVIDENCE_ATTACHMENT || a.name === MEASUREMENT_ATTACHMENT ? decode(a) : undefined;
        if (!body) continue;
        try {
          if (a.name === EVIDENCE_ATTACHMENT) {
            const e = JSON.parse(body) as Evidence;
            Object.assign(evidence, { ...e, ...(evidence.message ? { message: evidence.message } : {}) });
          } else {
            const m = MeasurementBody.parse(JSON.parse(body));
            measurements.set(m.metric, {
              metric: m.metric,
              values: m.values,
              ...(m.samples !== undefined ? { samples: m.samples } : {}),
              ...(m.note ? { note: m.note } : {}),
            });
          }
        } catch {
          warnings.push(`unreadable ${a.name} attachment on ${id}`);
        }
      }
      if (status === 'fail' || status === 'error') {
        const artifacts = browserArtifacts(result?.attachments ?? []);
        if (artifacts.length) evidence.artifacts = artifacts;
      }
      const check: CheckResult = {
        id,
        suite: 'smoke',
        area: id.split('.')[0] as CheckResult['area'],
        title: redactor.text(title),
        status,
        level,
        evidence: redactor.value(evidence),
        durationMs: Math.max(0, result?.duration ?? 0),
        ...(skip ? { skip: { ...skip, reason: redactor.text(skip.reason) } } : {}),
      };
      const prev = byId.get(id);
      if (prev) warnings.push(`check id ${id} is produced by more than one test: the worst outcome is kept`);
      if (!prev || SEVERITY[status] > SEVERITY[prev.status]) byId.set(id, check);
    }
  }
  const harnessErrors = report.errors.map((e) => redactor.text(errorLine(e.message ?? e.value ?? 'unknown error')));
  return {
    checks: [...byId.values()],
    measurements: [...measurements.values()],
    warnings: warnings.map((w) => redactor.text(w)),
    harnessErrors,
  };
}
