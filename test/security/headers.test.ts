import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cspTest,
  gradeOf,
  hstsTest,
  referrerTest,
  score,
  xfoTest,
  corsTest,
  xctoTest,
} from '../../security/headers/grade.ts';
import { cookiesTest, sriTest } from '../../security/headers/content.ts';
import { auditHeaders, PROBE_ORIGIN } from '../../security/headers/audit.ts';

const H = (h: Record<string, string | string[]>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const STRONG = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

describe('Observatory scoring', () => {
  it('grade bands', () => {
    expect([135, 100, 99, 90, 85, 84, 70, 65, 60, 50, 45, 40, 30, 25, 24, 0].map(gradeOf)).toEqual([
      'A+',
      'A+',
      'A',
      'A',
      'A-',
      'B+',
      'B',
      'B-',
      'C+',
      'C',
      'C-',
      'D+',
      'D',
      'D-',
      'F',
      'F',
    ]);
  });

  it('a strong page earns its bonuses: CSP default-src none +10, frame-ancestors +5, referrer +5 = 120 (A+)', () => {
    const h = H(STRONG);
    const g = score([
      cspTest(h),
      hstsTest(h, true),
      xctoTest(h),
      xfoTest(h),
      referrerTest(h),
      cookiesTest(h, true, true),
      corsTest(h, PROBE_ORIGIN),
    ]);
    expect(g.tests.map((t) => `${t.result} ${t.modifier}`)).toEqual([
      'csp-implemented-with-no-unsafe-default-src-none 10',
      'hsts-implemented-max-age-at-least-six-months 0',
      'x-content-type-options-nosniff 0',
      'x-frame-options-implemented-via-csp 5',
      'referrer-policy-private 5',
      'cookies-not-found 0',
      'cross-origin-resource-sharing-not-implemented 0',
    ]);
    expect(g).toMatchObject({ score: 120, grade: 'A+' });
  });

  it('no headers at all: -25 CSP, -20 HSTS, -5 nosniff, -20 XFO = 30 (D)', () => {
    const h = H({});
    expect(score([cspTest(h), hstsTest(h, true), xctoTest(h), xfoTest(h), referrerTest(h)])).toMatchObject({
      score: 30,
      grade: 'D',
    });
  });

  it('bonuses count only from 90 points up', () => {
    const h = H({ ...STRONG, 'x-content-type-options': 'sniff-me', 'strict-transport-security': 'max-age=600' });
    // -10 (short HSTS) -5 (invalid nosniff) = 85 before bonuses: the +20 of bonuses is withheld.
    expect(score([cspTest(h), hstsTest(h, true), xctoTest(h), xfoTest(h), referrerTest(h)])).toMatchObject({
      score: 85,
      grade: 'A-',
    });
  });

  it('CSP outcomes, worst first', () => {
    const r = (csp: string) => cspTest(H({ 'content-security-policy': csp })).result;
    expect(r("default-src 'self'; script-src 'self' 'unsafe-inline'")).toBe('csp-implemented-with-unsafe-inline');
    expect(r("default-src 'self'; script-src 'self' 'nonce-abc' 'unsafe-inline'")).toBe(
      'csp-implemented-with-no-unsafe',
    );
    expect(r("script-src 'self'")).toBe('csp-implemented-with-unsafe-inline'); // object-src unrestricted
    expect(r("default-src 'self'; script-src 'self' 'unsafe-eval'")).toBe('csp-implemented-with-unsafe-eval');
    expect(r("default-src 'self' http://cdn.example.com")).toBe('csp-implemented-with-insecure-scheme');
    expect(r("default-src 'self'; img-src http:")).toBe('csp-implemented-with-insecure-scheme-in-passive-content-only');
    expect(r("default-src 'self'; style-src 'self' 'unsafe-inline'")).toBe(
      'csp-implemented-with-unsafe-inline-in-style-src-only',
    );
    expect(r("default-src 'self'")).toBe('csp-implemented-with-no-unsafe');
    expect(r(';;')).toBe('csp-header-invalid');
  });

  it('cookies: session cookies need Secure and HttpOnly, SameSite earns the bonus', () => {
    const c = (cookies: string[], hsts = true) => cookiesTest(H({ 'set-cookie': cookies }), true, hsts);
    expect(
      c(['session=abc; Path=/; Secure; HttpOnly; SameSite=Strict', 'theme=dark; Secure; SameSite=Lax']),
    ).toMatchObject({ result: 'cookies-secure-with-httponly-sessions-and-samesite', modifier: 5 });
    expect(c(['session=abc; Secure; HttpOnly'])).toMatchObject({
      result: 'cookies-secure-with-httponly-sessions',
      modifier: 0,
    });
    expect(c(['session=abc; Secure; SameSite=Lax'])).toMatchObject({
      result: 'cookies-session-without-httponly-flag',
      modifier: -30,
    });
    expect(c(['sessionid=abc; HttpOnly'], false)).toMatchObject({
      result: 'cookies-session-without-secure-flag',
      modifier: -40,
    });
    // An anti-CSRF cookie is read by the page's scripts by design: no HttpOnly is asked of it, SameSite is.
    expect(c(['csrftoken=abc; Secure'])).toMatchObject({ result: 'cookies-anticsrf-without-samesite-flag' });
    expect(c(['XSRF-TOKEN=abc; Secure; SameSite=Lax'])).toMatchObject({
      result: 'cookies-secure-with-httponly-sessions-and-samesite',
    });
    // The words come from security.headers.cookieWords: a platform's own session cookie name is judged as one.
    const words = { session: ['kaka'], antiCsrf: ['csrf'] };
    expect(cookiesTest(H({ 'set-cookie': ['kaka=abc; Secure'] }), true, true, words)).toMatchObject({
      result: 'cookies-session-without-httponly-flag',
    });
    expect(c(['kaka=abc; Secure'])).not.toMatchObject({ result: 'cookies-session-without-httponly-flag' });
    const v = c(['access_token=eyJhbGciOiJIUzI1NiJ9.e30.x; Secure; HttpOnly; SameSite=Strict']).value!;
    expect(v).not.toContain('eyJ');
  });

  it('CORS: a reflected foreign origin with credentials is universal access (-50)', () => {
    expect(
      corsTest(
        H({ 'access-control-allow-origin': PROBE_ORIGIN, 'access-control-allow-credentials': 'true' }),
        PROBE_ORIGIN,
      ).modifier,
    ).toBe(-50);
    expect(corsTest(H({ 'access-control-allow-origin': '*' }), PROBE_ORIGIN).result).toBe(
      'cross-origin-resource-sharing-implemented-with-public-access',
    );
    expect(corsTest(H({ 'access-control-allow-origin': 'https://app.example.com' }), PROBE_ORIGIN).modifier).toBe(0);
  });

  it('referrer policy: the last understood token wins', () => {
    expect(referrerTest(H({ 'referrer-policy': 'unsafe-url, strict-origin-when-cross-origin' })).result).toBe(
      'referrer-policy-private',
    );
    expect(referrerTest(H({ 'referrer-policy': 'origin' })).modifier).toBe(-5);
    expect(referrerTest(H({ 'referrer-policy': 'nonsense' })).result).toBe('referrer-policy-header-invalid');
  });

  it('subresource integrity on HTML pages', () => {
    const html = (s: string) =>
      sriTest(
        H({ 'content-type': 'text/html; charset=utf-8' }),
        `<html><head>${s}</head></html>`,
        'https://app.example.com/',
        new Set(['app.example.com']),
      );
    expect(html('<script src="/static/app.js"></script>').result).toBe(
      'sri-not-implemented-but-all-scripts-loaded-from-secure-origin',
    );
    expect(html('<script src="https://cdn.example.net/x.js"></script>').modifier).toBe(-5);
    expect(
      html('<script integrity="sha384-abc" crossorigin src="https://cdn.example.net/x.js"></script>').modifier,
    ).toBe(5);
    expect(html('<script src="http://cdn.example.net/x.js"></script>').modifier).toBe(-50);
    expect(html('<script src="//cdn.example.net/x.js"></script>').modifier).toBe(-50);
    expect(html('<!-- <script src="http://old.example.net/x.js"></script> --><p>no scripts</p>').result).toBe(
      'sri-not-implemented-but-no-scripts-loaded',
    );
    expect(sriTest(H({ 'content-type': 'application/json' }), '{}', 'https://a/', new Set()).result).toBe(
      'sri-not-implemented-response-not-html',
    );
  });
});

describe('header audit of a loopback server', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  }

  it('each failing item is its own check with the header value as evidence; redirects off the target are not followed', async () => {
    const seen: string[] = [];
    const base = await serve((req, res) => {
      seen.push(req.url!);
      if (req.url === '/away') {
        res.writeHead(302, { location: 'https://elsewhere.example.org/' });
        res.end();
        return;
      }
      res.setHeader('x-powered-by', 'Express');
      res.setHeader('server', 'nginx/1.18.0');
      res.setHeader('x-frame-options', 'SAMEORIGIN');
      res.setHeader('content-type', req.url === '/' ? 'text/html' : 'application/json');
      res.setHeader('set-cookie', 'sid=s3cr3tvalue; Path=/');
      res.writeHead(req.url === '/missing' ? 404 : 200);
      res.end(req.url === '/' ? '<script src="https://cdn.example.net/a.js"></script>' : '{}');
    });
    const r = await auditHeaders({
      baseUrl: base,
      pages: ['/', '/away'],
      apiPath: '/api/x',
      errorPath: '/missing',
      allowedHosts: [],
      timeoutMs: 2000,
      minGrade: 'A-',
    });
    expect(seen.sort()).toEqual(['/', '/api/x', '/away', '/missing']);
    const status = Object.fromEntries(r.checks.map((c) => [c.id, c.status]));
    expect(status).toEqual({
      'headers.grade': 'fail',
      'headers.hsts': 'fail',
      'headers.csp': 'fail',
      'headers.x-frame-options': 'fail',
      'headers.x-content-type-options': 'fail',
      'headers.referrer-policy': 'fail',
      'headers.cookies': 'fail',
      'headers.cors': 'pass',
      'headers.redirection': 'skip',
      'headers.sri': 'fail',
      'headers.server-leak': 'fail',
    });
    const leak = r.checks.find((c) => c.id === 'headers.server-leak')!;
    expect(leak.evidence.actual).toContain('X-Powered-By: Express, Server: nginx/1.18.0');
    expect(r.pages.find((p) => p.url.endsWith('/away'))!.note).toMatch(/elsewhere\.example\.org.*not followed/);
    expect(r.measurements).toEqual([{ metric: 'headers_score', values: { value: 5 }, samples: 4 }]);
  });

  it('headers.cookies judges only cookies it saw: no page setting one is a detected not-applicable, not a pass', async () => {
    let cookie: string | undefined;
    const base = await serve((_req, res) => {
      if (cookie) res.setHeader('set-cookie', cookie);
      res.setHeader('content-type', 'text/html');
      res.end('<p>hi</p>');
    });
    const audit = async () =>
      (
        await auditHeaders({ baseUrl: base, pages: ['/'], allowedHosts: [], timeoutMs: 2000, minGrade: 'A-' })
      ).checks.find((c) => c.id === 'headers.cookies')!;
    const none = await audit();
    expect(none.status).toBe('skip');
    expect(none.skip).toMatchObject({ kind: 'not-applicable', source: 'detected' });
    expect(none.evidence.message).toMatch(/no audited page set a cookie .*security\.headers\.pages.*browser\.cookies/);
    // A cookie seen is judged (over plain http no cookie can be Secure: the HTTPS case is the reference platform's).
    cookie = 'prefs=dark; Path=/';
    expect((await audit()).status).toBe('fail');
  });

  it('an unreachable page turns would-be passes into errors', async () => {
    const r = await auditHeaders({
      baseUrl: 'http://127.0.0.1:1',
      pages: ['/'],
      allowedHosts: [],
      timeoutMs: 1000,
      minGrade: 'A-',
    });
    expect(r.checks.filter((c) => c.status === 'pass')).toEqual([]);
    expect(r.checks.find((c) => c.id === 'headers.grade')!.status).toBe('error');
    expect(r.measurements).toEqual([]);
  });
});
