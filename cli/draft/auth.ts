import { flatten, isSecured, type ApiDocument, type Operation, type Schema } from './document.ts';
import { explain, hasPathParams, opName, pick, type Pick } from './match.ts';
import { noted, type Noted } from './render.ts';
import { pickField, type FieldKind, type Vocabulary } from './vocabulary.ts';

/** What the auth part of the draft needs from the rest, and gives back to it. */
export interface AuthDraft {
  sections: Record<string, Noted>;
  picks: Partial<Record<'login' | 'register' | 'verifyEmail' | 'refresh' | 'logout' | 'me', Pick>>;
  /** Role names the secured operations require, and those `me`'s role field lists. */
  roleNames: { required: string[]; listed: string[] };
  roleRoutes?: Record<string, Array<{ method: string; path: string }>>;
  todos: string[];
}

export const propsOf = (s: Schema | undefined): Record<string, Schema> => flatten(s)?.properties ?? {};
const bodyProps = (op: Operation | undefined): string[] => Object.keys(propsOf(op?.body?.schema));
/** The JSON body of the operation's first 2xx answer. */
export const okSchema = (op: Operation | undefined): Schema | undefined =>
  op?.responses.find((r) => r.status < 300 && r.schema)?.schema;

/** A JSON path to the first field of `kind` in a response body, looking one object level down (`data.token`). */
export function findPath(
  v: Vocabulary,
  kind: FieldKind,
  schema: Schema | undefined,
  skip: readonly string[] = [],
): string | undefined {
  const props = propsOf(schema);
  const top = pickField(
    v,
    kind,
    Object.keys(props).filter((k) => !skip.includes(k)),
  );
  if (top) return top;
  for (const [k, s] of Object.entries(props)) {
    const inner = pickField(
      v,
      kind,
      Object.keys(propsOf(s)).filter((x) => !skip.includes(x)),
    );
    if (inner) return `${k}.${inner}`;
  }
  return undefined;
}

/** Comment lines naming the pick, its reasons and its runners-up; a TODO when the pick is ambiguous or missing. */
export function why(v: Vocabulary, p: Pick, what: string, todos: string[]): string[] {
  const lines = [`${what}: ${explain(p)}`];
  if (!p.best) {
    lines.push(
      `TODO: no operation of the document looks like ${what} (config/defaults/openapi-vocabulary.yaml); the path below is a placeholder to replace (no route has a default)`,
    );
    todos.push(`${what}: no operation found`);
  } else if (p.ambiguous) {
    lines.push(
      `TODO: ambiguous: ${p.runnersUp
        .filter((r) => r.op.path !== p.best!.op.path && p.best!.score - r.score <= v.ambiguousMargin)
        .slice(0, 2)
        .map((r) => opName(r.op))
        .join(', ')} score close to ${opName(p.best.op)}; check which one is ${what}`,
    );
    todos.push(`${what}: ambiguous`);
  }
  return lines;
}

/** How authenticated requests carry the credential, from the security schemes the secured operations use. */
function sendOf(
  doc: ApiDocument,
  todos: string[],
): { send: Record<string, unknown>; cookie?: string; comment: string[] } {
  const used = new Map<string, number>();
  for (const op of doc.operations)
    if (isSecured(op)) for (const name of Object.keys(op.security[0] ?? {})) used.set(name, (used.get(name) ?? 0) + 1);
  const [name] = [...used.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  const s = name ? doc.schemes[name] : undefined;
  const from = (how: string) => [
    `send: security scheme "${name}" (${how}), used by ${used.get(name!)} secured operation(s)`,
  ];
  if (!s) {
    todos.push('send: no security scheme');
    return {
      send: { as: 'bearer' },
      comment: ['TODO: no secured operation names a security scheme; assumed a bearer token'],
    };
  }
  if ((s.type === 'http' && /^bearer$/i.test(s.scheme ?? '')) || s.type === 'oauth2' || s.type === 'openIdConnect')
    return { send: { as: 'bearer' }, comment: from(s.type === 'http' ? 'http bearer' : s.type) };
  if (s.type === 'apiKey' && s.in === 'cookie' && s.name)
    return { send: { as: 'cookie', name: s.name }, cookie: s.name, comment: from(`apiKey in cookie ${s.name}`) };
  if (s.type === 'apiKey' && s.in === 'header' && s.name) {
    const auth = /^authorization$/i.test(s.name);
    if (auth) todos.push('send: the Authorization prefix');
    return {
      send: { as: 'header', name: s.name, prefix: '' },
      comment: [
        ...from(`apiKey in header ${s.name}`),
        ...(auth
          ? ['TODO: the prefix before the token in Authorization ("Token ", "Bearer "); the document does not say it']
          : []),
      ],
    };
  }
  todos.push(`send: unsupported scheme ${s.type}`);
  return {
    send: { as: 'bearer' },
    comment: [
      `TODO: security scheme "${name}" (${s.type}${s.scheme ? ` ${s.scheme}` : ''}) is no token gonogo can send; assumed a bearer token`,
    ],
  };
}

/** A value for a required field gonogo has no variable for: the schema's first enum value, else a TODO. */
function fillRequired(
  names: string[],
  schema: Schema | undefined,
  todos: string[],
  where: string,
): { fields: Record<string, unknown>; comments: string[] } {
  const props = propsOf(schema);
  const fields: Record<string, unknown> = {};
  const comments: string[] = [];
  for (const n of names) {
    const p = props[n] ?? {};
    if (p.enum?.length) {
      fields[n] = p.enum[0];
      continue;
    }
    fields[n] = 'TODO';
    comments.push(`TODO: ${where}.${n} is required by the document and gonogo has no value for it`);
    todos.push(`${where}.${n}: a required field`);
  }
  return { fields, comments };
}

export function draftAuth(v: Vocabulary, doc: ApiDocument): AuthDraft {
  const todos: string[] = [];
  const picks: AuthDraft['picks'] = {};
  for (const k of ['login', 'register', 'verifyEmail', 'refresh', 'logout', 'me'] as const) picks[k] = pick(v, doc, k);
  const sections: Record<string, Noted> = {};
  const send = sendOf(doc, todos);

  // login
  const lp = picks.login!;
  const lop = lp.best?.op;
  const lprops = bodyProps(lop);
  const emailField = pickField(v, 'email', lprops);
  const passwordField = pickField(v, 'password', lprops);
  const lres = okSchema(lop);
  const accessPath = findPath(v, 'accessToken', lres, ['token_type', 'expires_in']);
  const refreshOp = picks.refresh!.best?.op;
  const refreshBody = findPath(v, 'refreshToken', lres, accessPath ? [accessPath] : []);
  const refreshCookie = refreshOp?.params.find(
    (p) => p.in === 'cookie' && pickField(v, 'refreshToken', [p.name]),
  )?.name;
  const lc = why(v, lp, 'login', todos);
  let token: Record<string, unknown> = { from: 'body', path: 'access_token' };
  if (accessPath) {
    token = { from: 'body', path: accessPath };
    lc.push(`token: the login answer's "${accessPath}"`);
  } else if (lop?.responses.some((r) => r.headers.some((h) => /^authorization$/i.test(h)))) {
    token = { from: 'header', name: 'Authorization', prefix: 'Bearer ' };
    lc.push("token: the login answer's Authorization header");
  } else if (send.cookie) {
    token = { from: 'cookie', name: send.cookie };
    lc.push(`token: the ${send.cookie} cookie the secured operations take`);
  } else if (lop) {
    lc.push(
      "TODO: the login answer declares no token field, Authorization header or cookie; assumed the body's access_token",
    );
    todos.push('login.token');
  }
  if (lop && !lop.body) {
    lc.push('TODO: the login operation declares no request body; assumed JSON email/password');
    todos.push('login.body');
  } else if (lop && (!emailField || !passwordField)) {
    lc.push(
      `TODO: no ${!emailField ? 'email/username' : 'password'} field among the login body's ${lprops.join(', ') || '(none)'}`,
    );
    todos.push('login fields');
  }
  const lreq = (flatten(lop?.body?.schema)?.required ?? []).filter((n) => n !== emailField && n !== passwordField);
  const lextra = fillRequired(lreq, lop?.body?.schema, todos, 'login.extraFields');
  lc.push(...send.comment, ...lextra.comments);
  let refreshToken: Record<string, unknown> | undefined;
  if (refreshBody) refreshToken = { from: 'body', path: refreshBody };
  else if (refreshCookie) refreshToken = { from: 'cookie', name: refreshCookie };
  if (refreshToken)
    lc.push(
      `refreshToken: ${refreshBody ? `the login answer's "${refreshBody}"` : `the ${refreshCookie} cookie the refresh operation takes`}`,
    );
  sections.login = noted(
    {
      method: lop?.method ?? 'POST',
      path: lop?.path ?? '/api/auth/login',
      encoding: lop?.body?.encoding ?? 'json',
      emailField: emailField ?? 'email',
      passwordField: passwordField ?? 'password',
      ...(lreq.length ? { extraFields: lextra.fields } : {}),
      token,
      ...(refreshToken ? { refreshToken } : {}),
      send: send.send,
      // A session cookie is sent by browsers on their own: such platforms guard state changes with a CSRF token.
      ...(send.cookie ? { csrf: {} } : {}),
    },
    ...lc,
    ...(send.cookie
      ? [
          'csrf: the session travels in a cookie, so the CSRF token is fetched before login from smoke.login.csrf.path (default: the browser login page) by the default sources; `gonogo doctor` shows whether it was found',
        ]
      : []),
  );

  // register
  const rp = picks.register!;
  const rop = rp.best?.op;
  const rprops = bodyProps(rop);
  const rEmail = pickField(v, 'email', rprops);
  const rPassword = pickField(v, 'password', rprops);
  const rName = pickField(
    v,
    'name',
    rprops.filter((n) => n !== rEmail),
  );
  const rreq = (flatten(rop?.body?.schema)?.required ?? []).filter(
    (n) => n !== rEmail && n !== rPassword && n !== rName,
  );
  const rextra = fillRequired(rreq, rop?.body?.schema, todos, 'register.extraFields');
  const rc = why(v, rp, 'register', todos);
  if (rop && (!rEmail || !rPassword)) {
    rc.push(
      `TODO: no ${!rEmail ? 'email' : 'password'} field among the registration body's ${rprops.join(', ') || '(none)'}`,
    );
    todos.push('register fields');
  }
  rc.push(...rextra.comments);
  sections.register = noted(
    {
      method: rop?.method ?? 'POST',
      path: rop?.path ?? '/api/auth/register',
      encoding: rop?.body?.encoding ?? 'json',
      emailField: rEmail ?? 'email',
      passwordField: rPassword ?? 'password',
      extraFields: { ...(rName ? { [rName]: 'gonogo {{name}}' } : {}), ...rextra.fields },
    },
    ...rc,
  );

  // verifyEmail: a GET with the token in the query is a link to follow; a POST of the token is "post" mode.
  const vp = picks.verifyEmail!;
  const vop = vp.best?.op;
  const sameRoute = vop ? [vp.best!, ...vp.runnersUp].filter((c) => c.op.path === vop.path).map((c) => c.op) : [];
  const linkOp = sameRoute.find(
    (o) => o.method === 'GET' && o.params.some((p) => p.in === 'query' && pickField(v, 'verifyToken', [p.name])),
  );
  const postOp = sameRoute.find((o) => o.method === 'POST');
  const vc = why(v, vp, 'verifyEmail', todos);
  if (!vop) sections.verifyEmail = noted({ mode: 'link' }, ...vc);
  else if (linkOp) {
    vc.push('mode link: the route takes the token in its query string, as a link in the mail would carry it');
    sections.verifyEmail = noted(
      {
        mode: 'link',
        linkPattern:
          vop.path
            .split('/')
            .filter((s) => s && !s.startsWith('{'))
            .at(-1) ?? 'verif',
      },
      ...vc,
    );
  } else {
    const op = postOp ?? vop;
    const tokenField = pickField(v, 'verifyToken', bodyProps(op));
    vc.push(
      'mode post: the route takes the token in its body',
      "TODO: tokenPattern and linkPattern: how the mail gives the token (a link or a code) is not in the document; the default reads a link's `token` query parameter",
    );
    todos.push('verifyEmail.tokenPattern');
    if (!tokenField) {
      vc.push('TODO: no token field in the verification body');
      todos.push('verifyEmail.tokenField');
    }
    sections.verifyEmail = noted(
      { mode: 'post', method: op.method, path: op.path, tokenField: tokenField ?? 'token' },
      ...vc,
    );
  }

  // refresh
  const fp = picks.refresh!;
  const fc = refreshOp
    ? why(v, fp, 'refresh', todos)
    : [
        `refresh: ${explain(fp)}; no path written (no route has a default): write it if the platform has one, as it is required once smoke.login.refreshToken is mapped`,
      ];
  const fField = pickField(v, 'refreshToken', bodyProps(refreshOp));
  if (refreshOp && !fField && !refreshCookie) {
    fc.push('TODO: the refresh operation takes no refresh-token field or cookie the vocabulary knows');
    todos.push('refresh.field');
  }
  sections.refresh = noted(
    {
      method: refreshOp?.method ?? 'POST',
      ...(refreshOp?.path ? { path: refreshOp?.path } : {}),
      ...(refreshOp?.body ? { encoding: refreshOp.body.encoding } : {}),
      ...(fField ? { field: fField } : refreshCookie ? { cookie: refreshCookie } : {}),
    },
    ...fc,
  );

  // logout: a body that takes the refresh token is a token blacklist (simplejwt's), which ends the refresh token.
  const op = picks.logout!.best?.op;
  const oc = why(v, picks.logout!, 'logout', todos);
  const oField = pickField(v, 'refreshToken', bodyProps(op));
  if (oField)
    oc.push(
      `revokes refresh: the logout body takes the refresh token ("${oField}"), as a token blacklist does; the access token may live out its lifetime`,
    );
  sections.logout = noted(
    {
      method: op?.method ?? 'POST',
      path: op?.path ?? '/api/auth/logout',
      ...(op?.body ? { encoding: op.body.encoding } : {}),
      ...(oField ? { body: { [oField]: '{{refresh_token}}' }, revokes: ['refresh'] } : {}),
    },
    ...oc,
  );

  // me
  const mp = picks.me!;
  sections.me = noted(
    { method: mp.best?.op.method ?? 'GET', path: mp.best?.op.path ?? '/api/auth/me' },
    ...why(v, mp, 'me', todos),
  );

  // Roles: the names secured operations require (OAuth2 scopes; OpenAPI 3.1 role names for other schemes) and the user's role enum.
  const required = new Map<string, Array<{ method: string; path: string }>>();
  for (const o of doc.operations) {
    if (!isSecured(o) || hasPathParams(o) || o.method !== 'GET') continue;
    for (const name of new Set(o.security.flatMap((r) => Object.values(r).flat())))
      (required.get(name) ?? required.set(name, []).get(name)!).push({ method: o.method, path: o.path });
  }
  const roleEnum = (() => {
    const me = okSchema(mp.best?.op);
    const f = pickField(v, 'role', Object.keys(propsOf(me)));
    return (f ? (propsOf(me)[f]?.enum ?? []) : []).map(String);
  })();
  return {
    sections,
    picks,
    todos,
    roleNames: { required: [...required.keys()], listed: roleEnum },
    ...(required.size ? { roleRoutes: Object.fromEntries(required) } : {}),
  };
}
