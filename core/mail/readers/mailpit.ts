import { extractLinks, type Reader } from '../mailbox.ts';
import { getJson, holds } from './http.ts';

interface Address {
  Address?: string;
}
interface Summary {
  ID: string;
  Created: string;
  To?: Address[] | null;
  Cc?: Address[] | null;
  Bcc?: Address[] | null;
}
interface List {
  messages?: Summary[] | null;
  messages_count?: number;
  total?: number;
}
interface Message {
  ID: string;
  Subject?: string;
  Text?: string;
  HTML?: string;
}

const LIMIT = 50;
const SURVEY_LIMIT = 20;
const recipientsOf = (m: Summary) =>
  [...(m.To ?? []), ...(m.Cc ?? []), ...(m.Bcc ?? [])].map((a) => (a.Address ?? '').toLowerCase()).filter(Boolean);

/** Mailpit's API v1 (and gonogo's sink, which serves the same subset): search by recipient, then fetch the message. */
export function mailpitReader(url: string): Reader {
  const base = url.replace(/\/+$/, '');
  return {
    pollMs: 100,
    async look({ to, sinceMs, deadline }) {
      // `addressed:` searches To, Cc and Bcc (`to:` only To); it matches substrings, so the caller keeps exact recipients.
      const query = `addressed:"${to}"`;
      const list = await getJson<List>(
        `${base}/api/v1/search?query=${encodeURIComponent(query)}&limit=${LIMIT}`,
        deadline,
      );
      const messages = list.messages ?? [];
      return {
        searched: `for ${query} (Mailpit search, newest ${LIMIT})`,
        seen: messages.length,
        unit: 'message',
        candidates: messages.map((m) => {
          const at = Date.parse(m.Created);
          return {
            at,
            fresh: at >= sinceMs,
            recipients: recipientsOf(m),
            read: async () => {
              const full = await getJson<Message>(`${base}/api/v1/message/${encodeURIComponent(m.ID)}`, deadline);
              const text = full.Text ?? '';
              const html = full.HTML ?? '';
              return { id: full.ID, subject: full.Subject ?? '', text, html, links: extractLinks(text, html) };
            },
          };
        }),
      };
    },
    async survey({ deadline }) {
      const list = await getJson<List>(`${base}/api/v1/messages?limit=${SURVEY_LIMIT}`, deadline);
      const messages = list.messages ?? [];
      return holds(list.messages_count ?? list.total ?? messages.length, messages.map(recipientsOf));
    },
  };
}
