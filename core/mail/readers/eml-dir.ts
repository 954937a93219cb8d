import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Reader } from '../mailbox.ts';
import { fileScanner } from './files.ts';

/** Django's console and file backends end every message with a line of 79 dashes. */
const SEPARATOR = '-'.repeat(79);
/** An RFC 5322 header line: a field name of printable characters but ":", then ":". */
const HEADER_LINE = /^[!-9;-~]+:/;
/** Files written this recently may still be half-written. */
const SETTLE_MS = 150;

/**
 * The messages of a Django .log file. A chunk that does not start with a header is a message body that
 * happened to contain a line of 79 dashes, so it is put back onto the message before it.
 */
export function splitDjangoLog(text: string): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  const flush = () => {
    const body = current.join('\n').replace(/^\s*\n/, '');
    current = [];
    if (!body.trim()) return;
    const first = body.split('\n', 1)[0] ?? '';
    if (chunks.length && !HEADER_LINE.test(first)) chunks[chunks.length - 1] += `\n${SEPARATOR}\n${body}`;
    else chunks.push(body);
  };
  for (const line of text.split('\n')) {
    if (line.replace(/\r$/, '') === SEPARATOR) flush();
    else current.push(line);
  }
  flush();
  return chunks;
}

/** A folder of mail files: `.eml` (one message each) and Django's `.log` files (one or more messages each). */
export function emlDirReader(path: string): Reader {
  const scan = fileScanner(
    (file, data) => (extname(file).toLowerCase() === '.log' ? splitDjangoLog(data.toString('utf8')) : [data]),
    SETTLE_MS,
  );
  return {
    pollMs: 200,
    async look({ sinceMs }) {
      let names: string[];
      try {
        names = await readdir(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${path} does not exist`);
        throw e;
      }
      const files = names.filter((n) => /\.(eml|log)$/i.test(n)).map((n) => join(path, n));
      return scan(files, sinceMs, '*.eml and Django *.log files');
    },
  };
}
