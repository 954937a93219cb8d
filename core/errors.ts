import type { z } from 'zod';
import { redactUserinfo } from './url.ts';

/** A problem in a file the user wrote: the CLI prints it as one paragraph and exits 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly issues: string[],
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${issues.join('; ')}`, options);
  }

  format(): string {
    const list = this.issues.length === 1 ? this.issues[0] : this.issues.map((i) => `\n  - ${i}`).join('');
    return `Config error in ${this.file}: ${list}`;
  }
}

/** Wrong usage of the command line (unknown suite, engine, flaw; bad flag values). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A file handed to a command (report, shard, lockfile) that is missing, corrupt or of another version. */
export class InputError extends Error {
  override name = 'InputError';
}

function received(value: unknown): string {
  if (value === undefined) return 'nothing';
  // A URL's user:password part is a secret even when the value is wrong; the message must not repeat it.
  const json = JSON.stringify(value);
  const s = json === undefined ? undefined : redactUserinfo(json);
  if (s === undefined) return String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function dotPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    '',
  );
}

/** Each zod issue as `dot.path: rule (received: value)`: what to fix and where. */
export function formatZodIssues(error: z.ZodError, input?: unknown): string[] {
  return error.issues.map((issue) => {
    const path = dotPath(issue.path);
    let value: unknown = input;
    for (const k of issue.path) value = value == null ? undefined : (value as Record<PropertyKey, unknown>)[k];
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (typo? unknown keys are errors so that a misspelled setting cannot be silently ignored)`;
    }
    const got = input === undefined ? ('input' in issue ? received(issue.input) : null) : received(value);
    return `${path}: ${issue.message}${got === null ? '' : ` (received: ${got})`}`;
  });
}

/** The report set could not be written (a full disk, a read-only folder); the earlier set is left whole. */
export class ReportWriteError extends Error {
  override name = 'ReportWriteError';
}
