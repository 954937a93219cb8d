/** Errors that say the reader went away (`gonogo ... | head -1`, a closed terminal), not that output was lost unread. */
const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

export interface StdioGuard {
  /** The command's exit code, or 2 when output the caller asked for could not be written. */
  exitCode(code: number): number;
}

/**
 * Keeps a closed or failing stdout/stderr from crashing gonogo with a stack trace. Node reports a write
 * error as an 'error' event on the stream, which crashes the process when nobody listens, so:
 * - EPIPE (the reader stopped reading): further console output is dropped quietly and the command runs to its
 *   end, so a run still writes its report and exits with its verdict;
 * - any other error (a full disk behind `> out.json`, EIO): the output is incomplete, which is said in one line
 *   on the other stream when it still works, and the exit code becomes 2, since a truncated `--json` must not
 *   pass for a whole one.
 */
export function guardStdio(streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = process): StdioGuard {
  let lost: string | null = null;
  const watch = (stream: NodeJS.WriteStream, name: string, other: NodeJS.WriteStream): void => {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (READER_GONE.has(e.code ?? '')) return;
      if (lost) return;
      lost = `${name}: ${e.code ?? e.message}`;
      process.exitCode = 2;
      if (!other.destroyed)
        other.write(
          `Output error: cannot write to ${name} (${e.code ?? e.message}); what gonogo printed there is incomplete, so it exits 2.\n`,
        );
    });
  };
  watch(streams.stdout, 'standard output', streams.stderr);
  watch(streams.stderr, 'standard error', streams.stdout);
  return { exitCode: (code) => (lost ? 2 : code) };
}
