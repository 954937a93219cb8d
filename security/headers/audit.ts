import type { CheckResult, CheckStatus } from '../../core/report-schema.ts';
import type { Measurement } from '../../config/suite.ts';
import type { CatalogueId } from '../../core/catalogue.ts';
import { check, describe, skipped } from '../checks.ts';
import { get, probeRedirect, REDIRECT_STATUSES, type HttpResponse, type RedirectResult } from '../../core/http.ts';
import { redirectCheck } from '../tls/audit.ts';
import { routeUrl } from '../../core/url.ts';
import { cookiesTest, sriTest, type CookieWords } from './content.ts';
import { COOKIE_WORDS } from '../defaults.ts';
import {
  corsTest,
  cspTest,
  header,
  hstsTest,
  minScoreFor,
  parseHsts,
  referrerTest,
  score,
  test,
  xctoTest,
  xfoTest,
  type Grade,
  type Graded,
  type TestName,
  type TestResult,
} from './grade.ts';

export interface HeadersAuditInput {
  baseUrl: string;
  /** Paths graded as pages; the API route and the error page join them. */
  pages: string[];
  apiPath?: string;
  errorPath?: string;
  /** The target's hosts: redirects to any other host are never followed. */
  allowedHosts: string[];
  ca?: string[];
  timeoutMs: number;
  /** The config key `timeoutMs` comes from, named when it runs out. */
  timeoutSetting?: string;
  httpUrl?: string;
  minGrade: Grade;
  /** Words that name session and anti-CSRF cookies (security.headers.cookieWords); default COOKIE_WORDS. */
  cookieWords?: CookieWords;
}

export interface PageResult {
  kind: 'page' | 'api' | 'error-page';
  url: string;
  finalUrl: string;
  status: number | null;
  graded: Graded | null;
  serverLeak: string[];
  error?: string;
  note?: string;
}

export interface HeadersAuditResult {
  pages: PageResult[];
  redirect: RedirectResult | null;
  score: number | null;
  grade: Grade | null;
  checks: CheckResult[];
  measurements: Measurement[];
}

// A header test sends this Origin to see whether CORS reflects foreign origins; it is only a header, never contacted.
export const PROBE_ORIGIN = 'https://gonogo-foreign-origin.invalid';

async function fetchPage(
  url: string,
  input: HeadersAuditInput,
  hosts: Set<string>,
): Promise<{ res: HttpResponse; note?: string }> {
  let current = url;
  for (let hop = 0; hop <= 5; hop++) {
    const res = await get(current, {
      ca: input.ca,
      timeoutMs: input.timeoutMs,
      ...(input.timeoutSetting ? { setting: input.timeoutSetting } : {}),
      headers: { origin: PROBE_ORIGIN },
    });
    const location = typeof res.headers.location === 'string' ? new URL(res.headers.location, current) : undefined;
    if (!REDIRECT_STATUSES.has(res.status) || !location) return { res };
    if (!hosts.has(location.hostname))
      return {
        res,
        note: `redirects to ${location.host}, outside the target's hosts: not followed, the redirect response is graded`,
      };
    current = location.href;
  }
  throw new Error(`more than 5 redirects from ${url}`);
}

function serverLeak(res: HttpResponse): string[] {
  const out: string[] = [];
  const powered = header(res.headers, 'x-powered-by');
  if (powered !== undefined) out.push(`X-Powered-By: ${powered}`);
  const server = header(res.headers, 'server');
  if (server !== undefined && /\d/.test(server)) out.push(`Server: ${server}`);
  return out;
}

function gradePage(
  res: HttpResponse,
  redirect: RedirectResult | null,
  hosts: Set<string>,
  words: CookieWords = COOKIE_WORDS,
): Graded {
  const https = res.url.startsWith('https:');
  const hsts = hstsTest(res.headers, https);
  const tests: TestResult[] = [
    cspTest(res.headers),
    cookiesTest(res.headers, https, hsts.modifier === 0, words),
    corsTest(res.headers, PROBE_ORIGIN),
    referrerTest(res.headers),
    hsts,
    sriTest(res.headers, res.body, res.url, hosts),
    xctoTest(res.headers),
    xfoTest(res.headers),
  ];
  if (redirect) tests.push(test('redirection', redirect.outcome, redirect.hops[0]?.location ?? null));
  return score(tests);
}

/** Fetches the pages, grades each like the Observatory, and turns each failing item into its own check. */
export async function auditHeaders(input: HeadersAuditInput): Promise<HeadersAuditResult> {
  const started = performance.now();
  const base = new URL(input.baseUrl);
  const hosts = new Set([base.hostname, ...input.allowedHosts]);
  const targets: Array<{ kind: PageResult['kind']; url: string }> = [
    ...input.pages.map((p) => ({ kind: 'page' as const, url: routeUrl(input.baseUrl, p) })),
    ...(input.apiPath ? [{ kind: 'api' as const, url: routeUrl(input.baseUrl, input.apiPath) }] : []),
    ...(input.errorPath ? [{ kind: 'error-page' as const, url: routeUrl(input.baseUrl, input.errorPath) }] : []),
  ];
  const redirectP = input.httpUrl
    ? probeRedirect(input.httpUrl, {
        timeoutMs: input.timeoutMs,
        ...(input.timeoutSetting ? { setting: input.timeoutSetting } : {}),
      }).catch((e: Error) => e)
    : Promise.resolve(null);
  const [redirect, ...fetched] = await Promise.all([
    redirectP,
    ...targets.map((t) =>
      fetchPage(t.url, input, hosts).then(
        (r) => ({ ok: true as const, ...r }),
        (e: unknown) => ({ ok: false as const, error: describe(e) }),
      ),
    ),
  ]);
  const redirectResult = redirect instanceof Error || redirect === null ? null : redirect;
  const pages: PageResult[] = targets.map((t, i) => {
    const f = fetched[i]!;
    if (!f.ok)
      return { kind: t.kind, url: t.url, finalUrl: t.url, status: null, graded: null, serverLeak: [], error: f.error };
    return {
      kind: t.kind,
      url: t.url,
      finalUrl: f.res.url,
      status: f.res.status,
      graded: gradePage(f.res, redirectResult, hosts, input.cookieWords),
      serverLeak: serverLeak(f.res),
      note: f.note,
    };
  });
  const ms = performance.now() - started;
  const graded = pages.filter((p) => p.graded);
  const worst = graded.length ? Math.min(...graded.map((p) => p.graded!.score)) : null;
  const checks = buildChecks(pages, input, redirect, worst, ms);
  const measurements: Measurement[] =
    worst !== null && graded.length === pages.length
      ? [{ metric: 'headers_score', values: { value: worst }, samples: pages.length }]
      : [];
  const grade = worst === null ? null : graded.find((p) => p.graded!.score === worst)!.graded!.grade;
  return { pages, redirect: redirectResult, score: worst, grade, checks, measurements };
}

function testOf(p: PageResult, name: TestName): TestResult | undefined {
  return p.graded?.tests.find((t) => t.test === name);
}

function pageEvidence(pages: PageResult[], name: TestName, label: string) {
  return pages
    .filter((p) => p.graded)
    .map((p) => {
      const t = testOf(p, name);
      return {
        method: 'GET',
        url: p.finalUrl,
        status: p.status,
        excerpt: `${label}: ${t?.value ?? '(absent)'} -> ${t?.result ?? 'n/a'}`,
      };
    });
}

function buildChecks(
  pages: PageResult[],
  input: HeadersAuditInput,
  redirect: RedirectResult | Error | null,
  worst: number | null,
  ms: number,
): CheckResult[] {
  const failed = pages.filter((p) => !p.graded);
  const unreachable = failed.map((p) => `${p.url}: ${p.error}`).join('; ');
  // A header check passes only when every page could be read (its positive control); otherwise it is an error.
  const settle = (
    id: CatalogueId,
    bad: PageResult[],
    warn: PageResult[],
    name: TestName | null,
    label: string,
    expected: string,
    explain: (p: PageResult) => string,
  ): CheckResult => {
    let status: CheckStatus = bad.length ? 'fail' : warn.length ? 'warn' : 'pass';
    if (status !== 'fail' && failed.length) status = 'error';
    return check(
      id,
      status,
      {
        expected,
        actual: bad.length
          ? bad.map(explain).join('; ')
          : warn.length
            ? warn.map(explain).join('; ')
            : 'every audited page complies',
        message: failed.length ? `pages that could not be read: ${unreachable}` : undefined,
        requests: name ? pageEvidence(pages, name, label) : undefined,
      },
      ms,
    );
  };
  const ok = pages.filter((p) => p.graded);
  const negative = (name: TestName) => ok.filter((p) => (testOf(p, name)?.modifier ?? 0) < 0);
  const val = (name: TestName) => (p: PageResult) =>
    `${p.finalUrl}: ${testOf(p, name)?.value ?? '(absent)'} (${testOf(p, name)?.result})`;

  const hstsBad = ok.filter((p) => {
    const v = testOf(p, 'strict-transport-security')?.value;
    const h = v ? parseHsts(v) : null;
    return !h || h.maxAge < 31_536_000 || !h.includeSubDomains || !h.preload;
  });
  const xfo = (p: PageResult) => testOf(p, 'x-frame-options');
  const xfoWarn = ok.filter((p) => {
    const t = xfo(p);
    if (!t || t.modifier < 0) return false;
    const v = (t.value ?? '').toLowerCase();
    return !(/frame-ancestors 'none'/.test(v) || /^deny$/.test(v.trim()) || /x-frame-options: deny/.test(v));
  });
  const cookieBad = ok.filter((p) => {
    const r = testOf(p, 'cookies')?.result;
    return r !== 'cookies-not-found' && r !== 'cookies-secure-with-httponly-sessions-and-samesite';
  });
  const corsBad = ok.filter((p) => {
    const t = testOf(p, 'cross-origin-resource-sharing');
    return (t?.modifier ?? 0) < 0 || t?.note === '* together with credentials';
  });
  const referrerBad = ok.filter((p) => testOf(p, 'referrer-policy')?.result !== 'referrer-policy-private');
  const leaks = ok.filter((p) => p.serverLeak.length);
  const minScore = minScoreFor(input.minGrade);

  const gradeCheck =
    worst === null || failed.length
      ? check('headers.grade', 'error', { message: `no grade: ${unreachable || 'no page could be read'}` }, ms)
      : check(
          'headers.grade',
          worst >= minScore ? 'pass' : 'fail',
          {
            expected: `${input.minGrade} or better (>= ${minScore} points) on every audited page`,
            actual: ok.map((p) => `${p.finalUrl}: ${p.graded!.score} (${p.graded!.grade})`).join('; '),
            details: Object.fromEntries(
              ok.map((p) => [
                p.finalUrl,
                p
                  .graded!.tests.filter((t) => t.modifier !== 0)
                  .map((t) => `${t.modifier > 0 ? '+' : ''}${t.modifier} ${t.result}`),
              ]),
            ),
          },
          ms,
        );

  return [
    gradeCheck,
    settle(
      'headers.hsts',
      hstsBad,
      [],
      'strict-transport-security',
      'Strict-Transport-Security',
      'max-age >= 31536000; includeSubDomains; preload',
      val('strict-transport-security'),
    ),
    settle(
      'headers.csp',
      negative('content-security-policy'),
      [],
      'content-security-policy',
      'Content-Security-Policy',
      "a CSP without 'unsafe-inline'/'unsafe-eval' in script-src and with object-src restricted",
      val('content-security-policy'),
    ),
    settle(
      'headers.x-frame-options',
      negative('x-frame-options'),
      xfoWarn,
      'x-frame-options',
      'X-Frame-Options',
      "X-Frame-Options: DENY or CSP frame-ancestors 'none'",
      val('x-frame-options'),
    ),
    settle(
      'headers.x-content-type-options',
      negative('x-content-type-options'),
      [],
      'x-content-type-options',
      'X-Content-Type-Options',
      'nosniff',
      val('x-content-type-options'),
    ),
    settle(
      'headers.referrer-policy',
      referrerBad,
      [],
      'referrer-policy',
      'Referrer-Policy',
      'no-referrer, same-origin, strict-origin or strict-origin-when-cross-origin',
      val('referrer-policy'),
    ),
    // No audited page set a cookie: nothing was judged, which is not a pass (the login's cookies are browser.cookies').
    !failed.length && ok.length && ok.every((p) => testOf(p, 'cookies')?.result === 'cookies-not-found')
      ? skipped(
          'headers.cookies',
          {
            kind: 'not-applicable',
            source: 'detected',
            reason: `no audited page set a cookie (${ok.map((p) => p.finalUrl).join(', ')}; security.headers.pages); the cookies set at login are judged by browser.cookies`,
          },
          { requests: pageEvidence(pages, 'cookies', 'Set-Cookie') },
          ms,
        )
      : settle(
          'headers.cookies',
          cookieBad,
          [],
          'cookies',
          'Set-Cookie',
          'every cookie Secure and SameSite=Strict|Lax, session cookies HttpOnly',
          val('cookies'),
        ),
    settle(
      'headers.cors',
      corsBad,
      [],
      'cross-origin-resource-sharing',
      'CORS',
      'no foreign origin reflected with credentials, never * with credentials',
      val('cross-origin-resource-sharing'),
    ),
    redirectCheck('headers.redirection', redirect, ms),
    settle(
      'headers.sri',
      negative('subresource-integrity'),
      [],
      'subresource-integrity',
      'scripts',
      'scripts from other origins carry integrity= and load over https',
      val('subresource-integrity'),
    ),
    settle(
      'headers.server-leak',
      leaks,
      [],
      null,
      '',
      'no X-Powered-By, no version in Server',
      (p) => `${p.finalUrl}: ${p.serverLeak.join(', ')}`,
    ),
  ];
}
