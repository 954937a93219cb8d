import { z } from 'zod';
import { formatZodIssues } from '../../../core/errors.ts';
import { LockfileError } from '../types.ts';

/** Checks a parsed lockfile against the fields its reader uses: a wrong shape is an error naming the file and the field, never zero packages. */
export function shaped<S extends z.ZodType>(schema: S, data: unknown, file: string, kind: string): z.infer<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issues = formatZodIssues(r.error, data);
  throw new LockfileError(
    `${file} is not a well-formed ${kind}: ${issues.slice(0, 3).join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`,
  );
}

/** JSON.parse whose error names the file and says it may be truncated. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new LockfileError(`${file} is not valid JSON (${(e as Error).message}); is it truncated?`, { cause: e });
  }
}

export const StringMap = z.record(z.string(), z.string());
