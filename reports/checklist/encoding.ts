import { createRequire } from 'node:module';

/**
 * Repairs text whose UTF-8 bytes were decoded with a legacy 8-bit code page ("âœ…" for "✅",
 * "‚úÖ" when the code page was Mac Roman). Each line is re-encoded with the suspected code page
 * and decoded again as strict UTF-8; a line is only changed when that round trip succeeds.
 */
const LEGACY_PAGES = ['windows-1252', 'macintosh'] as const;

/** Code point -> byte for one code page, built from iconv-lite (Node 20's TextDecoder treats windows-1252 as latin-1). */
function reverseTable(label: string): Map<number, number> {
  // Loaded only when a checklist needs repair (CommonJS, a few MB of the harness's memory).
  const iconv = createRequire(import.meta.url)('iconv-lite') as typeof import('iconv-lite');
  const table = new Map<number, number>();
  for (let b = 0; b < 256; b++) {
    const ch = iconv.decode(Buffer.from([b]), label);
    const cp = ch.codePointAt(0);
    if (cp !== undefined && ch !== '\uFFFD' && !table.has(cp)) table.set(cp, b);
  }
  // WHATWG windows-1252 maps the five unassigned bytes to C1 controls; latin-1 fallback keeps them reversible.
  for (let b = 0x80; b < 0xa0; b++) if (!table.has(b)) table.set(b, b);
  // Mac Roman 0xF0 is the Apple logo, which Apple's decoder yields as private-use U+F8FF.
  if (label === 'macintosh' && !table.has(0xf8ff)) table.set(0xf8ff, 0xf0);
  return table;
}

const tables = new Map<string, Map<number, number>>();
function tableOf(page: string): Map<number, number> {
  let t = tables.get(page);
  if (!t) tables.set(page, (t = reverseTable(page)));
  return t;
}
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function toBytes(text: string, table: Map<number, number>): number[] | null {
  const bytes: number[] = [];
  for (const ch of text) {
    const b = table.get(ch.codePointAt(0)!);
    if (b === undefined) return null;
    bytes.push(b);
  }
  return bytes;
}

function roundTrip(text: string, table: Map<number, number>): string | null {
  const bytes = toBytes(text, table);
  if (!bytes) return null;
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/** A UTF-8 lead byte followed only by continuation bytes: a character whose last byte was lost (cp1252 has no 0x8D, 0x8F, 0x90, 0x9D). */
function isTruncatedSequence(bytes: number[]): boolean {
  const [lead, ...rest] = bytes;
  return (
    lead !== undefined && lead >= 0xc2 && lead <= 0xf4 && rest.length >= 1 && rest.every((b) => b >= 0x80 && b <= 0xbf)
  );
}

/** Second chance for lossy lines: repair each run of non-ASCII characters on its own. */
function repairRuns(line: string, table: Map<number, number>): string | null {
  let changed = false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is the range 0x00-0x7f, control characters included
  const out = line.replace(/[^\x00-\x7f]+/g, (run) => {
    const fixed = roundTrip(run, table);
    if (fixed !== null) {
      changed = changed || fixed !== run;
      return fixed;
    }
    const bytes = toBytes(run, table);
    if (bytes && isTruncatedSequence(bytes)) {
      changed = true;
      return '\uFFFD';
    }
    return run;
  });
  return changed ? out : null;
}

/** Lines that are plain ASCII or already proper UTF-8 come back unchanged. */
export function repairLine(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is the range 0x00-0x7f, control characters included
  if (!/[^\x00-\x7f]/.test(line)) return line;
  for (const page of LEGACY_PAGES) {
    const fixed = roundTrip(line, tableOf(page));
    if (fixed !== null && fixed !== line) return fixed;
  }
  for (const page of LEGACY_PAGES) {
    const fixed = repairRuns(line, tableOf(page));
    if (fixed !== null) return fixed;
  }
  return line;
}

/** Repairs a whole document line by line (mixed documents exist: one pasted section may be damaged, another not). */
export function repairText(text: string): string {
  return text.split(/\r?\n/).map(repairLine).join('\n');
}
