import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { packageFile } from '../../core/files.ts';
import { readInputText } from '../../core/read-input.ts';
import { ConfigError, formatZodIssues } from '../../core/errors.ts';

/** The shipped vocabulary `init --from-openapi` recognises operations and fields with (replaced by --vocabulary). */
export const DEFAULT_VOCABULARY_FILE = packageFile('config/defaults/openapi-vocabulary.yaml');

const words = z.array(z.string().min(1)).default([]);
const Operation = z
  .object({
    methods: z.array(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])).min(1),
    pathParams: z.boolean().optional(),
    words: z.array(z.string().min(1)).min(1),
    not: words,
  })
  .strict();

export const OPERATION_KINDS = [
  'login',
  'register',
  'verifyEmail',
  'refresh',
  'logout',
  'me',
  'orders',
  'pay',
  'fulfil',
  'release',
  'refund',
  'webhook',
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export const FIELD_KINDS = [
  'email',
  'password',
  'accessToken',
  'refreshToken',
  'verifyToken',
  'name',
  'id',
  'paymentId',
  'checkoutSession',
  'amount',
  'paidAmount',
  'currency',
  'description',
  'state',
  'counterparty',
  'items',
  'role',
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export const Vocabulary = z
  .object({
    weights: z
      .object({
        operationId: z.number().nonnegative(),
        leaf: z.number().nonnegative(),
        path: z.number().nonnegative(),
        summary: z.number().nonnegative(),
        tags: z.number().nonnegative(),
        tokenUrl: z.number().nonnegative(),
      })
      .strict(),
    minScore: z.number().nonnegative(),
    ambiguousMargin: z.number().nonnegative(),
    operations: z
      .object(Object.fromEntries(OPERATION_KINDS.map((k) => [k, Operation])) as Record<OperationKind, typeof Operation>)
      .strict(),
    fields: z
      .object(
        Object.fromEntries(FIELD_KINDS.map((k) => [k, z.array(z.string().min(1)).min(1)])) as Record<
          FieldKind,
          z.ZodArray<z.ZodString>
        >,
      )
      .strict(),
    states: z.object({ funded: words, released: words }).strict(),
    counterpartyActs: words,
    checkoutSessionPattern: z.string().min(1),
    roles: z.object({ admin: words }).strict(),
  })
  .strict();
export type Vocabulary = z.infer<typeof Vocabulary>;

export async function loadVocabulary(file = DEFAULT_VOCABULARY_FILE): Promise<Vocabulary> {
  const text = await readInputText(file, { what: 'vocabulary file', maxBytes: 1024 * 1024 });
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(file, [`not YAML: ${(e as Error).message.split('\n')[0]}`], { cause: e });
  }
  const r = Vocabulary.safeParse(raw);
  if (!r.success) throw new ConfigError(file, formatZodIssues(r.error, raw));
  return r.data;
}

/** Lower-case words of a name: `auth:jwt.login` -> auth jwt login, `signIn` -> sign in, `/api/v1/token/` -> api v1 token. */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether the words contain the phrase's words in a row. */
export function hasPhrase(haystack: readonly string[], phrase: string): boolean {
  const p = wordsOf(phrase);
  if (!p.length) return false;
  for (let i = 0; i + p.length <= haystack.length; i++) if (p.every((w, j) => haystack[i + j] === w)) return true;
  return false;
}

/** A field name as it is compared: lower case, without separators and trailing digits (`password1`, `Access-Token`). */
export const fieldKey = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/\d+$/, '');

/** The first of `names` the vocabulary's list for `kind` names, in the list's order (its first entries are the likeliest). */
export function pickField(v: Vocabulary, kind: FieldKind, names: readonly string[]): string | undefined {
  for (const want of v.fields[kind]) {
    const hit = names.find((n) => fieldKey(n) === fieldKey(want));
    if (hit !== undefined) return hit;
  }
  return undefined;
}
