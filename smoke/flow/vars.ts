/**
 * Placeholders of flow templates: `{{name}}` everywhere, and the short `{name}` in paths. A string that is exactly
 * one placeholder takes the variable's own type (a number stays a number in a JSON body).
 */
export type FlowValue = string | number | boolean | null | FlowValue[];
export type FlowVars = Record<string, FlowValue | undefined>;

const WHOLE = /^\{\{(\w+)\}\}$/;
const ANY = /\{\{(\w+)\}\}/g;

/** Every placeholder name used anywhere in a template value. */
export function placeholders(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const m of value.matchAll(ANY)) out.add(m[1]!);
  else if (Array.isArray(value)) for (const v of value) placeholders(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) placeholders(v, out);
  return out;
}

/** Path placeholders, both forms. */
export function pathPlaceholders(path: string): Set<string> {
  const out = placeholders(path);
  for (const m of path.replace(ANY, '').matchAll(/\{(\w+)\}/g)) out.add(m[1]!);
  return out;
}

export class MissingVariable extends Error {
  override name = 'MissingVariable';
}

function lookup(vars: FlowVars, name: string, where: string): FlowValue {
  const v = vars[name];
  if (v === undefined) throw new MissingVariable(`${where} uses {{${name}}}, which no earlier step captured`);
  return v;
}

export function fill(value: unknown, vars: FlowVars, where: string): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(vars, whole[1]!, where);
    return value.replace(ANY, (_m, k: string) => String(lookup(vars, k, where)));
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars, where));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars, where)]));
  return value;
}

export function fillPathTemplate(path: string, vars: FlowVars, where: string): string {
  const enc = (k: string) => encodeURIComponent(String(lookup(vars, k, where)));
  return path.replace(ANY, (_m, k: string) => enc(k)).replace(/\{(\w+)\}/g, (_m, k: string) => enc(k));
}
