import { loadDoc, serverPrefix, type Doc } from '../../smoke/lib/openapi.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { Throttled, Unreachable, type DoctorSender } from './sender.ts';

/** What the OpenAPI document declares of an operation's request body: its top-level fields and the encodings it takes. */
export interface DeclaredBody {
  op: string;
  fields: string[];
  encodings: Array<'json' | 'form'>;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** Follows local `$ref`s (`#/components/schemas/Login`, Swagger 2's `#/definitions/Login`), a few levels deep. */
function deref(doc: Doc, v: unknown, depth = 0): Json | undefined {
  const o = obj(v);
  const ref = o?.$ref;
  if (typeof ref !== 'string' || depth > 8) return o;
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = doc;
  for (const part of ref.slice(2).split('/')) at = obj(at)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return deref(doc, at, depth + 1);
}

/** The property names of a schema, through `allOf` (the usual way a request body extends a base schema). */
function properties(doc: Doc, schema: unknown): string[] {
  const s = deref(doc, schema);
  if (!s) return [];
  const own = Object.keys(obj(s.properties) ?? {});
  const all = Array.isArray(s.allOf) ? s.allOf.flatMap((p) => properties(doc, p)) : [];
  return [...new Set([...own, ...all])];
}

const encodingOf = (mediaType: string): 'json' | 'form' | undefined =>
  /json/i.test(mediaType) ? 'json' : /x-www-form-urlencoded|multipart\/form-data/i.test(mediaType) ? 'form' : undefined;

/**
 * The request body the document declares for `method path` (a route as the config names it, under the document's
 * server prefix), or undefined when the document does not describe one: then it says nothing about field names.
 */
export function declaredBody(
  document: object,
  method: string,
  path: string,
  baseUrl: string,
): DeclaredBody | undefined {
  // The sweep's Doc type knows only what the sweep reads; bodies are read here as plain JSON.
  const doc = document as Doc;
  const prefix = serverPrefix(doc, baseUrl);
  const trim = (p: string) => p.replace(/\/+$/, '') || '/';
  const entry = Object.entries(doc.paths ?? {}).find(([p]) => trim(prefix + p) === trim(path));
  const op = obj(obj(entry?.[1])?.[method.toLowerCase()]);
  if (!entry || !op) return undefined;
  const name = `${method.toUpperCase()} ${entry[0]}`;
  const body = deref(doc, op.requestBody);
  const content = obj(body?.content);
  if (content) {
    const media = Object.entries(content).filter(([m]) => encodingOf(m));
    const fields = [...new Set(media.flatMap(([, c]) => properties(doc, obj(c)?.schema)))];
    return fields.length
      ? { op: name, fields, encodings: [...new Set(media.map(([m]) => encodingOf(m)!))] }
      : undefined;
  }
  // Swagger 2: a `body` parameter with a schema, or `formData` parameters.
  const params = (Array.isArray(op.parameters) ? op.parameters : [])
    .map((p) => deref(doc, p))
    .filter((p): p is Json => Boolean(p));
  const inBody = params.find((p) => p.in === 'body');
  if (inBody) {
    const fields = properties(doc, inBody.schema);
    return fields.length ? { op: name, fields, encodings: ['json'] } : undefined;
  }
  const form = params.filter((p) => p.in === 'formData' && typeof p.name === 'string').map((p) => p.name as string);
  return form.length ? { op: name, fields: form, encodings: ['form'] } : undefined;
}

/**
 * The mapping keys whose values the declared body contradicts: a top-level field name it does not declare, or an
 * encoding it does not take. Empty when the document agrees with the mapping (the refusal has another cause).
 */
export function contradicted(
  declared: DeclaredBody,
  mapping: { encodingKey: string; encoding: 'json' | 'form'; fields: Record<string, string> },
): string[] {
  const out: string[] = [];
  const takes = `${declared.op} in the OpenAPI document takes ${declared.fields.join(', ')}`;
  if (!declared.encodings.includes(mapping.encoding))
    out.push(
      `${mapping.encodingKey} ("${mapping.encoding}"; ${declared.op} in the OpenAPI document takes ${declared.encodings.join(' or ')})`,
    );
  for (const [key, name] of Object.entries(mapping.fields)) {
    const top = name.split('.')[0]!;
    if (!declared.fields.includes(top)) out.push(`${key} ("${name}"; ${takes})`);
  }
  return out;
}

/** The configured OpenAPI document, loaded once per walk: for its own row, and to explain a refused login or registration. */
export class OpenApiSource {
  private loaded?: Promise<{ doc: Doc; status?: number }>;

  constructor(
    private readonly api: DoctorSender,
    private readonly plan: SmokePlan,
  ) {}

  get configured(): boolean {
    return Boolean(this.plan.config.openapi);
  }

  /** The document and, when it was fetched from the target, the status it came with. */
  load(): Promise<{ doc: Doc; status?: number }> {
    this.loaded ??= (async () => {
      const before = this.api.sent.length;
      const doc = await loadDoc(this.api, this.plan);
      return { doc, ...(this.api.sent.length > before ? { status: this.api.sent.at(-1)!.status } : {}) };
    })();
    return this.loaded;
  }

  /** The keys of a refused request's mapping that the document contradicts; empty without a document or a declared body. */
  async contradictions(method: string, path: string, mapping: Parameters<typeof contradicted>[1]): Promise<string[]> {
    if (!this.configured) return [];
    let doc: Doc;
    try {
      doc = (await this.load()).doc;
    } catch (e) {
      // The document's own row says what is wrong with it; a 429 or a dead target still ends the walk.
      if (e instanceof Throttled || e instanceof Unreachable) throw e;
      return [];
    }
    const declared = declaredBody(doc, method, path, this.plan.baseUrl);
    return declared ? contradicted(declared, mapping) : [];
  }
}
