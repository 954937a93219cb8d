import { mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../core/errors.ts';

/**
 * Proves the output directory can be created and written before anything runs, so a read-only or
 * mistyped --out is a usage error at once, not a crash after a five-minute load test. Probes the
 * nearest existing ancestor with a temporary directory and leaves nothing behind.
 */
export async function checkWritableDir(dir: string, flag = '--out'): Promise<void> {
  let probe = dir;
  for (;;) {
    try {
      const st = await stat(probe);
      if (!st.isDirectory())
        throw new UsageError(
          `${flag} ${dir}: ${probe === dir ? 'this is' : `${probe} is`} a file, not a directory; choose a directory for the report`,
        );
      break;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      const up = dirname(probe);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || up === probe)
        throw new UsageError(`${flag} ${dir}: cannot use this directory (${code ?? String(e)})`);
      probe = up;
    }
  }
  try {
    await rm(await mkdtemp(join(probe, '.gonogo-write-test-')), { recursive: true, force: true });
  } catch (e) {
    throw new UsageError(
      `${flag} ${dir}: ${probe} is not writable (${(e as NodeJS.ErrnoException).code ?? String(e)}); choose a directory gonogo may write the report to`,
    );
  }
}
