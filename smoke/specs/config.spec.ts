import { test, check } from '../lib/fixtures.ts';
import { debugFindings, signatureMatchers } from '../lib/debug.ts';

test('[config.debug-off] errors carry no stack trace or framework debug page', async ({ api, plan, rec }) => {
  const matchers = signatureMatchers(plan.config.debugSignatures);
  const found: string[] = [];
  for (const p of plan.config.debugProbes) {
    const r = await api.send({ method: p.method, path: p.path, ...(p.body !== undefined ? { body: p.body, headers: { 'content-type': p.contentType ?? 'application/json' } } : {}) });
    for (const name of debugFindings(r.text, r.json, matchers, plan.config.debugFields)) found.push(`${p.method} ${p.path}: ${name}`);
  }
  rec.detail('signatures', plan.config.debugSignatures.length);
  rec.expected = 'plain error bodies without stack traces, debug pages or route listings';
  check(found.length === 0, `debug output in error responses: ${found.join('; ')}`);
});

test('[config.docs-hidden] API documentation is not public', async ({ api, plan, rec }) => {
  const docs = signatureMatchers(plan.config.docsSignatures);
  const open: string[] = [];
  for (const path of plan.config.docsPaths) {
    const r = await api.send({ method: 'GET', path });
    const looksLikeDocs = docs.some((m) => m.test(r.text));
    if (r.status === 200 && looksLikeDocs) open.push(path);
  }
  rec.actual = open.length ? `public: ${open.join(', ')}` : 'no public API documentation';
  check(open.length === 0, `API documentation is public at ${open.join(', ')}`);
});
