import { test, check, control } from '../lib/fixtures.ts';
import { debugFindings, signatureMatchers } from '../lib/debug.ts';

test('[config.debug-off] errors carry no stack trace or framework debug page', async ({ api, plan, rec }) => {
  const matchers = signatureMatchers(plan.config.debugSignatures);
  const found: string[] = [];
  const noError: string[] = [];
  for (const p of plan.config.debugProbes) {
    const r = await api.send({
      method: p.method,
      path: p.path,
      ...(p.body !== undefined
        ? { body: p.body, headers: { 'content-type': p.contentType ?? 'application/json' } }
        : {}),
    });
    for (const name of debugFindings(r.text, r.json, matchers, plan.config.debugFields))
      found.push(`${p.method} ${p.path}: ${name}`);
    if (r.status < 400) noError.push(`${p.method} ${p.path} (${r.status})`);
  }
  rec.detail('signatures', plan.config.debugSignatures.length);
  rec.expected = 'plain error bodies without stack traces, debug pages or route listings';
  check(found.length === 0, `debug output in error responses: ${found.join('; ')}`);
  // A probe that provoked no error (a single-page app answering 200 everywhere) showed no error page to judge.
  control(
    noError.length === 0,
    `probes that provoked no error answer, so no error page was seen: ${noError.join(', ')} (smoke.debugProbes)`,
  );
});

test('[config.docs-hidden] API documentation is not public', async ({ api, plan, rec }) => {
  const docs = signatureMatchers(plan.config.docsSignatures);
  const open: string[] = [];
  // The OpenAPI document the sweep reads from the target is a docs path too.
  const paths = [
    ...new Set([...plan.config.docsPaths, ...(plan.config.openapi?.startsWith('/') ? [plan.config.openapi] : [])]),
  ];
  for (const path of paths) {
    let r = await api.send({ method: 'GET', path });
    // One same-origin redirect is followed (Django's /redoc -> /redoc/): the page behind it is what a visitor sees.
    const next = sameOriginPath(r.headers.location, plan.baseUrl);
    if (r.status >= 300 && r.status < 400 && next) r = await api.send({ method: 'GET', path: next });
    const looksLikeDocs = docs.some((m) => m.test(r.text));
    if (r.status === 200 && looksLikeDocs) open.push(path);
  }
  rec.detail('pathsTried', paths.length);
  rec.actual = open.length ? `public: ${open.join(', ')}` : 'no public API documentation';
  check(open.length === 0, `API documentation is public at ${open.join(', ')}`);
});

/** The path of a redirect's Location when it stays on the target's origin, relative to target.baseUrl's path. */
function sameOriginPath(location: string | undefined, baseUrl: string): string | undefined {
  if (!location) return undefined;
  const base = new URL(baseUrl);
  const to = new URL(location, base);
  if (to.origin !== base.origin) return undefined;
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = to.pathname.startsWith(prefix) ? to.pathname.slice(prefix.length) || '/' : to.pathname;
  return path + to.search;
}
