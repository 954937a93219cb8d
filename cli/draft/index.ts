import { dirname, relative } from 'node:path';
import { parseConfig } from '../../config/load.ts';
import type { ApiDocument, DocumentSource } from './document.ts';
import { draftAuth } from './auth.ts';
import { draftFlow } from './flow.ts';
import { code, noted, plain, render } from './render.ts';
import { fieldKey, type Vocabulary } from './vocabulary.ts';

export interface Draft {
  /** gonogo.config.ts */
  config: string;
  /** .env.example */
  env: string;
  /** One line per decision left to the team. */
  todos: string[];
}

const envVar = (role: string): string => role.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** The base URL: --target, else the document's first absolute server URL, else a TODO. */
function baseUrlOf(doc: ApiDocument, target: string | undefined, todos: string[]): { url: string; comment: string } {
  // The routes are the document's paths: they live under the server's path (`/api/v1`), on whatever host.
  const prefix = doc.server ? new URL(doc.server, 'http://placeholder.invalid/').pathname.replace(/\/+$/, '') : '';
  if (target) {
    const url =
      prefix && !new URL(target).pathname.replace(/\/+$/, '').endsWith(prefix) ? `${target}${prefix}` : target;
    return {
      url,
      comment: `target: as given with --target${url !== target ? `, under the document's server path ${prefix}` : ''}`,
    };
  }
  if (doc.server && /^https?:\/\//i.test(doc.server))
    return { url: doc.server.replace(/\/+$/, ''), comment: "target: the document's first server" };
  todos.push('target.baseUrl');
  return {
    url: 'https://staging.example.com',
    comment: `TODO: the document names no absolute server URL${doc.server ? ` (only "${doc.server}")` : ''}; set the platform's base URL (or GONOGO_BASE_URL)`,
  };
}

/**
 * The platform's names for the suite's abstract roles: admin is the name the vocabulary knows, the counterparty the
 * other role a secured route requires (else the role the order body names its counterparty by: `seller`), the owner
 * the one role left in `me`'s role field.
 */
function resolveRoles(
  v: Vocabulary,
  names: { required: string[]; listed: string[] },
  party: string | undefined,
): { owner?: string; counterparty?: string; admin?: string } {
  const all = [...new Set([...names.required, ...names.listed])];
  const admin = all.find((r) => v.roles.admin.some((w) => fieldKey(w) === fieldKey(r)));
  const byParty = party
    ? all.find((r) => r !== admin && fieldKey(r) === fieldKey(party).replace(/id$/, ''))
    : undefined;
  const counterparty = names.required.find((r) => r !== admin) ?? byParty;
  const left = names.listed.filter((r) => r !== admin && r !== counterparty);
  return {
    ...(left.length === 1 ? { owner: left[0] } : {}),
    ...(counterparty ? { counterparty } : {}),
    ...(admin ? { admin } : {}),
  };
}

/** Drafts gonogo.config.ts and .env.example from a dereferenced document; the draft is checked by the config schema before it is returned. */
export function draftConfig(
  v: Vocabulary,
  doc: ApiDocument,
  src: DocumentSource,
  o: { outFile: string; target?: string },
): Draft {
  const auth = draftAuth(v, doc);
  const flow = draftFlow(v, doc, auth.picks.me?.best?.op);
  const todos = [...auth.todos, ...flow.todos];
  const base = baseUrlOf(doc, o.target, todos);

  // The document itself for the anonymous-access sweep: a file by its path from the config, a URL on the target by its path.
  let openapi: unknown;
  if (!src.isUrl)
    openapi = noted(
      relative(dirname(o.outFile), src.location) || src.location,
      'openapi: the document this draft was made from, for the anonymous-access sweep (auth.openapi-sweep)',
    );
  else if (new URL(src.location).origin === new URL(base.url).origin) {
    // Routes are joined under the base URL's path, so the document's path is taken from under it.
    const under = new URL(base.url).pathname.replace(/\/+$/, '');
    const path = new URL(src.location).pathname;
    openapi =
      path.startsWith(`${under}/`) || !under
        ? noted(
            path.slice(under.length),
            'openapi: the document on the target; a document served publicly fails config.docs-hidden: keep a copy in the repository and name the file here instead',
          )
        : undefined;
  }
  if (!openapi) todos.push('openapi: save the document and name the file');

  const roles = resolveRoles(v, auth.roleNames, flow.party);
  const roleNotes = [
    "roles: the names the document uses (the role field of `me`'s answer, the role names secured operations require)",
    ...(!roles.owner
      ? ['TODO: roles.owner: the role a self-registered account gets; the document does not say it']
      : []),
    ...(!roles.counterparty
      ? ['TODO: roles.counterparty: the other party of an order; the document does not say it']
      : []),
    ...(!roles.admin ? ['TODO: roles.admin; the document does not say it'] : []),
  ];
  for (const r of ['owner', 'counterparty', 'admin'] as const) if (!roles[r]) todos.push(`roles.${r}`);
  const r = {
    owner: roles.owner ?? 'client',
    counterparty: roles.counterparty ?? 'manufacturer',
    admin: roles.admin ?? 'admin',
  };
  const accounts = [r.owner, r.counterparty, r.admin].map((role) => ({
    role,
    email: code(
      `env('GONOGO_${envVar(role)}_EMAIL', 'qa-${role.toLowerCase()}@example.com')`,
      `qa-${role.toLowerCase()}@example.com`,
    ),
    passwordEnv: `GONOGO_${envVar(role)}_PASSWORD`,
  }));
  if (!auth.roleRoutes) todos.push('roleRoutes');
  todos.push('ratelimit models', 'mailbox', 'browser.loginPage');
  // Health routes by their conventional words; every route is written out, none is left to a default (docs/config.md, "Routes").
  const healthPaths = [
    ...new Set(
      doc.operations
        .filter(
          (op) =>
            op.method === 'GET' && /(^|\/)(health|healthz|ready|readyz|live|livez|ping|status)\/?$/i.test(op.path),
        )
        .map((op) => op.path),
    ),
  ];
  if (!healthPaths.length) todos.push('health.routes');

  const smoke = {
    ...auth.sections,
    roles: noted(r, ...roleNotes),
    roleRoutes: auth.roleRoutes
      ? noted(
          auth.roleRoutes,
          'roleRoutes: the GET operations whose security requirement names a role (an OAuth2 scope, an OpenAPI 3.1 role)',
        )
      : noted(
          {},
          "TODO: roleRoutes: no operation of the document names the role it requires; list routes only a role may reach, e.g. { admin: [{ path: '/api/admin/users' }] }",
        ),
    escrow: flow.escrow,
    ...(flow.webhook ? { webhook: flow.webhook } : {}),
    ...(openapi
      ? { openapi }
      : {
          openapiSweep: noted(
            {},
            "TODO: openapi: the document was fetched from outside the target's base URL; save it in the repository and name the file here as `openapi` for the anonymous-access sweep",
          ),
        }),
    ratelimit: noted(
      {},
      'TODO: ratelimit: a document states no limits; the models default to the KPI file\'s numbers, the login limit keyed by address and the API\'s by user: say how your limiters count (docs/config.md, "The rate-limit model")',
    ),
    mailbox: noted(
      { kind: 'smtp-sink' },
      'TODO: where the verification mail lands (a Mailpit or MailHog URL, a maildir, a folder of .eml files, or gonogo\'s own SMTP sink): docs/config.md, "The mailbox"',
    ),
    health: noted(
      { routes: healthPaths.length ? healthPaths : ['/health'] },
      healthPaths.length
        ? 'health.routes: the GET operations named like health, readiness or liveness probes'
        : 'TODO: health.routes: the document names no health route; list the routes that must answer 200 (or declare health.routes in notApplicable)',
    ),
    browser: noted(
      { loginPage: '/login' },
      'TODO: browser.loginPage: the page holding the login form (a document describes no pages); `enabled: false` for an API-only platform',
    ),
    accounts: noted(
      accounts,
      'QA accounts, one per role: their passwords come from the environment (.env.example); never used for destructive probes',
      'jwtSecretEnv (not set): the variable holding the token signing secret, if the team shares it, lets auth.expired-rejected mint an expired token; without it that check skips',
    ),
  };
  const config = {
    target: noted(
      {
        baseUrl: code(`env('GONOGO_BASE_URL', '${base.url}')`, base.url),
        '...ca': code("(env('GONOGO_CA_FILE') ? { caFile: env('GONOGO_CA_FILE') } : {})", {}),
      },
      base.comment,
    ),
    kpis: './kpis.yaml',
    smoke,
  };
  // The schema is the judge: a draft it refuses would be a drafting bug, never the user's problem.
  parseConfig(plain(config), o.outFile);

  const header = [
    '/**',
    ` * Drafted by \`gonogo init --from-openapi\` from ${src.source}`,
    ` * ("${doc.title}", ${doc.version}). Each mapping says which operation it took and why; each TODO (${todos.length} here)`,
    ' * is a decision the document could not make. Check them (docs/init.md, docs/config.md, docs/flows.md), export the',
    ' * secrets .env.example names, then `npx gonogo run --suite smoke`. security and load keep their defaults: see docs/config.md.',
    ' */',
    "import { defineConfig } from 'gonogo';",
    '',
    "const env = (name: string, fallback = ''): string => process.env[name] ?? fallback;",
    '',
    `export default defineConfig(${render(config)});`,
    '',
  ].join('\n');

  const env = [
    '# Secrets gonogo reads from the environment (never from gonogo.config.ts), as the drafted config names them.',
    '# Copy to .env for local runs (do not commit it) or set them as CI secrets.',
    '',
    "# Where the platform runs (default: the document's server) and a private CA for its certificate, if any.",
    'GONOGO_BASE_URL=',
    'GONOGO_CA_FILE=',
    '',
    '# The QA accounts of smoke.accounts: their addresses and passwords.',
    ...accounts.flatMap((a) => [`GONOGO_${envVar(a.role)}_EMAIL=`, `${a.passwordEnv}=`]),
    '',
    '# Stripe webhook signing secret of the TEST-mode endpoint (whsec_...); live keys (sk_live_) are refused.',
    'GONOGO_WEBHOOK_SECRET=',
    '',
  ].join('\n');
  return { config: header, env, todos };
}
