import type { z } from 'zod';

/** One key a config file may set: its dot path (`[]` an array item, `*` a name the user picks) and its schema default. */
export interface ConfigKey {
  path: string;
  /** Present when the schema fills the key in; absent for optional keys (none, or derived at load). */
  default?: { value: unknown };
  /** A plain section (`smoke.login`): its keys are documented, not the section. */
  section?: true;
  /** The largest number the schema accepts, when it caps one. */
  max?: number;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.core.$ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Every key of a zod schema, depth first, in declaration order; keys typed `never` (moved keys) are left out. */
export function configKeys(schema: z.core.$ZodType, prefix = ''): ConfigKey[] {
  return [...found(schema, prefix).keys.values()];
}

/** Keys that were renamed or removed, kept in the schema as `never` so a config that still sets one is told where it went. */
export function movedKeys(schema: z.core.$ZodType): Map<string, string> {
  return found(schema, '').moved;
}

interface Found {
  keys: Map<string, ConfigKey>;
  moved: Map<string, string>;
}

function found(schema: z.core.$ZodType, prefix: string): Found {
  const out: Found = { keys: new Map(), moved: new Map() };
  walk(schema, prefix, undefined, out);
  return out;
}

function walk(schema: z.core.$ZodType, path: string, dflt: ConfigKey['default'], out: Found): void {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
    case 'prefault':
      walk(def.innerType as z.core.$ZodType, path, dflt, out);
      return;
    case 'default':
      walk(def.innerType as z.core.$ZodType, path, dflt ?? { value: def.defaultValue }, out);
      return;
    case 'pipe':
      walk(def.in as z.core.$ZodType, path, dflt, out);
      return;
    case 'never':
      if (path) out.moved.set(path, (def.error as ((i: object) => string) | undefined)?.({}) ?? 'removed');
      return;
    case 'object':
      if (path) out.keys.set(path, { path, section: true });
      for (const [k, v] of Object.entries(def.shape as Record<string, z.core.$ZodType>)) {
        walk(v, path ? `${path}.${k}` : k, undefined, out);
      }
      return;
    case 'union':
      // Variants share one path (e.g. a token read from the body, a cookie or a header); keys merge.
      if (!out.keys.has(path)) out.keys.set(path, { path, ...(dflt ? { default: dflt } : {}) });
      for (const o of def.options as z.core.$ZodType[]) {
        const objectish = ['object', 'pipe', 'default', 'optional'].includes(defOf(o).type);
        if (objectish) walkChildren(o, path, out);
      }
      return;
    case 'array':
      if (isObjectish(def.element as z.core.$ZodType)) {
        out.keys.set(path, { path, ...(dflt ? { default: dflt } : {}) });
        walkChildren(def.element as z.core.$ZodType, `${path}[]`, out);
        return;
      }
      break;
    case 'record':
      if (isObjectish(def.valueType as z.core.$ZodType)) {
        out.keys.set(path, { path, ...(dflt ? { default: dflt } : {}) });
        walkChildren(def.valueType as z.core.$ZodType, `${path}.*`, out);
        return;
      }
      break;
  }
  const max = (def.checks as Array<{ _zod: { def: { check: string; value?: number } } }> | undefined)?.find(
    (c) => c._zod.def.check === 'less_than',
  )?._zod.def.value;
  if (!out.keys.has(path))
    out.keys.set(path, { path, ...(dflt ? { default: dflt } : {}), ...(max !== undefined ? { max } : {}) });
}

/** The keys under a container: its own entry is the container's. */
function walkChildren(schema: z.core.$ZodType, path: string, out: Found): void {
  const def = defOf(schema);
  if (['optional', 'nullable', 'default', 'prefault', 'readonly'].includes(def.type)) {
    walkChildren(def.innerType as z.core.$ZodType, path, out);
    return;
  }
  if (def.type === 'pipe') {
    walkChildren(def.in as z.core.$ZodType, path, out);
    return;
  }
  if (def.type === 'object') {
    for (const [k, v] of Object.entries(def.shape as Record<string, z.core.$ZodType>))
      walk(v, `${path}.${k}`, undefined, out);
    return;
  }
  if (def.type === 'union') {
    for (const o of def.options as z.core.$ZodType[]) walkChildren(o, path, out);
    return;
  }
  if (def.type === 'array' || def.type === 'record') {
    walk(schema, path, undefined, out);
    return;
  }
}

function isObjectish(schema: z.core.$ZodType): boolean {
  const def = defOf(schema);
  if (['optional', 'nullable', 'default', 'prefault', 'readonly'].includes(def.type))
    return isObjectish(def.innerType as z.core.$ZodType);
  if (def.type === 'pipe') return isObjectish(def.in as z.core.$ZodType);
  if (def.type === 'union') return (def.options as z.core.$ZodType[]).some(isObjectish);
  return def.type === 'object';
}

/**
 * The keys a user may set, with the default a config that sets nothing gets: read from a parsed minimal config, so
 * defaults derived at load (the API limiter on `me`'s route) are the real ones; keys inside lists take the item's default.
 */
export function userKeys(schema: z.ZodType, minimal: unknown): ConfigKey[] {
  const parsed = schema.parse(minimal);
  const at = (o: unknown, path: string) =>
    path
      .split('.')
      .reduce<unknown>((v, seg) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined), o);
  return configKeys(schema)
    .filter((k) => !k.section)
    .map((k) => {
      // Keys in lists, keys the minimal config itself sets (required ones), keys of a part left out: the schema's own default.
      const max = k.max !== undefined ? { max: k.max } : {};
      if (/\[\]|\*/.test(k.path) || at(minimal, k.path) !== undefined)
        return {
          path: k.path,
          ...(k.default && at(minimal, k.path) === undefined ? { default: k.default } : {}),
          ...max,
        };
      const value = at(parsed, k.path);
      return value !== undefined ? { path: k.path, default: { value }, ...max } : k;
    });
}

/** How docs/config.md writes a default: the JSON value in a code span, or for a long one its size. */
export function renderDefault(value: unknown): string {
  const json = JSON.stringify(value);
  if (json.length <= 60) return `\`${json}\``;
  if (Array.isArray(value)) return `${value.length} entries`;
  if (value && typeof value === 'object') return `${Object.keys(value).length} fields`;
  return `${json.length} characters`;
}
