import { test, check } from '../lib/fixtures.ts';

/** Signatures of stack traces and framework debug pages (FastAPI/Starlette, Django, Flask/Werkzeug, Express/Node, Rails, PHP). */
const DEBUG_SIGNATURES: Array<[string, RegExp]> = [
  ['Python traceback', /Traceback \(most recent call last\)/],
  ['Python frame', /File "[^"]+\.py", line \d+/],
  ['Django debug page', /You're seeing this error because you have <code>DEBUG = True<\/code>|Django Version:|DisallowedHost/],
  ['Werkzeug debugger', /Werkzeug Debugger|werkzeug\.exceptions/],
  ['Starlette debug', /starlette\.|fastapi\/routing\.py/i],
  ['Node stack frame', /\n?\s*at [\w$.<>\s]+ \(?(?:\/|file:|node:)[^)\n]*:\d+:\d+\)?/],
  ['Express debug', /Cannot (?:GET|POST) .*<pre>|node_modules\//],
  ['Rails debug page', /ActionController::|Rails\.root|actionpack/],
  ['PHP error', /Fatal error:.* on line \d+|Stack trace:\s*#0/],
  ['route listing', /"routes"\s*:\s*\[|Available routes/i],
  ['SQL error', /SQLSTATE|sqlite3\.|OperationalError|SQLITE_ERROR|syntax error at or near/i],
];

test('[config.debug-off] errors carry no stack trace or framework debug page', async ({ api, plan, rec }) => {
  const found: string[] = [];
  for (const p of plan.config.debugProbes) {
    const r = await api.send({ method: p.method, path: p.path, ...(p.body !== undefined ? { body: p.body, headers: { 'content-type': p.contentType ?? 'application/json' } } : {}) });
    for (const [name, re] of DEBUG_SIGNATURES) if (re.test(r.text)) found.push(`${p.method} ${p.path}: ${name}`);
  }
  rec.expected = 'plain error bodies without stack traces, debug pages or route listings';
  check(found.length === 0, `debug output in error responses: ${found.join('; ')}`);
});

test('[config.docs-hidden] API documentation is not public', async ({ api, plan, rec }) => {
  const open: string[] = [];
  for (const path of plan.config.docsPaths) {
    const r = await api.send({ method: 'GET', path });
    const looksLikeDocs = /swagger|openapi|redoc|"paths"\s*:|graphiql|debug toolbar/i.test(r.text);
    if (r.status === 200 && looksLikeDocs) open.push(path);
  }
  rec.actual = open.length ? `public: ${open.join(', ')}` : 'no public API documentation';
  check(open.length === 0, `API documentation is public at ${open.join(', ')}`);
});
