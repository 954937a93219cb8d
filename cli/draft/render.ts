/**
 * The draft is built as plain data with two wrappers: `noted` puts comment lines above a key, `code` writes a
 * TypeScript expression (an `env(...)` lookup) in the file while the drafter checks the draft with its value.
 */
export class Noted {
  constructor(
    readonly value: unknown,
    readonly comments: string[],
  ) {}
}
export class Code {
  constructor(
    readonly code: string,
    readonly value: unknown,
  ) {}
}
export const noted = (value: unknown, ...comments: Array<string | undefined | false>): Noted =>
  new Noted(
    value,
    comments.filter((c): c is string => !!c),
  );
export const code = (expr: string, value: unknown): Code => new Code(expr, value);

/** The value the config loader would see: the wrappers taken off. */
export function plain(v: unknown): unknown {
  if (v instanceof Noted) return plain(v.value);
  if (v instanceof Code) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      if (k.startsWith('...')) Object.assign(out, plain(x));
      else out[k] = plain(x);
    }
    return out;
  }
  return v;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const str = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
const key = (k: string): string => (IDENT.test(k) ? k : str(k));
/** A `...name` key spreads its Code value (`...(cond ? { a } : {})`). */
const entry = (k: string, rendered: string): string =>
  k.startsWith('...') ? `...${rendered}` : `${key(k)}: ${rendered}`;

/** Short enough for one line: scalars and small objects without comments. */
function inline(v: unknown): string | undefined {
  if (v instanceof Noted) return undefined;
  if (v instanceof Code) return v.code;
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) {
    const parts = v.map(inline);
    if (parts.some((p) => p === undefined)) return undefined;
    const s = `[${parts.join(', ')}]`;
    return s.length <= 100 ? s : undefined;
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (!entries.length) return '{}';
    const parts = entries.map(([k, x]) => {
      const i = inline(x);
      return i === undefined ? undefined : entry(k, i);
    });
    if (parts.some((p) => p === undefined)) return undefined;
    const s = `{ ${parts.join(', ')} }`;
    return s.length <= 100 ? s : undefined;
  }
  return undefined;
}

const comment = (lines: string[], pad: string): string =>
  lines
    .flatMap((l) => l.split('\n'))
    .map((l) => `${pad}// ${l}\n`)
    .join('');

/** TypeScript source of a value at an indentation depth. */
export function render(v: unknown, depth = 0): string {
  const one = inline(v);
  if (one !== undefined) return one;
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (v instanceof Noted) return render(v.value, depth);
  if (Array.isArray(v)) {
    return `[\n${v.map((x) => `${x instanceof Noted ? comment(x.comments, pad) : ''}${pad}${render(x, depth + 1)},\n`).join('')}${end}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return `{\n${entries.map(([k, x]) => `${x instanceof Noted ? comment(x.comments, pad) : ''}${pad}${entry(k, render(x, depth + 1))},\n`).join('')}${end}}`;
}
