import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForMail, type MailboxSpec } from '../../../core/mail/mailbox.ts';
import { mailboxContract } from './contract.ts';
import { actionMoment, compose, type Outgoing } from './support.ts';

/*
 * MailHog cannot be installed here, so its reader is tested against this small server answering API v2 with
 * the documented shape: data.Message of github.com/mailhog/data (ID, From/To paths, Content { Headers, Body,
 * Size, MIME }, Created, MIME { Parts }, Raw { From, To, Data, Helo }) inside { total, count, start, items },
 * as MailHog-Server's api/v2.go writes it. Headers and MIME parts are split the way message.go splits them.
 */
interface Content {
  Headers: Record<string, string[]>;
  Body: string;
  Size: number;
  MIME: { Parts: Content[] } | null;
}

function contentFromString(data: string): Content {
  const at = data.indexOf('\r\n\r\n');
  const head = at < 0 ? '' : data.slice(0, at);
  const body = at < 0 ? data : data.slice(at + 4);
  const headers: Record<string, string[]> = {};
  let last = '';
  for (const line of head.split('\r\n')) {
    if (last && /^[ \t]/.test(line)) headers[last]![headers[last]!.length - 1] += line;
    else if (line.includes(': ')) {
      const i = line.indexOf(': ');
      last = line.slice(0, i);
      headers[last] = [line.slice(i + 2)];
    }
  }
  const content: Content = { Headers: headers, Body: body, Size: data.length, MIME: null };
  const boundary = /boundary="?([^";]+)"?/.exec(headers['Content-Type']?.[0] ?? '')?.[1];
  if (headers['Content-Type']?.[0]?.startsWith('multipart/') && boundary) {
    content.MIME = {
      Parts: body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((p) => contentFromString(p.replace(/^[\r\n]+|[\r\n]+$/g, ''))),
    };
  }
  return content;
}

const path = (addr: string) => {
  const [mailbox = '', domain = ''] = addr.split('@');
  return { Relays: null, Mailbox: mailbox, Domain: domain, Params: '' };
};
const bare = (a: string) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim();

async function mailhogItem(m: Outgoing, keepRaw: boolean) {
  const data = (await compose(m)).toString('utf8');
  const rcpts = [m.to, ...(m.cc ? [m.cc] : [])].map(bare);
  const content = contentFromString(data);
  return {
    ID: `${Math.random().toString(36).slice(2)}@mailhog.example`,
    From: path('no-reply@platform.local'),
    To: rcpts.map(path),
    Content: content,
    // Go marshals time.Time as RFC 3339 with nanoseconds.
    Created: new Date().toISOString().replace('Z', '123456+00:00'),
    MIME: content.MIME,
    Raw: keepRaw ? { From: 'no-reply@platform.local', To: rcpts, Data: data, Helo: 'platform.local' } : null,
  };
}

type Item = Awaited<ReturnType<typeof mailhogItem>>;

describe('smoke.mailbox kind mailhog (API v2)', () => {
  let server: Server;
  let url: string;
  const items: Item[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://mailhog');
      requests.push(`${u.pathname}?${u.searchParams}`);
      const newest = [...items].reverse();
      const page = (list: Item[]) =>
        JSON.stringify({
          total: list.length,
          count: Math.min(list.length, 50),
          start: 0,
          items: list.slice(0, Number(u.searchParams.get('limit') ?? 50)),
        });
      res.setHeader('Content-Type', 'text/json');
      if (u.pathname === '/api/v2/messages') return res.end(page(newest));
      if (u.pathname === '/api/v2/search' && u.searchParams.get('kind') === 'to' && u.searchParams.get('query')) {
        // MailHog's "to" search is a case-insensitive substring match on the recipients.
        const q = u.searchParams.get('query')!.toLowerCase();
        return res.end(
          page(newest.filter((i) => i.To.some((p) => `${p.Mailbox}@${p.Domain}`.toLowerCase().includes(q)))),
        );
      }
      res.statusCode = 400;
      return res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const spec = (): MailboxSpec => ({ kind: 'mailhog', url });
  mailboxContract({
    spec,
    deliver: async (m) => {
      items.push(await mailhogItem(m, true));
    },
  });

  it('searches with kind=to and the recipient, as API v2 documents', () => {
    expect(requests).toContain('/api/v2/search?kind=to&query=carol%40customers.local&limit=50');
  });

  it('reads a message from Content.Headers and its MIME parts when MailHog kept no raw data', async () => {
    const since = await actionMoment();
    items.push(
      await mailhogItem(
        {
          to: 'Lea <lea@customers.local>',
          subject: 'Your code',
          text: 'Your code is 482913',
          html: '<p>Your code is <b>482913</b></p>',
        },
        false,
      ),
    );
    expect(items.at(-1)!.MIME!.Parts.map((p) => p.Headers['Content-Type']![0])).toEqual([
      'text/plain; charset=utf-8',
      'text/html; charset=utf-8',
    ]);
    const mail = await waitForMail(spec(), { to: 'lea@customers.local', sinceMs: since, timeoutMs: 3000 });
    expect(mail).toMatchObject({ subject: 'Your code', html: '<p>Your code is <b>482913</b></p>' });
    expect(mail.text).toContain('Your code is 482913');
  });

  it('after a timeout says what else the mailbox holds', async () => {
    items.push(await mailhogItem({ to: 'mo@customers.local', subject: 'Other', text: 'other' }, true));
    const err = await waitForMail(spec(), { to: 'nobody@customers.local', sinceMs: Date.now(), timeoutMs: 300 }).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(
      /searched for kind=to query=nobody@customers\.local \(MailHog search, newest 50\) and saw no messages; the mailbox holds (\d+) messages in all; the newest \1 addressed to mo@customers\.local, /,
    );
  });
});
