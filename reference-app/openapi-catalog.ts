import type { Dialect } from './dialects.ts';
import type { Op } from './openapi.ts';
import { CATALOG_EXAMPLES, PRODUCTS, catalogPath } from './catalog.ts';

/** The catalogue's operations in the document (routes/catalog.ts): each parameter with its constraints and an example. */
export function catalogOperations(d: Dialect): Op[] {
  const query = (name: keyof typeof CATALOG_EXAMPLES, schema: Record<string, unknown>, required = false) => ({
    name,
    in: 'query',
    required,
    schema: { type: 'string', ...schema },
    example: CATALOG_EXAMPLES[name],
  });
  const base = { method: 'get' as const, tag: 'catalog', secured: true };
  return [
    {
      ...base,
      path: catalogPath(d, 'search'),
      name: 'search_products',
      summary: 'Search products by name',
      params: [query('q', { maxLength: 100 })],
      answer: 'Product[]',
    },
    {
      ...base,
      path: catalogPath(d, 'filter'),
      name: 'filter_products',
      summary: 'Products of a category',
      params: [query('category', { enum: [...new Set(PRODUCTS.map((p) => p.category))] })],
      answer: 'Product[]',
    },
    {
      ...base,
      method: 'post',
      path: catalogPath(d, 'quote'),
      name: 'quote',
      summary: 'Price a quantity of a product (nothing is stored)',
      body: { schema: 'QuoteRequest' },
      answer: 'Quote',
    },
    {
      ...base,
      path: catalogPath(d, 'greeting'),
      name: 'greeting',
      summary: 'A greeting for the named customer',
      params: [query('name', { maxLength: 60 }, true)],
      answer: 'Greeting',
    },
    {
      ...base,
      path: catalogPath(d, 'datasheet'),
      name: 'datasheet',
      summary: "A product's datasheet (plain text)",
      params: [query('file', { maxLength: 200 }, true)],
    },
  ];
}

const int = { type: 'integer' };
export const CATALOG_SCHEMAS: Record<string, Record<string, unknown>> = {
  Product: {
    type: 'object',
    properties: { id: int, name: { type: 'string' }, category: { type: 'string' }, price_cents: int },
  },
  QuoteRequest: {
    type: 'object',
    properties: {
      product_id: { ...int, example: 1 },
      quantity: { ...int, minimum: 1, maximum: 1000, example: 2 },
    },
    required: ['product_id', 'quantity'],
  },
  Quote: { type: 'object', properties: { product_id: int, quantity: int, total_cents: int } },
  Greeting: { type: 'object', properties: { message: { type: 'string' } } },
};
