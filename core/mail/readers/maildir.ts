import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reader } from '../mailbox.ts';
import { fileScanner } from './files.ts';

/** The message files of a Maildir folder; a missing folder is an empty one, unless both are missing. */
async function listMaildir(root: string): Promise<string[]> {
  const found: string[] = [];
  let folders = 0;
  for (const sub of ['new', 'cur']) {
    try {
      // Dot files are not messages (Maildir++ keeps its own files there).
      found.push(...(await readdir(join(root, sub))).filter((f) => !f.startsWith('.')).map((f) => join(root, sub, f)));
      folders++;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  if (!folders) throw new Error(`${root} has neither new/ nor cur/: not a Maildir (yet?)`);
  return found;
}

/** A Maildir (new/ and cur/, one message per file; tmp/ holds deliveries in progress and is never read). */
export function maildirReader(path: string): Reader {
  // Deliveries are renamed from tmp/ when complete, so a file is never half-written: no settling time.
  const scan = fileScanner((_file, data) => [data], 0);
  return {
    pollMs: 200,
    async look({ sinceMs }) {
      return scan(await listMaildir(path), sinceMs, 'new/ and cur/');
    },
  };
}
