/**
 * Minimal dot paths into JSON bodies (`a.b`, `items[0].id`, `items[*].id`, optional leading `$.`).
 * Hand-written because the config only needs this subset and a full JSONPath engine adds eval-like surface.
 */
function tokens(path: string): Array<string | number | '*'> {
  const out: Array<string | number | '*'> = [];
  for (const part of path.replace(/^\$\.?/, '').split('.')) {
    if (!part) continue;
    const m = /^([^[\]]*)((?:\[(?:\d+|\*)\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+|\*)\]/g)) out.push(idx[1] === '*' ? '*' : Number(idx[1]));
  }
  return out;
}

export function getAll(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const t of tokens(path)) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v == null || typeof v !== 'object') continue;
      if (t === '*') {
        if (Array.isArray(v)) next.push(...v);
        continue;
      }
      const child = (v as Record<string | number, unknown>)[t];
      if (child !== undefined) next.push(child);
    }
    current = next;
  }
  return current;
}

export function getPath(value: unknown, path: string): unknown {
  return path.includes('[*]') ? getAll(value, path) : getAll(value, path)[0];
}
