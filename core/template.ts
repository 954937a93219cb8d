export type Vars = Record<string, string | number | boolean | null | undefined>;

/** Fills `{{name}}` placeholders: a string that is exactly one placeholder takes the variable's type, otherwise text. */
export function fillTemplate<T>(template: T, vars: Vars): T {
  if (typeof template === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(template);
    if (whole && whole[1]! in vars) return vars[whole[1]!] as T;
    return template.replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) as T;
  }
  if (Array.isArray(template)) return template.map((t) => fillTemplate(t, vars)) as T;
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, vars)])) as T;
  }
  return template;
}

/** `/api/orders/{id}` with `{ id: 7 }` -> `/api/orders/7`. */
export function fillPath(path: string, params: Record<string, string | number>): string {
  return path.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? encodeURIComponent(String(params[k])) : m));
}

/** Names of the `{{name}}` placeholders a template uses, at any depth. */
export function placeholders(template: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (t: unknown): void => {
    if (typeof t === 'string') for (const m of t.matchAll(/\{\{(\w+)\}\}/g)) out.add(m[1]!);
    else if (Array.isArray(t)) t.forEach(walk);
    else if (t && typeof t === 'object') Object.values(t).forEach(walk);
  };
  walk(template);
  return out;
}
