import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Api } from './http.ts';
import type { Session } from '../../core/signin/http.ts';
import type { SmokePlan } from './plan.ts';
import type { Recorder } from './evidence.ts';
import type { Sender } from '../../core/signin/accounts.ts';

type Operation = { security?: unknown[]; parameters?: Array<{ in?: string }> };
export type Doc = {
  security?: unknown[];
  paths?: Record<string, Record<string, Operation>>;
  servers?: Array<{ url?: string; variables?: Record<string, { default?: string }> }>;
  /** Swagger 2. */
  basePath?: string;
};
export const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * What an operation's security requirements (its own, or the document's) demand: `secured` when every alternative
 * names a scheme (an empty requirement `{}` among them makes authentication optional); `scopes`, every scope any
 * alternative names (OAuth2 scopes, or OpenAPI 3.1 role names).
 */
export function securityOf(
  doc: Pick<Doc, 'security'>,
  op: { security?: unknown[] },
): { secured: boolean; scopes: string[] } {
  const reqs = op.security ?? doc.security ?? [];
  if (!Array.isArray(reqs) || reqs.length === 0) return { secured: false, scopes: [] };
  const entries = reqs.map((r) =>
    typeof r === 'object' && r !== null ? Object.values(r as Record<string, unknown>) : [],
  );
  const scopes = entries.flat(2).filter((s): s is string => typeof s === 'string');
  return { secured: entries.every((e) => e.length > 0), scopes: [...new Set(scopes)] };
}

/** Documents read in this process, by run and source: a run's checks share one (it does not change during a run). */
const docs = new Map<string, Promise<Doc>>();

/**
 * The configured document: fetched from the target (a path) or read from a file, parsed as JSON or YAML (drf-spectacular
 * and many teams' files are YAML), its in-document `$ref`s followed (parameters, bodies and schemas under
 * `components`). A `$ref` to another file or URL is not fetched; a circular one stays a `$ref`.
 */
export function loadDoc(api: Sender, plan: SmokePlan): Promise<Doc> {
  const src = plan.config.openapi!;
  // Keyed by the run as well: one process may walk several platforms (doctor, tests) whose documents share a path.
  const key = `${plan.runTag} ${plan.baseUrl} ${src}`;
  let doc = docs.get(key);
  if (!doc) {
    doc = readDoc(api, src);
    docs.set(key, doc);
    // A failed read is not kept: the next check tries again and names its own error.
    doc.catch(() => docs.delete(key));
  }
  return doc;
}

async function readDoc(api: Sender, src: string): Promise<Doc> {
  let text: string;
  if (src.startsWith('/')) {
    const r = await api.send({ method: 'GET', path: src });
    if (r.status !== 200 || !r.text) throw new Error(`the OpenAPI document at ${src} answered ${r.status}`);
    text = r.text;
  } else text = await readFile(src.startsWith('file:') ? fileURLToPath(src) : src, 'utf8');
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new Error(`the OpenAPI document ${src} is neither JSON nor YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (!raw || typeof raw !== 'object' || !('openapi' in raw || 'swagger' in raw))
    throw new Error(`the OpenAPI document ${src} has no "openapi" or "swagger" version field`);
  // Loaded on use: only the checks that read a document need the parser.
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  try {
    return (await SwaggerParser.dereference(raw as never, {
      resolve: { external: false },
      dereference: { circular: 'ignore' },
    })) as unknown as Doc;
  } catch (e) {
    throw new Error(`the OpenAPI document ${src}: swagger-parser refused it (${(e as Error).message.split('\n')[0]})`);
  }
}

/**
 * The path prefix the document's operations live under (`servers[0].url`'s path, or Swagger 2's `basePath`), unless
 * target.baseUrl already ends with it. Only the path is taken: the sweep never leaves the configured target's host.
 */
export function serverPrefix(doc: Doc, baseUrl: string): string {
  const server = doc.servers?.[0];
  let path = doc.basePath ?? '';
  if (server?.url) {
    const url = server.url.replace(/\{(\w+)\}/g, (_m, k: string) => server.variables?.[k]?.default ?? '');
    path = new URL(url, 'http://placeholder.invalid/').pathname;
  }
  path = path.replace(/\/+$/, '');
  const base = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return path && !base.endsWith(path) ? path : '';
}

export interface SweepCall {
  op: string;
  path: string;
  method: string;
  anonymous: number;
}

/**
 * Calls every operation that declares security without credentials. `open`: answered 2xx; `refused`: answered one of
 * smoke.openapiSweep.refusedStatuses; `unproven`: anything else (404: the route is not where the document says; 400 or
 * 422: validation answered before authentication), which shows nothing about the auth layer.
 */
export async function sweep(
  api: Api,
  plan: SmokePlan,
  rec: Recorder,
): Promise<{ open: string[]; refused: SweepCall[]; unproven: string[]; called: number }> {
  const doc = await loadDoc(api, plan);
  const prefix = serverPrefix(doc, plan.baseUrl);
  const refusing = new Set(plan.config.openapiSweep.refusedStatuses);
  const open: string[] = [];
  const refused: SweepCall[] = [];
  const unproven: string[] = [];
  let called = 0;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      if (!securityOf(doc, op).secured) continue;
      // Path parameters get an id no object has: the auth layer answers before any lookup, and a route without one
      // answers "not found" instead of acting on a real object (the sweep never releases or deletes anything).
      const concrete = prefix + path.replace(/\{[^}]+\}/g, encodeURIComponent(plan.config.openapiSweep.pathParamValue));
      const method = m.toUpperCase();
      const r = await api.send({ method, path: concrete, ...(m === 'get' || m === 'delete' ? {} : { json: {} }) });
      called++;
      const name = `${method} ${path}`;
      if (r.status >= 200 && r.status < 300) open.push(`${name} (${r.status})`);
      else if (refusing.has(r.status)) refused.push({ op: name, path: concrete, method, anonymous: r.status });
      else unproven.push(`${name} (${r.status})`);
    }
  }
  rec.detail('securedOperationsCalled', called);
  if (prefix) rec.detail('serverPrefix', prefix);
  return { open, refused, unproven, called };
}

/**
 * The positive control: a genuine session is let through where the anonymous call was refused, on the first GET
 * without path parameters (then any GET), so the refusals come from the auth layer and not from a route that refuses
 * everyone. Returns the operation and its answer, or undefined when no refused GET answers the session.
 */
export async function sessionPasses(
  api: Api,
  refused: readonly SweepCall[],
  session: Session,
): Promise<{ op: string; status: number } | undefined> {
  const gets = refused.filter((c) => c.method === 'GET');
  const ordered = [...gets.filter((c) => !c.op.includes('{')), ...gets.filter((c) => c.op.includes('{'))].slice(0, 5);
  for (const c of ordered) {
    const r = await api.send({ method: 'GET', path: c.path, session });
    if (r.status >= 200 && r.status < 300) return { op: c.op, status: r.status };
  }
  return undefined;
}
