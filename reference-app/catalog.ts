import type { Dialect } from './dialects.ts';

/**
 * The product catalogue: the routes the input probes attack (a search, a filter, a price quote, a greeting that echoes
 * its input, a datasheet download), each behind a flaw. Its paths sit beside the dialect's orders route, the way the
 * dialect spells it (`/api/catalog/search`, `/api/v1/catalog/search/`, `/catalog/search`).
 */
export type CatalogRoute = 'search' | 'filter' | 'quote' | 'greeting' | 'datasheet';

export function catalogPath(d: Dialect, route: CatalogRoute): string {
  const slash = d.paths.orders.endsWith('/') ? '/' : '';
  return d.paths.orders.replace(/orders\/?$/, `catalog/${route}${slash}`);
}

export interface Product {
  id: number;
  name: string;
  category: string;
  price_cents: number;
}

/** Seeded on every start: the search, the filter and the quote read them. */
export const PRODUCTS: Product[] = [
  { id: 1, name: 'steel bracket', category: 'hardware', price_cents: 450 },
  { id: 2, name: 'steel hinge', category: 'hardware', price_cents: 320 },
  { id: 3, name: 'oak panel', category: 'timber', price_cents: 2400 },
  { id: 4, name: 'pine batten', category: 'timber', price_cents: 800 },
  { id: 5, name: 'brass screw', category: 'fasteners', price_cents: 15 },
  { id: 6, name: 'zinc washer', category: 'fasteners', price_cents: 5 },
];

/** The examples the document gives each catalogue parameter (a real document's `example`s). */
export const CATALOG_EXAMPLES = { q: 'steel', category: 'hardware', name: 'Ada', file: 'readme.txt' } as const;
