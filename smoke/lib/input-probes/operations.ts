/**
 * The operations the input probes may call, read from the OpenAPI document smoke/lib/openapi.ts loads: reads (GET,
 * HEAD) always, writes only when `smoke.inputProbes.writes` names them. Each parameter comes with its schema and the
 * value a control sends (the document's example, default or first enum value, then `inputProbes.values`).
 */
import type { Doc } from '../openapi.ts';

export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  example?: unknown;
  default?: unknown;
  $ref?: string;
};

export interface Param {
  name: string;
  in: 'query' | 'path';
  required: boolean;
  schema: Schema;
  /** The control's value; undefined when neither the document nor the config gives one. */
  value?: string;
}

export interface ProbeOperation {
  method: string;
  /** As the document writes it ("/api/orders/{id}"). */
  path: string;
  /** The prefix the document's server adds (serverPrefix). */
  prefix: string;
  params: Param[];
  /** The JSON body schema of a write the config opted in, or of a write on the run's own object. */
  body?: Schema;
  secured: boolean;
  /** A write on an object named by its path parameters: probed only once the run's own object fills them (ownObject). */
  own?: boolean;
}

type RawParam = { name?: string; in?: string; required?: boolean; schema?: Schema; example?: unknown; $ref?: string };
type RawOp = {
  parameters?: RawParam[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: Schema }>; $ref?: string };
};

/** Follows a local `$ref` (`#/components/schemas/X`), a few levels deep: loadDoc leaves only circular ones. */
export function deref<T>(doc: unknown, node: T, depth = 0): T {
  const ref = (node as { $ref?: string } | undefined)?.$ref;
  if (!ref?.startsWith('#/') || depth > 8) return node;
  const target = ref
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (n, k) => (n as Record<string, unknown> | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')],
      doc,
    );
  return deref(doc, target as T, depth + 1);
}

const firstType = (s: Schema) => [s.type ?? 'string'].flat().find((t) => t !== 'null') ?? 'string';

/** A value the schema accepts: its example, default or first enum value, else one of its type. */
export function validValue(s: Schema, configured?: string): unknown {
  if (configured !== undefined) return configured;
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  const t = firstType(s);
  if (t === 'integer' || t === 'number') return s.minimum ?? 1;
  if (t === 'boolean') return true;
  if (t === 'array') return [];
  if (t === 'object') return validBody(s, {});
  return 'a'.repeat(Math.max(1, s.minLength ?? 1));
}

/** A body with every required property set to a valid value (configured values by property name first). */
export function validBody(s: Schema, values: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries((s.required ?? []).map((k) => [k, validValue(s.properties?.[k] ?? {}, values[k])]));
}

export function operationsOf(
  doc: Doc,
  prefix: string,
  o: { writes: readonly string[]; values: Record<string, string> },
): ProbeOperation[] {
  const out: ProbeOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const shared = ((item as { parameters?: RawParam[] }).parameters ?? []) as RawParam[];
    for (const m of ['get', 'head', 'post', 'put', 'patch', 'delete']) {
      const op = (item as Record<string, RawOp | undefined>)[m];
      if (!op) continue;
      const method = m.toUpperCase();
      const write = !['GET', 'HEAD'].includes(method);
      const optedIn = o.writes.includes(`${method} ${path}`);
      // A write not opted in is kept only when its path names an object: the run may then call it on its own one.
      if (write && !optedIn && !path.includes('{')) continue;
      const params = [...shared, ...(op.parameters ?? [])]
        .map((p) => deref(doc, p))
        .filter((p): p is RawParam & { name: string } => !!p?.name && (p.in === 'query' || p.in === 'path'))
        .map((p): Param => {
          const schema = deref(doc, p.schema ?? {});
          const withExample = p.example !== undefined ? { ...schema, example: p.example } : schema;
          const value = validValue(withExample, o.values[p.name]);
          return {
            name: p.name,
            in: p.in as 'query' | 'path',
            required: p.in === 'path' || !!p.required,
            schema: withExample,
            ...(value !== undefined ? { value: String(value) } : {}),
          };
        });
      const json = deref(doc, op.requestBody)?.content?.['application/json']?.schema;
      const body = json ? resolveSchema(doc, json) : undefined;
      const security = op.security ?? doc.security ?? [];
      out.push({
        method,
        path,
        prefix,
        params,
        ...(write && body ? { body } : {}),
        secured: Array.isArray(security) && security.length > 0,
        ...(write && !optedIn ? { own: true } : {}),
      });
    }
  }
  return out;
}

/** A schema with its properties' `$ref`s followed (one level: the probes change top-level fields only). */
function resolveSchema(doc: unknown, s: Schema): Schema {
  const top = deref(doc, s);
  if (!top.properties) return top;
  return {
    ...top,
    properties: Object.fromEntries(Object.entries(top.properties).map(([k, v]) => [k, deref(doc, v)])),
  };
}

/** The request path with the path parameters filled (`overrides` first) and the query string of `query`. */
export function requestPath(op: ProbeOperation, path: Record<string, string>, query: Array<[string, string]>): string {
  const filled = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    encodeURIComponent(path[name] ?? op.params.find((p) => p.name === name)?.value ?? ''),
  );
  const qs = query.map(
    ([k, v]) => `${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(v)}`,
  );
  return op.prefix + filled + (qs.length ? `?${qs.join('&')}` : '');
}

/** The query string a control sends: every required query parameter with its value, `over` replacing or adding one. */
export function baseQuery(op: ProbeOperation, over?: { name: string; value?: string }): Array<[string, string]> {
  const q: Array<[string, string]> = op.params
    .filter((p) => p.in === 'query' && p.required && p.name !== over?.name && p.value !== undefined)
    .map((p) => [p.name, p.value!]);
  if (over?.value !== undefined) q.push([over.name, over.value]);
  return q;
}

/**
 * A write on the run's own object: its path parameters filled from the flow's variables (as the authorization matrix
 * fills them), or the first parameter nothing fills.
 */
export function onOwnObject(
  op: ProbeOperation,
  fill: (path: string) => { path: string } | { missing: string },
): ProbeOperation | { missing: string } {
  const filled = fill(op.path);
  if ('missing' in filled) return filled;
  return { ...op, path: filled.path, params: op.params.filter((p) => p.in !== 'path') };
}
