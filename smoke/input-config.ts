import { z } from 'zod';
import { DebugSignature } from './vocab.ts';
import {
  DEFAULT_FILE_PARAMS,
  DEFAULT_FILE_SIGNATURES,
  DEFAULT_NOSQL_BODY_OPERATORS,
  DEFAULT_NOSQL_QUERY_OPERATORS,
  DEFAULT_SQL_BOOLEAN_PAIRS,
  DEFAULT_SQL_ERROR_PAYLOADS,
  DEFAULT_SQL_ERROR_SIGNATURES,
  DEFAULT_TEMPLATE_PAYLOADS,
  DEFAULT_TRAVERSAL_PAYLOADS,
} from './input-vocab.ts';

/** A payload naming the control value as `{value}`. */
const payload = z.string().min(1);

/** The input probes (input.*): which operations, with what, within what budget. */
export const InputProbes = z
  .object({
    /** false: the input checks skip as not-configured (the report stays incomplete unless notApplicable declares them). */
    enabled: z.boolean().default(true),
    /** Write operations ("POST /api/quote", as the document names them) the probes may send bodies to; reads (GET, HEAD) are always probed. */
    writes: z
      .array(z.string().regex(/^(POST|PUT|PATCH|DELETE) \//, 'an operation such as "POST /api/catalog/quote"'))
      .default([]),
    /** Parameter name -> the control value, where the document gives no example, default or enum. */
    values: z.record(z.string().min(1), z.string()).default({}),
    /** What one input check may spend; the paced client's waits count against `seconds`. */
    budget: z
      .object({
        requests: z.number().int().positive().max(5000).default(90),
        perOperation: z.number().int().positive().max(1000).default(40),
        seconds: z.number().positive().max(900).default(45),
      })
      .strict()
      .prefault({}),
    fileParams: z.array(z.string().min(1)).default(DEFAULT_FILE_PARAMS),
    sqlErrorSignatures: z.array(DebugSignature).min(1).default(DEFAULT_SQL_ERROR_SIGNATURES),
    sqlErrorPayloads: z.array(payload).default(DEFAULT_SQL_ERROR_PAYLOADS),
    sqlBooleanPairs: z.array(z.object({ true: payload, false: payload }).strict()).default(DEFAULT_SQL_BOOLEAN_PAIRS),
    nosqlQueryOperators: z
      .array(
        z
          .object({
            suffix: z.string().regex(/^\[\$\w+\](\[\])?$/, 'a bracketed operator such as "[$ne]"'),
            value: z.string(),
          })
          .strict(),
      )
      .default(DEFAULT_NOSQL_QUERY_OPERATORS),
    nosqlBodyOperators: z.array(z.record(z.string(), z.unknown())).default(DEFAULT_NOSQL_BODY_OPERATORS),
    templatePayloads: z
      .array(z.object({ payload, expect: z.string().min(2) }).strict())
      .min(1)
      .default(DEFAULT_TEMPLATE_PAYLOADS),
    traversalPayloads: z.array(payload).min(1).default(DEFAULT_TRAVERSAL_PAYLOADS),
    fileSignatures: z.array(DebugSignature).min(1).default(DEFAULT_FILE_SIGNATURES),
  })
  .strict();
export type InputProbesConfig = z.infer<typeof InputProbes>;
