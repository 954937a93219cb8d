import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { extractLinks, type Candidate, type Look } from '../mailbox.ts';
import { parseMessage, type ParsedMessage } from '../parse.ts';

/** Splits one file's bytes into the messages it holds (one for .eml and Maildir, several for a Django .log). */
export type Splitter = (file: string, data: Buffer) => Array<string | Buffer>;

interface Entry {
  mtimeMs: number;
  size: number;
  messages: ParsedMessage[];
}

/** File times come from the kernel's coarse clock, up to a tick (4-10 ms) behind Date.now() at the same instant. */
const FS_CLOCK_SLACK_MS = 15;
/** A Date header has whole seconds: a message dated in the action's second is not older than the action. */
const dateIsFresh = (m: ParsedMessage, sinceMs: number) =>
  m.dateMs === undefined || m.dateMs >= Math.floor(sinceMs / 1000) * 1000;

/**
 * Reads mail files newer than the action, parsing each file once per change (path, mtime, size);
 * older files are counted, not opened. `settleMs` leaves alone a file written that recently: it may be half-written.
 */
export function fileScanner(split: Splitter, settleMs: number) {
  const cache = new Map<string, Entry>();
  return async function scan(files: string[], sinceMs: number, searched: string): Promise<Look> {
    const candidates: Candidate[] = [];
    let skipped = 0;
    for (const file of files) {
      const st = await stat(file).catch(() => undefined);
      // Gone between listing and reading (a Maildir reader moved it to cur/): the next look sees it there.
      if (!st?.isFile()) continue;
      if (st.mtimeMs < sinceMs - FS_CLOCK_SLACK_MS) {
        skipped++;
        continue;
      }
      if (Date.now() - st.mtimeMs < settleMs) continue;
      let entry = cache.get(file);
      if (!entry || entry.mtimeMs !== st.mtimeMs || entry.size !== st.size) {
        const parts = split(file, await readFile(file));
        entry = { mtimeMs: st.mtimeMs, size: st.size, messages: await Promise.all(parts.map((p) => parseMessage(p))) };
        cache.set(file, entry);
      }
      const n = entry.messages.length;
      entry.messages.forEach((m, i) => {
        candidates.push({
          // Later in a file is newer; the offset only orders messages of one file.
          at: st.mtimeMs - (n - 1 - i),
          fresh: dateIsFresh(m, sinceMs),
          recipients: m.recipients,
          read: async () => ({
            id: `${basename(file)}${n > 1 ? `#${i + 1}` : ''}`,
            subject: m.subject,
            text: m.text,
            html: m.html,
            links: extractLinks(m.text, m.html),
          }),
        });
      });
    }
    return { searched, seen: files.length, unit: 'file', skipped, candidates };
  };
}
