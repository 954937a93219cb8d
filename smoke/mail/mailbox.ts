/**
 * Reads mail through Mailpit's HTTP API (gonogo's own sink serves the same subset). HTTP only, no shared state,
 * so Playwright worker processes can call it.
 */
export interface ReceivedMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
}

export class MailTimeoutError extends Error {
  override name = 'MailTimeoutError';
}

interface Summary { ID: string; Created: string; To?: Array<{ Address: string }> | null }
interface Message { ID: string; Subject?: string; Text?: string; HTML?: string }

const POLL_MS = 100;

async function getJson<T>(url: string, timeoutMs: number): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`mailbox API answered ${res.status} for ${new URL(url).pathname}`);
  return (await res.json()) as T;
}

const decodeEntities = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** Every http(s) link of a message: HTML hrefs first, then URLs in the text part, without duplicates. */
export function extractLinks(text: string, html: string): string[] {
  const hrefs = [...html.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)].map((m) => decodeEntities(m[1] ?? m[2] ?? ''));
  const bare = [...`${text}\n`.matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));
  return [...new Set([...hrefs, ...bare].filter((l) => /^https?:\/\//i.test(l)))];
}

/** Waits for the newest message to `to` received at or after `sinceMs` (epoch ms); throws MailTimeoutError past `timeoutMs`. */
export async function waitForMail(apiUrl: string, o: { to: string; sinceMs: number; timeoutMs: number }): Promise<ReceivedMail> {
  const base = apiUrl.replace(/\/+$/, '');
  const deadline = Date.now() + o.timeoutMs;
  const to = o.to.toLowerCase();
  const query = encodeURIComponent(`to:"${o.to}"`);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const list = await getJson<{ messages?: Summary[] | null }>(`${base}/api/v1/search?query=${query}&limit=50`, Math.max(500, deadline - Date.now()));
      // Mailpit's search is a substring match: keep exact recipients and only mail received since the action.
      const hit = (list.messages ?? [])
        .filter((m) => (m.To ?? []).some((a) => a.Address.toLowerCase() === to) && Date.parse(m.Created) >= o.sinceMs)
        .sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created))[0];
      if (hit) {
        const m = await getJson<Message>(`${base}/api/v1/message/${encodeURIComponent(hit.ID)}`, Math.max(500, deadline - Date.now()));
        const text = m.Text ?? '';
        const html = m.HTML ?? '';
        return { id: m.ID, subject: m.Subject ?? '', text, html, links: extractLinks(text, html) };
      }
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
  const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new MailTimeoutError(`no mail to ${o.to} within ${o.timeoutMs} ms at ${base}${why}`, { cause: lastError });
}
