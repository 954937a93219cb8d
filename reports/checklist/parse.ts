import { repairText } from './encoding.ts';

/**
 * How a claim was written: a task box, a check-mark emoji, a table status cell, an unmarked item under a ticked
 * heading, or an unmarked sub-item of a claim that ends in a colon ("- ✅ Hardened settings:" then "  - DEBUG = False").
 */
export type ClaimShape = 'task' | 'emoji' | 'table' | 'heading' | 'item';

export interface ParsedClaim {
  text: string;
  /** 1-based line in the document. */
  line: number;
  /** The author declares it done. */
  claimed: boolean;
  /** Heading path (and list context) the claim sits under, e.g. "Pre-Deployment Verification > Security". */
  section?: string;
  shape: ClaimShape;
  note?: string;
}

// Markers are matched with an optional emoji variation selector (U+FE0F) after them.
const POSITIVE = ['✅', '✔', '☑', '✓', '🟢', '🟩'];
const NEGATIVE = ['❌', '❎', '⬜', '☐', '✗', '✘', '🔲', '⏳', '🚧', '🔴', '🟡', '🟠', '⭕', '⚠'];
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const POSITIVE_RE = new RegExp(`(?:${POSITIVE.map(escapeRe).join('|')})\\uFE0F?`, 'u');
const NEGATIVE_RE = new RegExp(`(?:${NEGATIVE.map(escapeRe).join('|')})\\uFE0F?`, 'u');
const ANY_MARKER_RE = new RegExp(`(?:${[...POSITIVE, ...NEGATIVE].map(escapeRe).join('|')})\\uFE0F?`, 'gu');

const HEADING_RE = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const TASK_RE = /^(\s*)(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s+(.*)$/;
const LIST_RE = /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/;
const FENCE_RE = /^\s*(```|~~~)/;
const ENDS_WITH_COLON_RE = /:\s*(\*\*)?\s*$/;
const TABLE_SEPARATOR_RE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const STATUS_HEADER_RE = /^(status|state|done|complete[d]?|result|ready)$/i;
const POSITIVE_WORD_RE =
  /^(complete[d]?|done|yes|y|pass(ed)?|ok|ready|resolved|implemented|exceeds|met|achieved|fixed|green)\b|^100\s*%/i;
const NEGATIVE_WORD_RE =
  /^(no|n|todo|to do|pending|not started|not done|in progress|wip|fail(ed)?|missing|blocked|partial|open|planned|red)\b|^0\s*%/i;

/** Strips markers, emphasis and decoration so the claim reads as plain text. */
export function cleanText(text: string): string {
  return text
    .replace(ANY_MARKER_RE, ' ')
    .replace(/\p{Extended_Pictographic}\uFE0F?|\uFFFD/gu, ' ')
    .replace(/\*\*|__|`/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s:–—-]+|[\s:–—-]+$/g, '')
    .trim();
}

function markerState(text: string): boolean | null {
  const pos = text.search(POSITIVE_RE);
  const neg = text.search(NEGATIVE_RE);
  if (pos < 0 && neg < 0) return null;
  if (pos >= 0 && neg >= 0) return pos < neg; // the first marker is the status; later ones are decoration
  return pos >= 0;
}

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

function statusCellState(cell: string): boolean | null {
  const mark = markerState(cell);
  if (mark !== null) return mark;
  const word = cleanText(cell);
  if (NEGATIVE_WORD_RE.test(word)) return false;
  if (POSITIVE_WORD_RE.test(word)) return true;
  return null;
}

interface Table {
  header: string[];
  statusIdx: number;
}

/** Parses a Markdown launch checklist (any of the shapes teams write) into claims, in document order. */
export function parseChecklist(raw: string): ParsedClaim[] {
  // CRLF, LF and a lone CR (classic Mac editors) all end a line.
  const lines = repairText(raw.replace(/\r\n?/g, '\n')).split('\n');
  const claims: ParsedClaim[] = [];
  const headings: Array<{ level: number; text: string; ticked: boolean }> = [];
  // A list item ending in a colon; when it is itself a claim, `claimed` passes its state to unmarked items under it.
  let listContext: { indent: number; text: string; claimed?: boolean } | null = null;
  let table: Table | null = null;
  let fence: string | null = null;

  const section = (): string | undefined => {
    const parts = headings.map((h) => h.text).filter(Boolean);
    if (listContext) parts.push(listContext.text);
    return parts.length ? parts.join(' > ') : undefined;
  };

  lines.forEach((line, i) => {
    const lineNo = i + 1;
    const fenceMatch = FENCE_RE.exec(line);
    if (fence) {
      if (fenceMatch && line.trim().startsWith(fence)) fence = null;
      return;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      return;
    }

    const heading = HEADING_RE.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      while (headings.length && headings[headings.length - 1]!.level >= level) headings.pop();
      headings.push({ level, text: cleanText(heading[2]!), ticked: markerState(heading[2]!) === true });
      listContext = null;
      table = null;
      return;
    }

    if (line.trim().startsWith('|')) {
      const next = lines[i + 1] ?? '';
      if (!table && TABLE_SEPARATOR_RE.test(next)) {
        const header = splitRow(line).map(cleanText);
        table = { header, statusIdx: header.findIndex((h) => STATUS_HEADER_RE.test(h)) };
        return;
      }
      if (TABLE_SEPARATOR_RE.test(line)) return;
      const cells = splitRow(line);
      const t: Table | null = table;
      const statusCell = t && t.statusIdx >= 0 ? cells[t.statusIdx] : undefined;
      const state = statusCell !== undefined ? statusCellState(statusCell) : markerState(line);
      if (state === null) return;
      const described = cells
        .map((c, idx) => ({ c: cleanText(c), h: t?.header[idx] ?? '', idx }))
        .filter(({ c, idx }) => c && idx !== t?.statusIdx);
      const [first, ...rest] = described;
      if (!first) return;
      const text = [first.c, ...rest.map(({ c, h }) => (h ? `${h.toLowerCase()} ${c}` : c))].join(', ');
      claims.push({
        text,
        line: lineNo,
        claimed: state,
        section: section(),
        shape: 'table',
        note: statusCell !== undefined ? `status "${cleanText(statusCell) || statusCell.trim()}"` : undefined,
      });
      return;
    }
    table = null;
    if (!line.trim()) return;

    const task = TASK_RE.exec(line);
    if (task) {
      const indent = task[1]!.length;
      if (listContext && indent <= listContext.indent) listContext = null;
      const ticked = task[2] !== ' ';
      const mark = markerState(task[3]!);
      const text = cleanText(task[3]!);
      if (!text) return;
      const claim: ParsedClaim = {
        text,
        line: lineNo,
        claimed: ticked || mark === true,
        section: section(),
        shape: 'task',
      };
      if (!ticked && mark === true) claim.note = 'box not ticked, but marked done';
      claims.push(claim);
      if (ENDS_WITH_COLON_RE.test(task[3]!)) listContext = { indent, text, claimed: claim.claimed };
      return;
    }

    const list = LIST_RE.exec(line);
    const indent = list ? list[1]!.length : 0;
    if (list && listContext && indent <= listContext.indent) listContext = null;
    const body = list ? list[2]! : line;
    const mark = markerState(body);
    const text = cleanText(body);
    if (mark !== null) {
      if (text) {
        claims.push({ text, line: lineNo, claimed: mark, section: section(), shape: 'emoji' });
        if (list && ENDS_WITH_COLON_RE.test(body)) listContext = { indent, text, claimed: mark };
      }
      return;
    }
    if (!list) return;
    const parent = listContext;
    if (parent?.claimed !== undefined && indent > parent.indent && text && !ENDS_WITH_COLON_RE.test(body)) {
      claims.push({
        text,
        line: lineNo,
        claimed: parent.claimed,
        section: section(),
        shape: 'item',
        note: `unmarked item under "${parent.text}", ${parent.claimed ? 'marked done' : 'not done'}`,
      });
      return;
    }
    if (ENDS_WITH_COLON_RE.test(body)) {
      listContext = { indent, text };
      return;
    }
    const nearest = headings[headings.length - 1];
    if (indent === 0 && !listContext && nearest?.ticked && text) {
      claims.push({
        text,
        line: lineNo,
        claimed: true,
        section: section(),
        shape: 'heading',
        note: 'unmarked item under a heading marked done',
      });
    }
  });
  return claims;
}
