/** Pure parts of the input probes: the values a schema forbids, and how two answers are compared. */
import type { Schema } from './operations.ts';

export interface Answer {
  status: number;
  text: string;
}

/** `{value}` in a payload is the parameter's control value. */
export const fill = (template: string, value: string) => template.split('{value}').join(value);

/** Two answers are alike when their statuses match and their bodies do once the values each request sent are taken out (a search that echoes its query). */
export function alike(a: Answer, b: Answer, sent: readonly string[]): boolean {
  if (a.status !== b.status) return false;
  const strip = (t: string) =>
    sent
      .filter((s) => s.length > 0)
      .sort((x, y) => y.length - x.length)
      .reduce((acc, s) => acc.split(s).join('').split(JSON.stringify(s).slice(1, -1)).join(''), t);
  return strip(a.text) === strip(b.text);
}

const typeOf = (s: Schema) => [s.type ?? 'string'].flat().find((t) => t !== 'null') ?? 'string';

/**
 * Values the schema forbids, each with what makes it invalid: a wrong type, out of the enum, too long, out of range.
 * `emptyIsAbsent`: an empty value of an optional query parameter (`?category=`) reads as no filter in most frameworks
 * (django-filter by design), so an empty string outside the enum is probed only where it cannot mean "absent".
 */
export function forbiddenValues(
  s: Schema,
  o: { emptyIsAbsent?: boolean } = {},
): Array<{ why: string; value: unknown }> {
  const out: Array<{ why: string; value: unknown }> = [];
  const t = typeOf(s);
  if (t === 'integer' || t === 'number') out.push({ why: `not a ${t}`, value: 'gonogo' });
  if (t === 'boolean') out.push({ why: 'not a boolean', value: 'gonogo' });
  if (s.enum?.length) out.push({ why: 'not one of the enum', value: 'gonogo-not-in-enum' });
  if (s.enum?.length && !s.enum.includes('') && t === 'string' && !o.emptyIsAbsent)
    out.push({ why: 'empty, not one of the enum', value: '' });
  if (t === 'string' && s.maxLength !== undefined)
    out.push({ why: `longer than maxLength ${s.maxLength}`, value: 'x'.repeat(s.maxLength + 1) });
  if (t === 'string' && (s.minLength ?? 0) > 0) out.push({ why: `shorter than minLength ${s.minLength}`, value: '' });
  if (s.maximum !== undefined) out.push({ why: `above maximum ${s.maximum}`, value: s.maximum + 1 });
  if (s.minimum !== undefined) out.push({ why: `below minimum ${s.minimum}`, value: s.minimum - 1 });
  return out;
}

/** In a JSON body a wrong type is sent typed: a number where a string goes, a string where a number goes. */
export function forbiddenBodyValues(s: Schema): Array<{ why: string; value: unknown }> {
  const t = typeOf(s);
  const wrongType =
    t === 'string' ? 12345 : t === 'object' || t === 'array' ? 'gonogo' : t === 'boolean' ? 'gonogo' : 'gonogo';
  return [{ why: `not a ${t}`, value: wrongType }, ...forbiddenValues(s).filter((v) => !v.why.startsWith('not a '))];
}

/** Bodies the schema forbids: each property wrong, each required one missing, a body that is not an object, and text that is not JSON. */
export function forbiddenBodies(
  s: Schema,
  valid: Record<string, unknown>,
): Array<{ why: string; json?: unknown; raw?: string }> {
  const out: Array<{ why: string; json?: unknown; raw?: string }> = [];
  for (const [k, ps] of Object.entries(s.properties ?? {}))
    for (const f of forbiddenBodyValues(ps)) out.push({ why: `${k} ${f.why}`, json: { ...valid, [k]: f.value } });
  for (const k of s.required ?? []) {
    const { [k]: _gone, ...rest } = valid;
    out.push({ why: `${k} missing (required)`, json: rest });
  }
  out.push({ why: 'an array instead of an object', json: [] });
  out.push({ why: 'malformed JSON', raw: '{"gonogo": ' });
  return out;
}

/** Whether a parameter name takes a file or a path: it contains one of the hints (`file_path`, `templateName`). */
export function isFileParam(name: string, hints: readonly string[]): boolean {
  const n = name.toLowerCase();
  return hints.some((h) => n.includes(h.toLowerCase()));
}
