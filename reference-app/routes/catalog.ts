import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HttpError, requireUser, type AppContext } from '../context.ts';
import { PRODUCTS, catalogPath } from '../catalog.ts';

const CATEGORIES = [...new Set(PRODUCTS.map((p) => p.category))];
const DATASHEETS = '/datasheets';

/**
 * The datasheets live in a throwaway folder laid out like a small file system, with decoys of the files a traversal
 * reaches first (a passwd file, a win.ini): the flawed download reads anywhere inside it and never outside it.
 */
function datasheetRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'gonogo-reference-files-'));
  const put = (path: string, text: string) => {
    mkdirSync(join(root, posix.dirname(path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put(`${DATASHEETS}/readme.txt`, 'Steel bracket datasheet: 2 mm galvanised steel, 40 x 40 mm.\n');
  put('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
  put('/windows/win.ini', '; for 16-bit app support\n[fonts]\n[extensions]\n[mci extensions]\n');
  return root;
}

/** `{{ 191*7 }}`, `${191*7}`, `<%= 191*7 %>`, `#{191*7}`: the flawed greeting's "template engine" does integer arithmetic. */
const EXPRESSIONS = [
  /\{\{\s*([^{}]+?)\s*\}\}/g,
  /\$\{\s*([^{}]+?)\s*\}/g,
  /<%=\s*(.+?)\s*%>/g,
  /#\{\s*([^{}]+?)\s*\}/g,
];
function render(text: string): string {
  const evaluate = (expr: string, literal: string) => {
    const m = /^(\d{1,6})\s*([*+])\s*(\d{1,6})$/.exec(expr);
    if (!m) return literal;
    return String(m[2] === '*' ? Number(m[1]) * Number(m[3]) : Number(m[1]) + Number(m[3]));
  };
  return EXPRESSIONS.reduce((t, re) => t.replace(re, (whole, expr: string) => evaluate(expr, whole)), text);
}

type Filter = Record<string, unknown>;
/** A Mongo-style match of one field: a scalar is equality, an object holds operators ($ne, $gt, $gte, $lt, $lte, $in, $nin). */
function matches(value: unknown, cond: unknown): boolean {
  if (typeof cond !== 'object' || cond === null) return value === cond;
  return Object.entries(cond as Filter).every(([op, arg]) => {
    const [v, a] = [value as string | number, arg as string | number];
    if (op === '$ne') return value !== arg;
    if (op === '$gt') return v > a;
    if (op === '$gte') return v >= a;
    if (op === '$lt') return v < a;
    if (op === '$lte') return v <= a;
    if (op === '$in') return [arg].flat().includes(value);
    if (op === '$nin') return ![arg].flat().includes(value);
    return value === cond;
  });
}

/** `category[$ne]=x` read as `{ category: { $ne: 'x' } }`, the way qs and Express's extended parser read it. */
function nested(query: Record<string, unknown>): Filter {
  const out: Filter = {};
  for (const [key, value] of Object.entries(query)) {
    const m = /^(\w+)\[(\$\w+)\](?:\[\])?$/.exec(key);
    if (m) ((out[m[1]!] ??= {}) as Filter)[m[2]!] = value;
    else out[key] = value;
  }
  return out;
}

export function registerCatalogRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db, flaws, dialect } = ctx;
  const invalid = (message: string, field: string) =>
    new HttpError(dialect.errors.validationStatus, message, {}, field);
  const text = (v: unknown, field: string, o: { max: number; required?: boolean }): string => {
    if (v === undefined && !o.required) return '';
    if (typeof v !== 'string' || (o.required && v === '')) throw invalid('A string is required.', field);
    if (v.length > o.max) throw invalid(`At most ${o.max} characters.`, field);
    return v;
  };
  db.exec(
    'CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price_cents INTEGER NOT NULL)',
  );
  const insert = db.prepare('INSERT INTO products (id, name, category, price_cents) VALUES (?, ?, ?, ?)');
  for (const p of PRODUCTS) insert.run(p.id, p.name, p.category, p.price_cents);
  const root = datasheetRoot();
  app.addHook('onClose', async () => rmSync(root, { recursive: true, force: true }));

  app.get(catalogPath(dialect, 'search'), async (req, reply) => {
    requireUser(req.user);
    const q = text((req.query as Filter).q, 'q', { max: 100 });
    if (!flaws.has('search-sql-injectable'))
      return db.prepare('SELECT * FROM products WHERE name LIKE ? ORDER BY id').all(`%${q}%`);
    try {
      return db.prepare(`SELECT * FROM products WHERE name LIKE '%${q}%' ORDER BY id`).all();
    } catch (e) {
      // The flaw as it ships in the wild: the driver's message goes back to the caller.
      const err = e as Error & { code?: string };
      return reply.status(500).send(dialect.errors.body(500, `${err.name} ${err.code ?? ''}: ${err.message}`));
    }
  });

  app.get(catalogPath(dialect, 'filter'), async (req) => {
    requireUser(req.user);
    // The flaw reads bracketed keys as operators; a name of a category is checked either way.
    const query = flaws.has('filter-nosql-operator') ? nested(req.query as Filter) : (req.query as Filter);
    for (const key of Object.keys(query)) if (key !== 'category') throw invalid('Unknown filter.', key);
    const cond =
      flaws.has('filter-nosql-operator') && typeof query.category === 'object'
        ? query.category
        : text(query.category, 'category', { max: 40 });
    if (typeof cond === 'string' && cond && !CATEGORIES.includes(cond))
      throw invalid(`One of ${CATEGORIES.join(', ')}.`, 'category');
    return PRODUCTS.filter((p) => !cond || matches(p.category, cond));
  });

  app.post(catalogPath(dialect, 'quote'), async (req) => {
    requireUser(req.user);
    const b = req.body as { product_id: number; quantity: number };
    if (!flaws.has('malformed-body-500')) {
      if (typeof b !== 'object' || b === null || Array.isArray(b)) throw invalid('A JSON object is required.', 'body');
      if (!Number.isInteger(b.product_id)) throw invalid('An integer is required.', 'product_id');
      if (!Number.isInteger(b.quantity) || b.quantity < 1 || b.quantity > 1000)
        throw invalid('An integer from 1 to 1000 is required.', 'quantity');
    }
    const product = PRODUCTS.find((p) => p.id === b.product_id);
    if (!product && !flaws.has('malformed-body-500')) throw new HttpError(404, 'Product not found');
    // With the flaw, a missing product or a quantity that is not a number throws here: a 500.
    return {
      product_id: product!.id,
      quantity: b.quantity,
      total_cents: Number(b.quantity.toFixed(0)) * product!.price_cents,
    };
  });

  app.get(catalogPath(dialect, 'greeting'), async (req) => {
    requireUser(req.user);
    const name = text((req.query as Filter).name, 'name', { max: 60, required: true });
    const message = `Hello, ${name}! Our catalogue has ${PRODUCTS.length} products.`;
    return { message: flaws.has('template-injection') ? render(message) : message };
  });

  app.get(catalogPath(dialect, 'datasheet'), async (req, reply) => {
    requireUser(req.user);
    const file = text((req.query as Filter).file, 'file', { max: 200, required: true });
    // Resolved as an absolute path of the throwaway folder: nothing outside it is ever read.
    const path = posix.resolve(DATASHEETS, file);
    if (!flaws.has('path-traversal') && !path.startsWith(`${DATASHEETS}/`))
      throw new HttpError(404, 'No such datasheet');
    let body: string;
    try {
      body = readFileSync(join(root, path), 'utf8');
    } catch {
      throw new HttpError(404, 'No such datasheet');
    }
    return reply.type('text/plain; charset=utf-8').send(body);
  });
}
