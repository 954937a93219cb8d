import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { packageFile } from '../core/files.ts';
import { regex } from '../core/signin/config.ts';

/**
 * The smoke suite's vocabulary: the words, fields and statuses its checks look for, each a config
 * list with a default taken from the frameworks' own source. The defaults are exported so a config
 * can extend a list (`[...DEFAULT_DEBUG_SIGNATURES, mine]`) instead of replacing it.
 */

/** A sign of a debug page or stack trace in a response body: literal `text`, or a regex `pattern` with `flags`. */
export const DebugSignature = z.union([
  z.object({ name: z.string().min(1), text: z.string().min(1) }).strict(),
  z
    .object({
      name: z.string().min(1),
      pattern: regex,
      flags: z
        .string()
        .regex(/^[imsu]*$/, 'regex flags among i, m, s, u')
        .optional(),
    })
    .strict(),
]);
export type DebugSignature = z.infer<typeof DebugSignature>;

export const DEFAULT_DEBUG_SIGNATURES: DebugSignature[] = [
  // CPython Lib/traceback.py (TracebackException.format); Starlette's plain-text debug response prints it (starlette/middleware/errors.py).
  { name: 'Python traceback', text: 'Traceback (most recent call last)' },
  { name: 'Python frame', pattern: 'File "[^"]+\\.py", line \\d+' },
  { name: 'Python install path', text: 'site-packages/' },
  // django/views/templates/technical_500.html and technical_404.html (Django 5.2: curly apostrophe).
  { name: 'Django debug page', text: 'You’re seeing this error because you have' },
  // The same sentence as Django before 3.2 wrote it, and as it survives copy-pasted templates.
  { name: 'Django debug page (straight apostrophe)', text: "You're seeing this error because you have" },
  // django/views/templates/technical_404.html.
  { name: 'Django URL listing', text: 'Django tried these URL patterns' },
  // django/views/templates/technical_500.html and technical_500.txt.
  { name: 'Django version banner', text: 'Django Version:' },
  // starlette/middleware/errors.py TEMPLATE and FRAME_TEMPLATE (ServerErrorMiddleware with debug=True, as FastAPI uses it).
  { name: 'Starlette debugger', text: '<title>Starlette Debugger</title>' },
  { name: 'Starlette traceback frame', text: 'class="frame-filename"' },
  // werkzeug/debug/tbtools.py (Flask's debugger).
  { name: 'Werkzeug debugger', text: 'Werkzeug Debugger' },
  { name: 'Werkzeug debugger', text: 'The debugger caught an exception' },
  // express 4 lib/router/layer.js (Layer.handle [as handle_request]) and router 2 lib/layer.js (handleRequest), as finalhandler prints err.stack.
  {
    name: 'Express stack frame',
    pattern: 'at Layer\\.(?:handle|handle_request|handle_error|handleRequest|handleError)\\b',
  },
  { name: 'Node stack frame', pattern: '\\bat [\\w$.<>\\s]+ \\(?(?:/|file:|node:)[^)\\n]*:\\d+:\\d+\\)?' },
  { name: 'Node install path', text: 'node_modules/' },
  // actionpack/lib/action_dispatch/middleware/templates/rescues/layout.erb and _trace.html.erb.
  { name: 'Rails debug page', text: 'Action Controller: Exception caught' },
  { name: 'Rails debug page', text: 'Rails.root:' },
  { name: 'Rails exception class', text: 'ActionController::' },
  // spring-boot-autoconfigure ErrorMvcAutoConfiguration.java (StaticView), shown when no error page is configured.
  { name: 'Spring Whitelabel error page', text: 'Whitelabel Error Page' },
  { name: 'Java stack frame', pattern: '\\bat [\\w$.]+\\([\\w$]+\\.java:\\d+\\)' },
  { name: 'PHP error', pattern: 'Fatal error:.* on line \\d+|Stack trace:\\s*#0' },
  { name: 'route listing', pattern: '"routes"\\s*:\\s*\\[|Available routes', flags: 'i' },
  {
    name: 'SQL error',
    pattern: 'SQLSTATE|sqlite3\\.|OperationalError|SQLITE_ERROR|syntax error at or near',
    flags: 'i',
  },
];

/** What an API documentation page or document looks like (Swagger UI, ReDoc, GraphiQL, an OpenAPI document, Django Debug Toolbar). */
export const DEFAULT_DOCS_SIGNATURES: DebugSignature[] = [
  { name: 'Swagger', pattern: 'swagger', flags: 'i' },
  { name: 'OpenAPI', pattern: 'openapi', flags: 'i' },
  { name: 'ReDoc', pattern: 'redoc', flags: 'i' },
  { name: 'OpenAPI paths', pattern: '"paths"\\s*:' },
  { name: 'GraphiQL', pattern: 'graphiql', flags: 'i' },
  { name: 'debug toolbar', pattern: 'debug toolbar', flags: 'i' },
];

/**
 * JSON fields that give internals away when they hold a stack-shaped value (a list, an object or
 * multi-line text): Spring's `trace` and `exception`, Laravel's `exception` and `trace`, Node's `stack`.
 */
export const DEFAULT_DEBUG_FIELDS = [
  'stack',
  'stacktrace',
  'stackTrace',
  'stack_trace',
  'trace',
  'traceback',
  'backtrace',
  'exception',
  'debug',
];

/** Privileged fields sent at registration, each with a value that would escalate; "{{admin_role}}" is `roles.admin`. */
export const DEFAULT_MASS_ASSIGNMENT_FIELDS: Record<string, unknown> = {
  role: '{{admin_role}}',
  is_admin: true,
  is_verified: true,
  is_staff: true,
  is_superuser: true,
  is_active: true,
  email_confirmed: true,
  email_verified: true,
  permissions: ['*'],
  groups: ['{{admin_role}}'],
  balance: 1_000_000,
};

export const MassAssignment = z
  .object({
    /** Field -> escalating value; absent: the default list plus `roleClaim` set to the admin role (see derivedDefaults in config.ts). */
    fields: z.record(z.string().min(1), z.unknown()).optional(),
    /** Statuses that mean a strict schema refused the fields: a correct answer once the same registration without them works. */
    refusalStatuses: z.array(z.number().int().min(400).max(499)).min(1).default([400, 422]),
    /** Privileged fields in one registration at first; a refused group is halved until each refused field is alone. */
    groupSize: z.number().int().positive().default(12),
    /** Registrations the check may send, the plain one included (each may cost a registration limit slot and a mail). */
    maxRegistrations: z.number().int().min(2).max(200).default(24),
  })
  .strict();

/** The default privileged fields of a platform whose role travels in `roleClaim`: the claim joins the list with the admin role. */
export function defaultMassAssignmentFields(roleClaim: string): Record<string, unknown> {
  return roleClaim in DEFAULT_MASS_ASSIGNMENT_FIELDS
    ? DEFAULT_MASS_ASSIGNMENT_FIELDS
    : { ...DEFAULT_MASS_ASSIGNMENT_FIELDS, [roleClaim]: '{{admin_role}}' };
}

/** The shipped weak-secret wordlist: framework placeholders and the most common passwords. */
export const WEAK_SECRETS_FILE = packageFile('smoke/vocab/weak-secrets.txt');

/** The shipped demo lists (sources inside): addresses and passwords that sample data and tutorials seed, most common first. */
export const DEMO_ACCOUNTS_FILE = packageFile('smoke/vocab/demo-accounts.txt');
export const DEMO_PASSWORDS_FILE = packageFile('smoke/vocab/demo-passwords.txt');
// Same format as the weak-secret list; read once at load, so the exported defaults are plain arrays a config can inspect.
const shippedList = (file: string) =>
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '' && !l.startsWith('#'));
export const DEFAULT_DEMO_ACCOUNTS: readonly string[] = shippedList(DEMO_ACCOUNTS_FILE);
export const DEFAULT_DEMO_PASSWORDS: readonly string[] = shippedList(DEMO_PASSWORDS_FILE);

/** Role names of the platform, mapped onto the suite's abstract roles. */
export const Roles = z
  .object({
    /** The role a self-registered account gets: it owns orders; rbac and mass assignment are judged against it. */
    owner: z.string().min(1).default('client'),
    /** The other party of an order (the one paid on release). */
    counterparty: z.string().min(1).default('manufacturer'),
    /** The role escalated to in tampered tokens and mass-assignment probes. */
    admin: z.string().min(1).default('admin'),
  })
  .strict();

/** What counts as a refusal by default: every 4xx but 429, and every 5xx (the bypass did not go through; the debug checks judge 5xx bodies). */
export const DEFAULT_REFUSAL_STATUSES: Array<number | string> = ['400-428', '430-599'];
