import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';
import { test, skip, pageCheck, pageControl } from '../lib/fixtures.ts';
import { account, gaveCredential } from '../lib/auth.ts';
import type { SmokePlan } from '../lib/plan.ts';
import { startScopeProxy, type ScopeProxy } from '../lib/scope-proxy.ts';
import { routeUrl } from '../../core/url.ts';
import { credentialIn, logSent } from '../lib/history.ts';
import { routePath } from '../routes.ts';

/** Debian's Chromium, never a downloaded browser; the args keep it quiet and off the network. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// A failed check keeps a Playwright trace (the screenshot comes from the run's config); gonogo scrubs it afterwards.
test.use({ trace: { mode: 'retain-on-failure', sources: false } });

let browser: Browser | undefined;
let proxy: ScopeProxy | undefined;
test.afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
});

async function open(plan: import('../lib/plan.ts').SmokePlan) {
  const exe = plan.config.browser.executablePath;
  skip.notConfigured(
    !plan.config.browser.enabled,
    'browser checks disabled in config (smoke.browser.enabled: false); a platform without pages declares them in notApplicable',
  );
  skip.couldNotRun(!existsSync(exe), `no browser at ${exe} (smoke.browser.executablePath)`);
  // Every browser request goes through the allowlist proxy, loopback included (Chromium bypasses proxies for it by default).
  proxy ??= await startScopeProxy(plan.allowedHosts);
  browser ??= await chromium.launch({
    executablePath: exe,
    args: [...ARGS, `--proxy-server=${proxy.url}`, '--proxy-bypass-list=<-loopback>'],
    headless: true,
  });
  // The target's CA is trusted by the API client; the browser is only asked about what the page does.
  // No baseURL: Playwright would resolve '/login' against it and drop the base URL's path prefix; pages go through routeUrl.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const hosts = new Set(plan.allowedHosts);
  await context.route('**/*', (route) =>
    hosts.has(new URL(route.request().url()).host) ? route.continue() : route.abort(),
  );
  // The page's requests reach the platform's limiters as the suite's own do, so they join the history the limit
  // probes read (smoke/lib/history.ts): a window that also held them frees its slots when they age out.
  const target = new URL(plan.baseUrl).host;
  const logging = new Set<Promise<void>>();
  context.on('response', (resp) => {
    const req = resp.request();
    const url = new URL(req.url());
    if (url.host !== target) return;
    const started = req.timing().startTime;
    const t = Number.isFinite(started) && started > 0 ? Math.round(started) : Date.now();
    // Headers that can no longer be read (the page went away) count as anonymous.
    const logged = req
      .allHeaders()
      .catch(() => ({}))
      .then((headers) =>
        logSent(plan.stateDir, {
          t,
          method: req.method(),
          path: url.pathname,
          status: resp.status(),
          credential: credentialIn(plan, headers),
          subject: '',
        }),
      )
      .finally(() => logging.delete(logged));
    logging.add(logged);
  });
  return Object.assign(context, {
    settle: async () => {
      await Promise.all([...logging]);
    },
  });
}

async function loginThroughPage(
  plan: import('../lib/plan.ts').SmokePlan,
  context: import('@playwright/test').BrowserContext,
) {
  const b = plan.config.browser;
  const page = await context.newPage();
  await page.goto(routeUrl(plan.baseUrl, routePath(b.loginPage, 'smoke.browser.loginPage')), { timeout: b.timeoutMs });
  const role =
    plan.config.accounts.find((a) => a.role === plan.config.roles.owner)?.role ?? plan.config.accounts[0]?.role;
  pageControl(role, 'no account configured to log in with (smoke.accounts)');
  const { email, password } = account(plan, role);
  await page.fill(b.emailSelector, email, { timeout: b.timeoutMs });
  await page.fill(b.passwordSelector, password, { timeout: b.timeoutMs });
  const loginPath = new URL(routeUrl(plan.baseUrl, routePath(plan.config.login.path, 'smoke.login.path'))).pathname;
  const [resp] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === loginPath, { timeout: b.timeoutMs }),
    page.click(b.submitSelector, { timeout: b.timeoutMs }),
  ]);
  return { page, resp };
}

test('[browser.login-page] the login page loads over HTTPS without console errors, CSP violations or mixed content', async ({
  plan,
  rec,
}) => {
  const context = await open(plan);
  const page = await context.newPage();
  const problems: string[] = [];
  // Whole messages: a CSP report names the directive and the blocked source at its end.
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url().startsWith('http:')) problems.push(`mixed content: ${r.url()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const resp = await page.goto(
    routeUrl(plan.baseUrl, routePath(plan.config.browser.loginPage, 'smoke.browser.loginPage')),
    {
      timeout: plan.config.browser.timeoutMs,
      waitUntil: 'load',
    },
  );
  await page.waitForTimeout(200);
  rec.request('GET', page.url(), resp?.status() ?? null);
  if (problems.length) rec.detail('browserProblems', problems);
  await context.settle();
  await context.close();
  pageCheck(page.url().startsWith('https:'), `the login page ended at ${page.url()}, not on https`);
  pageCheck(resp && resp.status() === 200, `the login page answered ${resp?.status()}`);
  pageCheck(problems.length === 0, problems.join('; '));
});

test('[browser.login-flow] logging in through the page works', async ({ plan, rec }) => {
  const context = await open(plan);
  const { page, resp } = await loginThroughPage(plan, context);
  rec.request(resp.request().method(), resp.url(), resp.status());
  pageCheck(resp.status() >= 200 && resp.status() < 300, `the login form's request answered ${resp.status()}`);
  const sel = plan.config.browser.successSelector;
  const shown = sel
    ? await page.waitForSelector(sel, { timeout: plan.config.browser.timeoutMs }).then(
        () => true,
        () => false,
      )
    : true;
  // Without a success selector the answer itself must hand out the credential: a 2xx carrying an error is no login.
  const credential = sel ? true : await answerGaveCredential(resp, plan);
  await context.settle();
  await context.close();
  pageCheck(shown, `after logging in the page never showed ${sel}`);
  pageCheck(
    credential,
    `the login form's request answered ${resp.status()} without the credential smoke.login.token names (set smoke.browser.successSelector to judge by the page instead)`,
  );
});

test('[browser.cookies] session cookies are Secure, HttpOnly and SameSite in the browser', async ({ plan, rec }) => {
  const context = await open(plan);
  // Chromium reports a cookie set without SameSite as Lax (its own default; other browsers send it cross-site):
  // the attribute is judged as the platform's Set-Cookie header states it.
  const stated = new Map<string, string>();
  const reading: Promise<void>[] = [];
  context.on('response', (r) => {
    reading.push(
      r
        .headersArray()
        .then((hs) => {
          for (const h of hs.filter((x) => x.name.toLowerCase() === 'set-cookie'))
            for (const line of h.value.split('\n')) stated.set(line.slice(0, line.indexOf('=')).trim(), line);
        })
        .catch(() => {}),
    );
  });
  const { resp } = await loginThroughPage(plan, context);
  pageControl(resp.status() >= 200 && resp.status() < 300, `logging in through the page answered ${resp.status()}`);
  const wanted = plan.config.browser.sessionCookies;
  const cookies = (await context.cookies()).filter((c) => (wanted.length ? wanted.includes(c.name) : true));
  await Promise.all(reading);
  await context.settle();
  await context.close();
  pageControl(cookies.length > 0, 'no session cookie was set by logging in');
  const sameSite = (c: (typeof cookies)[number]) => {
    const line = stated.get(c.name);
    return line === undefined || /;\s*samesite\s*=/i.test(line) ? c.sameSite : 'not set';
  };
  const bad = cookies
    .filter((c) => !c.secure || !c.httpOnly || !['Strict', 'Lax'].includes(sameSite(c)))
    .map((c) => `${c.name} (secure=${c.secure}, httpOnly=${c.httpOnly}, sameSite=${sameSite(c)})`);
  rec.detail(
    'cookies',
    cookies.map((c) => ({ name: c.name, secure: c.secure, httpOnly: c.httpOnly, sameSite: sameSite(c) })),
  );
  pageCheck(bad.length === 0, `session cookies without the flags: ${bad.join(', ')}`);
});

/** Whether the page's login answer carries the credential where smoke.login.token (or refreshToken) says it comes. */
async function answerGaveCredential(resp: import('@playwright/test').Response, plan: SmokePlan): Promise<boolean> {
  const text = await resp.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const headers = await resp.allHeaders();
  const setCookies = (await resp.headersArray())
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .map((h) => {
      const [pair = ''] = h.value.split(';');
      const eq = pair.indexOf('=');
      return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs: {} };
    });
  return gaveCredential(
    { method: resp.request().method(), url: resp.url(), status: resp.status(), headers, setCookies, text, json, ms: 0 },
    plan,
  );
}
