import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { packageFile } from '../../core/files.ts';

const dir = pathToFileURL(packageFile('reference-app/static/'));
// Read once at registration: three small files, served from memory.
const files = {
  html: readFileSync(new URL('login.html', dir), 'utf8'),
  js: readFileSync(new URL('login.js', dir), 'utf8'),
  css: readFileSync(new URL('login.css', dir), 'utf8'),
};
const unlimited = { config: { rateLimit: false } } as const;

export const HOME_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reference marketplace</title></head>' +
  '<body><h1>Reference marketplace</h1><p><a href="/login">Sign in</a></p></body></html>';

// An inline snippet of the kind analytics vendors ship: the strict CSP blocks it and the browser reports a violation.
const INLINE_SNIPPET =
  '<script>window.analyticsQueue = window.analyticsQueue || []; window.analyticsQueue.push(["pageview"]);</script>\n';

const CDN_SCRIPT = '<script src="https://cdn.analytics.example/v2/tag.js" crossorigin="anonymous"></script>';

export function registerPageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { paths, auth } = ctx.dialect;
  // A front end left behind by an API rename: the page still sends the email under a field the login route no longer reads.
  const emailField = ctx.flaws.has('login-form-wrong-field') ? 'user_email' : auth.loginEmailField;
  const csrf = auth.session
    ? ` data-csrf-field="${auth.session.csrfField}" data-csrf-header="${auth.session.csrfHeader}"`
    : '';
  const attrs = `data-login="${paths.login}" data-me="${paths.me}" data-encoding="${auth.loginEncoding}" data-email-field="${emailField}"${csrf}`;
  const page = files.html.replace('<body>', `<body ${attrs}>`);
  const loginHtml = ctx.flaws.has('login-inline-script') ? page.replace('</head>', `  ${INLINE_SNIPPET}</head>`) : page;
  // A vendor's script pulled from its CDN as its docs suggest, with no integrity hash (the browser would load whatever it serves).
  const home = ctx.flaws.has('cdn-script-no-sri') ? HOME_HTML.replace('</head>', `${CDN_SCRIPT}</head>`) : HOME_HTML;
  app.get('/', unlimited, async (_req, reply) => {
    // A preferences cookie, as most sites set one on their home page; with the flaw without a single attribute: readable by
    // scripts, sent over http and cross-site. Without it the header audit has no cookie to judge on the audited pages.
    reply.header(
      'Set-Cookie',
      ctx.flaws.has('home-cookie-insecure')
        ? 'prefs=theme%3Dlight; Path=/'
        : 'prefs=theme%3Dlight; Path=/; Secure; HttpOnly; SameSite=Lax',
    );
    return reply.type('text/html; charset=utf-8').send(home);
  });
  app.get('/login', unlimited, async (_req, reply) => {
    const s = auth.session;
    if (!s) return reply.type('text/html; charset=utf-8').send(loginHtml);
    // Django's login page with CSRF_COOKIE_HTTPONLY: the cookie scripts cannot read, its value in the form's hidden field.
    const token = ctx.csrf.anonymous();
    reply.setCookie(s.csrfCookie, token, { secure: true, httpOnly: true, sameSite: 'lax', path: '/' });
    return reply
      .type('text/html; charset=utf-8')
      .send(
        loginHtml.replace(
          '<form id="login-form">',
          `<form id="login-form">\n      <input type="hidden" name="${s.csrfField}" value="${token}">`,
        ),
      );
  });
  app.get('/static/login.js', unlimited, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(files.js),
  );
  app.get('/static/login.css', unlimited, async (_req, reply) => reply.type('text/css; charset=utf-8').send(files.css));
}
