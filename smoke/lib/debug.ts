import type { DebugSignature } from '../vocab.ts';

/** Compiles the configured signatures once: a literal `text` is matched as it is, a `pattern` as a regex. */
export function signatureMatchers(
  signatures: readonly DebugSignature[],
): Array<{ name: string; test: (text: string) => boolean }> {
  return signatures.map((s) => {
    if ('text' in s) return { name: s.name, test: (t: string) => t.includes(s.text) };
    const re = new RegExp(s.pattern, s.flags ?? '');
    return { name: s.name, test: (t: string) => re.test(t) };
  });
}

/** A value that looks like a stack: a non-empty list or object, or text over several lines. */
function stackShaped(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return typeof v === 'string' && /\n\s*\S/.test(v.trim());
}

/** Dot paths of the configured fields that hold a stack-shaped value anywhere in the body (bounded depth). */
export function debugFieldsIn(json: unknown, fields: readonly string[], depth = 4, at = ''): string[] {
  if (depth < 0 || !json || typeof json !== 'object') return [];
  const names = new Set(fields);
  const out: string[] = [];
  for (const [k, v] of Object.entries(json)) {
    const p = Array.isArray(json) ? `${at}[${k}]` : at ? `${at}.${k}` : k;
    if (!Array.isArray(json) && names.has(k) && stackShaped(v)) out.push(p);
    else out.push(...debugFieldsIn(v, fields, depth - 1, p));
  }
  return out;
}

/** Every sign of debug output in one response: signature names, then `field <path>` for stack-shaped fields. */
export function debugFindings(
  text: string,
  json: unknown,
  matchers: ReturnType<typeof signatureMatchers>,
  fields: readonly string[],
): string[] {
  const names = [...new Set(matchers.filter((m) => m.test(text)).map((m) => m.name))];
  return [...names, ...debugFieldsIn(json, fields).map((p) => `field ${p}`)];
}
