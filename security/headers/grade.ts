import type { IncomingHttpHeaders } from 'node:http';
import { gradeCsp } from './csp.ts';

/**
 * Scoring of Mozilla's HTTP Observatory (httpobs/docs/scoring.md, grader/grade.py): start at 100, add each test's
 * modifier; bonuses count only when the score without them is at least 90. Retired tests (X-XSS-Protection,
 * contribute.json, HPKP) are left out as the current Observatory does; the preload lists are not consulted (offline).
 */
export const MODIFIERS: Record<string, number> = {
  'csp-implemented-with-no-unsafe-default-src-none': 10,
  'csp-implemented-with-no-unsafe': 5,
  'csp-implemented-with-unsafe-inline-in-style-src-only': 0,
  'csp-implemented-with-insecure-scheme-in-passive-content-only': -10,
  'csp-implemented-with-unsafe-eval': -10,
  'csp-implemented-with-unsafe-inline': -20,
  'csp-implemented-with-insecure-scheme': -20,
  'csp-header-invalid': -25,
  'csp-not-implemented': -25,
  'cookies-secure-with-httponly-sessions-and-samesite': 5,
  'cookies-secure-with-httponly-sessions': 0,
  'cookies-not-found': 0,
  'cookies-without-secure-flag-but-protected-by-hsts': -5,
  'cookies-session-without-secure-flag-but-protected-by-hsts': -10,
  'cookies-without-secure-flag': -20,
  'cookies-samesite-flag-invalid': -20,
  'cookies-anticsrf-without-samesite-flag': -20,
  'cookies-session-without-httponly-flag': -30,
  'cookies-session-without-secure-flag': -40,
  'cross-origin-resource-sharing-not-implemented': 0,
  'cross-origin-resource-sharing-implemented-with-public-access': 0,
  'cross-origin-resource-sharing-implemented-with-restricted-access': 0,
  'cross-origin-resource-sharing-implemented-with-universal-access': -50,
  'redirection-to-https': 0,
  'redirection-not-needed-no-http': 0,
  'redirection-off-host-from-http': -5,
  'redirection-not-to-https-on-initial-redirection': -10,
  'redirection-not-to-https': -20,
  'redirection-missing': -20,
  'referrer-policy-private': 5,
  'referrer-policy-no-referrer-when-downgrade': 0,
  'referrer-policy-not-implemented': 0,
  'referrer-policy-unsafe': -5,
  'referrer-policy-header-invalid': -5,
  'hsts-implemented-max-age-at-least-six-months': 0,
  'hsts-implemented-max-age-less-than-six-months': -10,
  'hsts-not-implemented': -20,
  'hsts-header-invalid': -20,
  'hsts-not-implemented-no-https': -20,
  'sri-implemented-and-all-scripts-loaded-securely': 5,
  'sri-implemented-and-external-scripts-loaded-securely': 5,
  'sri-not-implemented-response-not-html': 0,
  'sri-not-implemented-but-no-scripts-loaded': 0,
  'sri-not-implemented-but-all-scripts-loaded-from-secure-origin': 0,
  'sri-not-implemented-but-external-scripts-loaded-securely': -5,
  'sri-implemented-but-external-scripts-not-loaded-securely': -20,
  'sri-not-implemented-and-external-scripts-not-loaded-securely': -50,
  'x-content-type-options-nosniff': 0,
  'x-content-type-options-not-implemented': -5,
  'x-content-type-options-header-invalid': -5,
  'x-frame-options-implemented-via-csp': 5,
  'x-frame-options-sameorigin-or-deny': 0,
  'x-frame-options-allow-from-origin': 0,
  'x-frame-options-not-implemented': -20,
  'x-frame-options-header-invalid': -20,
};

export const GRADES = ['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F'] as const;
export type Grade = (typeof GRADES)[number];
const GRADE_FLOOR: Array<[number, Grade]> = [
  [100, 'A+'],
  [90, 'A'],
  [85, 'A-'],
  [80, 'B+'],
  [70, 'B'],
  [65, 'B-'],
  [60, 'C+'],
  [50, 'C'],
  [45, 'C-'],
  [40, 'D+'],
  [30, 'D'],
  [25, 'D-'],
  [0, 'F'],
];

export function gradeOf(score: number): Grade {
  return GRADE_FLOOR.find(([floor]) => score >= floor)![1];
}

/** Lowest score that earns a grade (the KPI file names grades; the metric is points). */
export function minScoreFor(grade: Grade): number {
  return GRADE_FLOOR.find(([, g]) => g === grade)![0];
}

export type TestName =
  | 'content-security-policy'
  | 'cookies'
  | 'cross-origin-resource-sharing'
  | 'redirection'
  | 'referrer-policy'
  | 'strict-transport-security'
  | 'subresource-integrity'
  | 'x-content-type-options'
  | 'x-frame-options';

export interface TestResult {
  test: TestName;
  result: string;
  modifier: number;
  /** The header value(s) the result was read from. */
  value: string | null;
  note?: string;
}

export interface Graded {
  score: number;
  grade: Grade;
  tests: TestResult[];
}

/** Sums the modifiers the Observatory way: penalties first, bonuses only from 90 points up. */
export function score(tests: readonly TestResult[]): Graded {
  let total = 100;
  let bonus = 0;
  for (const t of tests) {
    if (t.modifier > 0) bonus += t.modifier;
    else total += t.modifier;
  }
  if (total >= 90) total += bonus;
  total = Math.max(0, total);
  return { score: total, grade: gradeOf(total), tests: [...tests] };
}

export function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : String(v);
}

export function test(name: TestName, result: string, value: string | null | undefined, note?: string): TestResult {
  const modifier = MODIFIERS[result];
  if (modifier === undefined) throw new Error(`unknown Observatory result ${result}`);
  return { test: name, result, modifier, value: value ?? null, ...(note ? { note } : {}) };
}

export function cspTest(h: IncomingHttpHeaders): TestResult {
  const value = header(h, 'content-security-policy');
  const r = gradeCsp(value);
  return test('content-security-policy', r.outcome, value, r.error);
}

export interface Hsts {
  maxAge: number;
  includeSubDomains: boolean;
  preload: boolean;
}

export function parseHsts(value: string): Hsts | null {
  // Several headers arrive joined by ", "; browsers use the first.
  const first = value.split(',')[0]!;
  let maxAge: number | null = null;
  let includeSubDomains = false;
  let preload = false;
  for (const part of first.split(';')) {
    const [k, v] = part
      .trim()
      .split('=')
      .map((s) => s.trim().replace(/^"|"$/g, ''));
    const key = (k ?? '').toLowerCase();
    if (key === 'max-age') {
      if (!/^\d+$/.test(v ?? '')) return null;
      maxAge = Number(v);
    } else if (key === 'includesubdomains') includeSubDomains = true;
    else if (key === 'preload') preload = true;
  }
  return maxAge === null ? null : { maxAge: maxAge as number, includeSubDomains, preload };
}

export function hstsTest(h: IncomingHttpHeaders, https: boolean): TestResult {
  const value = header(h, 'strict-transport-security');
  if (!https) return test('strict-transport-security', 'hsts-not-implemented-no-https', value);
  if (value === undefined) return test('strict-transport-security', 'hsts-not-implemented', value);
  const parsed = parseHsts(value);
  if (!parsed) return test('strict-transport-security', 'hsts-header-invalid', value);
  return test(
    'strict-transport-security',
    parsed.maxAge >= 15_768_000
      ? 'hsts-implemented-max-age-at-least-six-months'
      : 'hsts-implemented-max-age-less-than-six-months',
    value,
  );
}

export function xctoTest(h: IncomingHttpHeaders): TestResult {
  const value = header(h, 'x-content-type-options');
  if (value === undefined) return test('x-content-type-options', 'x-content-type-options-not-implemented', value);
  return test(
    'x-content-type-options',
    value.trim().toLowerCase() === 'nosniff'
      ? 'x-content-type-options-nosniff'
      : 'x-content-type-options-header-invalid',
    value,
  );
}

export function xfoTest(h: IncomingHttpHeaders): TestResult {
  const value = header(h, 'x-frame-options');
  const csp = gradeCsp(header(h, 'content-security-policy'));
  const ancestors = csp.policy?.get('frame-ancestors');
  if (ancestors && !ancestors.includes('*'))
    return test(
      'x-frame-options',
      'x-frame-options-implemented-via-csp',
      `frame-ancestors ${ancestors.join(' ')}${value ? `; X-Frame-Options: ${value}` : ''}`,
    );
  if (value === undefined) return test('x-frame-options', 'x-frame-options-not-implemented', value);
  const v = value.trim().toLowerCase();
  if (v === 'deny' || v === 'sameorigin') return test('x-frame-options', 'x-frame-options-sameorigin-or-deny', value);
  if (v.startsWith('allow-from ')) return test('x-frame-options', 'x-frame-options-allow-from-origin', value);
  return test('x-frame-options', 'x-frame-options-header-invalid', value);
}

const PRIVATE = new Set(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']);
const UNSAFE = new Set(['origin', 'origin-when-cross-origin', 'unsafe-url']);
const KNOWN = new Set([...PRIVATE, ...UNSAFE, 'no-referrer-when-downgrade']);

export function referrerTest(h: IncomingHttpHeaders): TestResult {
  const value = header(h, 'referrer-policy');
  if (value === undefined) return test('referrer-policy', 'referrer-policy-not-implemented', value);
  // Browsers apply the last policy token they understand.
  const tokens = value
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => KNOWN.has(t));
  const last = tokens.at(-1);
  if (!last) return test('referrer-policy', 'referrer-policy-header-invalid', value);
  if (PRIVATE.has(last)) return test('referrer-policy', 'referrer-policy-private', value);
  if (UNSAFE.has(last)) return test('referrer-policy', 'referrer-policy-unsafe', value);
  return test('referrer-policy', 'referrer-policy-no-referrer-when-downgrade', value);
}

export function corsTest(h: IncomingHttpHeaders, probeOrigin: string): TestResult {
  const acao = header(h, 'access-control-allow-origin');
  const acac = header(h, 'access-control-allow-credentials');
  const value =
    acao === undefined
      ? undefined
      : `Access-Control-Allow-Origin: ${acao}${acac ? `; Access-Control-Allow-Credentials: ${acac}` : ''}`;
  if (acao === undefined)
    return test('cross-origin-resource-sharing', 'cross-origin-resource-sharing-not-implemented', value);
  const credentials = acac?.trim().toLowerCase() === 'true';
  if (acao.trim() === probeOrigin && credentials)
    return test(
      'cross-origin-resource-sharing',
      'cross-origin-resource-sharing-implemented-with-universal-access',
      value,
      `a foreign Origin (${probeOrigin}) is reflected with credentials`,
    );
  if (acao.trim() === '*')
    return test(
      'cross-origin-resource-sharing',
      'cross-origin-resource-sharing-implemented-with-public-access',
      value,
      credentials ? '* together with credentials' : undefined,
    );
  return test(
    'cross-origin-resource-sharing',
    'cross-origin-resource-sharing-implemented-with-restricted-access',
    value,
  );
}
