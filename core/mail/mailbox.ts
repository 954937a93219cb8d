/**
 * Waits for one message to one recipient in whichever mailbox the platform delivers to: gonogo's sink or
 * Mailpit (Mailpit's HTTP API), MailHog (API v2), a Maildir, or a folder of .eml / Django .log files.
 * No shared state, so Playwright worker processes can call it.
 */
export interface ReceivedMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
}

/** Where the suite reads mail, resolved by runSmoke (absolute paths, the sink's API URL). */
export type MailboxSpec =
  | { kind: 'smtp-sink'; url: string; smtp?: { host: string; port: number } }
  | { kind: 'mailpit'; url: string }
  | { kind: 'mailhog'; url: string }
  | { kind: 'maildir'; path: string }
  | { kind: 'eml-dir'; path: string };

/** A message a reader found: when it arrived, whether that is after the action, whom it was addressed to. */
export interface Candidate {
  at: number;
  fresh: boolean;
  recipients: string[];
  read(): Promise<ReceivedMail>;
}

/** One look into the mailbox: what was searched, how many messages (or files) it held there, and the messages read. */
export interface Look {
  searched: string;
  seen: number;
  unit: 'message' | 'file';
  /** Files older than the action, not opened. */
  skipped?: number;
  candidates: Candidate[];
}

export interface LookOptions {
  to: string;
  sinceMs: number;
  deadline: number;
}
export interface Reader {
  pollMs: number;
  look(o: LookOptions): Promise<Look>;
  /** After a timeout, what else the mailbox holds (HTTP mailboxes only show the search's result otherwise). */
  survey?(o: LookOptions): Promise<string | undefined>;
}

export class MailTimeoutError extends Error {
  override name = 'MailTimeoutError';
}

export function describeMailbox(spec: MailboxSpec): string {
  switch (spec.kind) {
    case 'smtp-sink':
      return `smtp-sink (${spec.smtp ? `SMTP ${spec.smtp.host}:${spec.smtp.port}, ` : ''}API ${spec.url})`;
    case 'mailpit':
    case 'mailhog':
      return `${spec.kind} ${spec.url}`;
    case 'maildir':
    case 'eml-dir':
      return `${spec.kind} ${spec.path}`;
  }
}

const decodeEntities = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** Every http(s) link of a message: HTML hrefs first, then URLs in the text part, without duplicates. */
export function extractLinks(text: string, html: string): string[] {
  const hrefs = [...html.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)].map((m) =>
    decodeEntities(m[1] ?? m[2] ?? ''),
  );
  const bare = [...`${text}\n`.matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));
  return [...new Set([...hrefs, ...bare].filter((l) => /^https?:\/\//i.test(l)))];
}

// Loaded on use: a worker reading Mailpit never loads the file readers, and the other way round.
async function readerFor(spec: MailboxSpec): Promise<Reader> {
  switch (spec.kind) {
    case 'smtp-sink':
    case 'mailpit':
      return (await import('./readers/mailpit.ts')).mailpitReader(spec.url);
    case 'mailhog':
      return (await import('./readers/mailhog.ts')).mailhogReader(spec.url);
    case 'maildir':
      return (await import('./readers/maildir.ts')).maildirReader(spec.path);
    case 'eml-dir':
      return (await import('./readers/eml-dir.ts')).emlDirReader(spec.path);
  }
}

const SURVEY_MS = 2000;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function listOf(items: string[], max = 8): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

/** What the last look saw, for the timeout message: searched where, how many, addressed to whom. */
function lookSummary(look: Look, to: string): string {
  let s = `searched ${look.searched} and saw ${look.seen ? plural(look.seen, look.unit) : `no ${look.unit}s`}`;
  if (!look.seen) return s;
  if (look.skipped) s += `, ${look.skipped} older than the action (not opened)`;
  const fresh = look.candidates.filter((c) => c.fresh);
  if (!fresh.length) return `${s}; no message newer than the action`;
  const whom = [...new Set(fresh.flatMap((c) => c.recipients))];
  return `${s}; ${plural(fresh.length, 'message')} newer than the action addressed to ${whom.length ? listOf(whom) : 'nobody'}, none of them exactly to ${to}`;
}

/**
 * Waits for the newest message addressed exactly to `to` (To, Cc or Bcc) that arrived at or after `sinceMs`;
 * throws MailTimeoutError past `timeoutMs`, naming the mailbox, the recipient, the wait (and the `setting` that sets it) and what was seen.
 * A string is a Mailpit-compatible API URL.
 */
export async function waitForMail(
  mailbox: MailboxSpec | string,
  o: { to: string; sinceMs: number; timeoutMs: number; setting?: string },
): Promise<ReceivedMail> {
  const spec: MailboxSpec =
    typeof mailbox === 'string' ? { kind: 'mailpit', url: mailbox.replace(/\/+$/, '') } : mailbox;
  const reader = await readerFor(spec);
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const to = o.to.toLowerCase();
  const opts: LookOptions = { to: o.to, sinceMs: o.sinceMs, deadline };
  let last: Look | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await reader.look(opts);
      lastError = undefined;
      // Searches match substrings, and files hold everything: keep exact recipients and mail since the action.
      const hit = last.candidates.filter((c) => c.fresh && c.recipients.includes(to)).sort((a, b) => b.at - a.at)[0];
      if (hit) return await hit.read();
    } catch (e) {
      lastError = e;
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise((r) => setTimeout(r, Math.min(reader.pollMs, left)));
  }
  const waited = Date.now() - started;
  const seen = last ? lookSummary(last, o.to) : 'the mailbox could not be read at all';
  const survey =
    last && reader.survey
      ? await reader.survey({ ...opts, deadline: Date.now() + SURVEY_MS }).catch(() => undefined)
      : undefined;
  const why = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
  throw new MailTimeoutError(
    `no mail to ${o.to} in mailbox ${describeMailbox(spec)} within ${o.timeoutMs} ms (waited ${waited} ms): ${seen}${survey ? `; ${survey}` : ''}${why}${o.setting ? `; the wait is ${o.setting}: raise it if the mail is only slow` : ''}`,
    { cause: lastError },
  );
}
