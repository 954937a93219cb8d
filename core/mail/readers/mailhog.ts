import { extractLinks, type Reader } from '../mailbox.ts';
import { parseMessage, type ParsedMessage } from '../parse.ts';
import { getJson, holds } from './http.ts';

/** MailHog's data.Message as API v2 returns it (github.com/mailhog/data message.go). */
interface Path {
  Mailbox?: string;
  Domain?: string;
}
interface Content {
  Headers?: Record<string, string[]> | null;
  Body?: string;
}
interface Item {
  ID: string;
  To?: Path[] | null;
  Content?: Content | null;
  Created?: string;
  Raw?: { To?: string[] | null; Data?: string } | null;
}
interface Result {
  total?: number;
  count?: number;
  items?: Item[] | null;
}

const LIMIT = 50;
const SURVEY_LIMIT = 20;

const envelopeOf = (item: Item) =>
  [
    ...(item.To ?? []).map((p) => (p.Domain ? `${p.Mailbox ?? ''}@${p.Domain}` : (p.Mailbox ?? ''))),
    ...(item.Raw?.To ?? []),
  ]
    .map((a) => a.toLowerCase())
    .filter((a) => a.includes('@'));

/** The message source: the raw SMTP data when MailHog kept it, else its parsed headers and body put back together. */
function sourceOf(item: Item): string {
  if (item.Raw?.Data) return item.Raw.Data;
  const headers = Object.entries(item.Content?.Headers ?? {}).flatMap(([name, values]) =>
    values.map((v) => `${name}: ${v}`),
  );
  return `${headers.join('\r\n')}\r\n\r\n${item.Content?.Body ?? ''}`;
}

/** MailHog's API v2: `GET /api/v2/search?kind=to&query=ADDR`; each item carries the whole message, parsed with mailparser. */
export function mailhogReader(url: string): Reader {
  const base = url.replace(/\/+$/, '');
  const parsed = new Map<string, Promise<ParsedMessage>>();
  const parse = (item: Item) => {
    let p = parsed.get(item.ID);
    if (!p) {
      p = parseMessage(sourceOf(item));
      parsed.set(item.ID, p);
      p.catch(() => parsed.delete(item.ID));
    }
    return p;
  };
  return {
    pollMs: 100,
    async look({ to, sinceMs, deadline }) {
      const res = await getJson<Result>(
        `${base}/api/v2/search?kind=to&query=${encodeURIComponent(to)}&limit=${LIMIT}`,
        deadline,
      );
      const items = res.items ?? [];
      const candidates = await Promise.all(
        items.map(async (item) => {
          const m = await parse(item);
          const created = item.Created ? Date.parse(item.Created) : Number.NaN;
          const at = Number.isNaN(created) ? (m.dateMs ?? 0) : created;
          return {
            at,
            fresh: at >= sinceMs,
            recipients: [...new Set([...m.recipients, ...envelopeOf(item)])],
            read: async () => ({
              id: item.ID,
              subject: m.subject,
              text: m.text,
              html: m.html,
              links: extractLinks(m.text, m.html),
            }),
          };
        }),
      );
      return {
        searched: `for kind=to query=${to} (MailHog search, newest ${LIMIT})`,
        seen: items.length,
        unit: 'message',
        candidates,
      };
    },
    async survey({ deadline }) {
      const res = await getJson<Result>(`${base}/api/v2/messages?limit=${SURVEY_LIMIT}`, deadline);
      const items = res.items ?? [];
      return holds(res.total ?? items.length, items.map(envelopeOf));
    },
  };
}
