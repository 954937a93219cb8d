import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../core/errors.ts';
import { readInputText } from '../../core/read-input.ts';
import { get, trustAnchors } from '../../core/http.ts';

/** The largest document read (a big public API's document is a few MiB). */
export const DOCUMENT_MAX_BYTES = 32 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;

export type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  readOnly?: boolean;
  writeOnly?: boolean;
};

/** One operation, the same for Swagger 2 and OpenAPI 3: what the drafter reads. */
export interface Operation {
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  tags: string[];
  /** Security requirements in force (the operation's, else the document's); empty: anonymous. */
  security: Array<Record<string, string[]>>;
  params: Array<{ name: string; in: string; required: boolean; schema?: Schema }>;
  body?: { encoding: 'json' | 'form'; contentType: string; schema: Schema };
  /** 2xx and 3xx answers: status, JSON body schema, declared headers. */
  responses: Array<{ status: number; schema?: Schema; headers: string[] }>;
}

export type SecurityScheme = {
  type?: string;
  scheme?: string;
  in?: string;
  name?: string;
  flows?: { password?: { tokenUrl?: string } };
  flow?: string;
  tokenUrl?: string;
};

export interface ApiDocument {
  /** "OpenAPI 3.1.0" or "Swagger 2.0". */
  version: string;
  title: string;
  /** The first server URL (Swagger 2: scheme, host and basePath), when the document gives one. */
  server?: string;
  schemes: Record<string, SecurityScheme>;
  operations: Operation[];
}

export interface DocumentSource {
  /** What the user passed: a file path or an http(s) URL. */
  source: string;
  /** A file path made absolute, or the URL. */
  location: string;
  isUrl: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * A URL is fetched only from loopback or from the host the user names as the target (--target): drafting a config
 * is no reason to contact anything else. Refused before any request is sent.
 */
export function urlProblem(url: URL, targetHost?: string): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${url.protocol} is not http(s)`;
  if (url.username || url.password)
    return 'a URL with a user name or password would end up in the draft; remove the "user:password@" part';
  if (LOOPBACK.has(url.hostname) || /^127\./.test(url.hostname)) return null;
  if (targetHost && url.host === targetHost) return null;
  return `${url.host} is neither loopback nor the target${targetHost ? ` (${targetHost})` : ''}: gonogo only fetches the document from the platform it is told to test; pass --target ${url.origin} to name it, or download the document and pass the file`;
}

function paragraph(source: string, why: string): UsageError {
  return new UsageError(`cannot draft a config from ${source}: ${why.replace(/\s+/g, ' ').trim()}`);
}

async function fetchText(url: URL, caFile?: string): Promise<string> {
  const r = await get(url.href, {
    ca: await trustAnchors(caFile),
    timeoutMs: FETCH_TIMEOUT_MS,
    maxBodyBytes: DOCUMENT_MAX_BYTES,
    headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5', 'user-agent': 'gonogo-init' },
  });
  if (r.status !== 200)
    throw new Error(
      `it answered ${r.status}${r.headers.location ? ` (a redirect to ${r.headers.location}, not followed)` : ''}`,
    );
  return r.body;
}

/** Reads the document (a file, or a URL on loopback or the target), parses it and dereferences every $ref with swagger-parser. */
export async function readDocument(
  source: string,
  o: { targetHost?: string; caFile?: string; cwd?: string } = {},
): Promise<{ doc: ApiDocument; src: DocumentSource }> {
  const isUrl = /^https?:\/\//i.test(source);
  const src: DocumentSource = { source, location: isUrl ? source : resolve(o.cwd ?? '.', source), isUrl };
  let text: string;
  try {
    if (isUrl) {
      const url = new URL(source);
      const problem = urlProblem(url, o.targetHost);
      if (problem) throw paragraph(source, problem);
      text = await fetchText(url, o.caFile);
    } else {
      text = await readInputText(src.location, { what: 'OpenAPI document', maxBytes: DOCUMENT_MAX_BYTES });
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw paragraph(source, `it could not be read (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw paragraph(source, `it is neither JSON nor YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (!raw || typeof raw !== 'object' || !('openapi' in raw || 'swagger' in raw)) {
    throw paragraph(
      source,
      'it has no "openapi" or "swagger" version field, so it is no OpenAPI 3.x or Swagger 2 document',
    );
  }
  // Loaded on use: the parser and its validators are heavy and only this command needs them.
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  let api: Record<string, unknown>;
  try {
    // Only references inside the document are followed: a $ref to another file or URL is not fetched.
    api = (await SwaggerParser.dereference(raw as never, {
      resolve: { external: false },
      dereference: { circular: 'ignore' },
    })) as unknown as Record<string, unknown>;
  } catch (e) {
    throw paragraph(source, `swagger-parser refused it (${(e as Error).message.split('\n')[0]})`);
  }
  return { doc: normalise(api), src };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
// The dereferenced document is untyped JSON: each field is checked where it is read.
// biome-ignore lint/suspicious/noExplicitAny: checked field by field where read
type Raw = Record<string, any>;

/** The object schema with allOf parts merged (a generator's inheritance), so its properties can be read. */
export function flatten(s: Schema | undefined): Schema | undefined {
  if (!s) return s;
  const parts = s.allOf ?? (s.anyOf?.length === 1 ? s.anyOf : s.oneOf?.length === 1 ? s.oneOf : undefined);
  if (!parts) return s;
  const flat = parts.map(flatten);
  return {
    ...s,
    properties: Object.assign({}, s.properties, ...flat.map((p) => p?.properties ?? {})),
    required: [...(s.required ?? []), ...flat.flatMap((p) => p?.required ?? [])],
  };
}

/** The fields one side sees: a request does not send readOnly fields, an answer does not carry writeOnly ones (drf-spectacular's single components). */
function side(s: Schema | undefined, drop: 'readOnly' | 'writeOnly'): Schema | undefined {
  if (!s?.properties) return s;
  const kept = Object.entries(s.properties).filter(([, p]) => !p?.[drop]);
  const names = new Set(kept.map(([k]) => k));
  return {
    ...s,
    properties: Object.fromEntries(kept),
    ...(s.required ? { required: s.required.filter((r) => names.has(r)) } : {}),
  };
}

function contentSchema(
  content: Raw | undefined,
  prefer: 'json' | 'any',
): { contentType: string; schema: Schema } | undefined {
  if (!content) return undefined;
  const types = Object.keys(content);
  // JSON first when a generator offers several (drf-spectacular lists JSON, form and multipart for one serializer).
  const json = types.find((t) => /json/i.test(t));
  const form = types.find((t) => /x-www-form-urlencoded|multipart\/form-data/i.test(t));
  const chosen = json ?? (prefer === 'any' ? (form ?? types[0]) : undefined);
  return chosen ? { contentType: chosen, schema: flatten(content[chosen]?.schema ?? {})! } : undefined;
}

function normalise(api: Raw): ApiDocument {
  const swagger2 = typeof api.swagger === 'string';
  const schemes: Record<string, SecurityScheme> =
    (swagger2 ? api.securityDefinitions : api.components?.securitySchemes) ?? {};
  let server: string | undefined;
  if (swagger2 && api.host)
    server = `${(api.schemes?.[0] as string | undefined) ?? 'https'}://${api.host}${api.basePath ?? ''}`;
  else if (swagger2 && typeof api.basePath === 'string') server = api.basePath;
  else if (!swagger2 && api.servers?.[0]?.url) {
    const s = api.servers[0] as { url: string; variables?: Record<string, { default?: string }> };
    server = s.url.replace(/\{(\w+)\}/g, (_m, k: string) => s.variables?.[k]?.default ?? '');
  }
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries((api.paths ?? {}) as Record<string, Raw>)) {
    for (const method of METHODS) {
      const op = item?.[method] as Raw | undefined;
      if (!op) continue;
      const allParams = [...(item.parameters ?? []), ...(op.parameters ?? [])] as Raw[];
      const params = allParams
        .filter((p) => p.in !== 'body' && p.in !== 'formData')
        .map((p) => ({
          name: String(p.name),
          in: String(p.in),
          required: Boolean(p.required),
          schema: (p.schema ?? { type: p.type }) as Schema,
        }));
      let body: Operation['body'];
      if (swagger2) {
        const inBody = allParams.find((p) => p.in === 'body');
        const form = allParams.filter((p) => p.in === 'formData');
        if (inBody)
          body = {
            encoding: 'json',
            contentType: 'application/json',
            schema: side(flatten(inBody.schema ?? {}), 'readOnly')!,
          };
        else if (form.length) {
          body = {
            encoding: 'form',
            contentType: 'application/x-www-form-urlencoded',
            schema: {
              type: 'object',
              properties: Object.fromEntries(form.map((p) => [p.name, { type: p.type }])),
              required: form.filter((p) => p.required).map((p) => p.name),
            },
          };
        }
      } else {
        const c = contentSchema(op.requestBody?.content, 'any');
        if (c)
          body = { ...c, schema: side(c.schema, 'readOnly')!, encoding: /json/i.test(c.contentType) ? 'json' : 'form' };
      }
      const responses = Object.entries((op.responses ?? {}) as Record<string, Raw>)
        .filter(([s]) => /^[23]\d\d$/.test(s))
        .map(([s, r]) => ({
          status: Number(s),
          schema: side(swagger2 ? flatten(r.schema) : contentSchema(r.content, 'json')?.schema, 'writeOnly'),
          headers: Object.keys(r.headers ?? {}),
        }));
      operations.push({
        method: method.toUpperCase(),
        path,
        tags: Array.isArray(op.tags) ? op.tags.map(String) : [],
        ...(typeof op.operationId === 'string' ? { operationId: op.operationId } : {}),
        ...(typeof op.summary === 'string' ? { summary: op.summary } : {}),
        security: (op.security ?? api.security ?? []) as Operation['security'],
        params,
        ...(body ? { body } : {}),
        responses,
      });
    }
  }
  const version = swagger2 ? `Swagger ${api.swagger}` : `OpenAPI ${api.openapi}`;
  return { version, title: String(api.info?.title ?? 'untitled'), ...(server ? { server } : {}), schemes, operations };
}

/** Anonymous when a requirement list is empty or holds an empty requirement (`{}`: credentials optional). */
export const isSecured = (op: Operation): boolean =>
  op.security.length > 0 && op.security.every((r) => Object.keys(r).length > 0);
