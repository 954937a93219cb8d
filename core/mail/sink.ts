import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';

/** Mailpit's address shape. */
export interface MailAddress {
  Name: string;
  Address: string;
}

/** A received message, kept in memory, with Mailpit's field names. */
export interface StoredMessage {
  ID: string;
  MessageID: string;
  From: MailAddress;
  To: MailAddress[];
  Cc: MailAddress[];
  Bcc: MailAddress[];
  ReplyTo: MailAddress[];
  Subject: string;
  Created: string;
  Date: string;
  Text: string;
  HTML: string;
  Size: number;
  Read: boolean;
}

export interface MailSink {
  smtp: { host: string; port: number };
  /** Base URL of the Mailpit-compatible HTTP API (no trailing slash). */
  apiUrl: string;
  messages(): StoredMessage[];
  stop(): Promise<void>;
}

const MAX_MESSAGES = 5000;

function addresses(a: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((o) => o.value).map((v) => ({ Name: v.name ?? '', Address: v.address ?? '' }));
}

function summary(m: StoredMessage) {
  return {
    ID: m.ID,
    MessageID: m.MessageID,
    Read: m.Read,
    From: m.From,
    To: m.To,
    Cc: m.Cc,
    Bcc: m.Bcc,
    ReplyTo: m.ReplyTo,
    Subject: m.Subject,
    Created: m.Created,
    Tags: [],
    Size: m.Size,
    Attachments: 0,
    Snippet: m.Text.replace(/\s+/g, ' ').trim().slice(0, 250),
  };
}

/** Mailpit search subset: `to:ADDR`, `addressed:ADDR` (To, Cc or Bcc), `from:ADDR`, `subject:TEXT` (quoted or not); other words match subject or body. */
function matches(m: StoredMessage, query: string): boolean {
  const terms = query.match(/(\w+:)?("[^"]*"|\S+)/g) ?? [];
  return terms.every((term) => {
    const [, field, rawValue] = /^(?:(\w+):)?(.*)$/.exec(term) ?? [];
    const value = (rawValue ?? '').replace(/^"|"$/g, '').toLowerCase();
    const has = (list: MailAddress[]) =>
      list.some((a) => a.Address.toLowerCase().includes(value) || a.Name.toLowerCase().includes(value));
    switch (field?.toLowerCase()) {
      case 'to':
      case 'addressed':
        return has(m.To) || has(m.Cc) || has(m.Bcc);
      case 'from':
        return has([m.From]);
      case 'subject':
        return m.Subject.toLowerCase().includes(value);
      default:
        return `${m.Subject}\n${m.Text}\n${m.HTML}`.toLowerCase().includes(value);
    }
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res
    .writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' })
    .end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use (another mail server, or an earlier run still holding it)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the host is not an address of this machine',
  ENOTFOUND: 'the host name does not resolve',
};

/** The sink could not listen where it was told to; the message names the port and why. */
export class SinkListenError extends Error {
  override name = 'SinkListenError';
  readonly code: string | undefined;
  constructor(
    readonly what: 'SMTP' | 'HTTP API',
    readonly host: string,
    readonly port: number,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = (code && LISTEN_REASONS[code]) ?? (cause as Error).message;
    super(`cannot listen for ${what} on ${host}:${port || '(a free port)'}: ${reason}`, { cause });
    this.code = code;
  }
}

/**
 * gonogo's SMTP sink: accepts any mail on loopback, parses it, keeps it in memory, and serves a subset of
 * Mailpit's HTTP API, so the same mailbox client reads the sink and a real Mailpit alike.
 */
export async function startMailSink(
  opts: { host?: string; smtpPort?: number; httpPort?: number } = {},
): Promise<MailSink> {
  const host = opts.host ?? '127.0.0.1';
  let store: StoredMessage[] = [];

  const smtp = new SMTPServer({
    // A local capture server: no auth, no TLS; it only ever listens on loopback.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      simpleParser(stream).then(
        (parsed) => {
          const now = new Date();
          store.push({
            ID: randomBytes(11).toString('base64url'),
            MessageID: parsed.messageId?.replace(/^<|>$/g, '') ?? '',
            From: addresses(parsed.from)[0] ?? { Name: '', Address: '' },
            To: addresses(parsed.to),
            Cc: addresses(parsed.cc),
            Bcc: addresses(parsed.bcc),
            ReplyTo: addresses(parsed.replyTo),
            Subject: parsed.subject ?? '',
            Created: now.toISOString(),
            Date: (parsed.date ?? now).toISOString(),
            Text: parsed.text ?? '',
            HTML: typeof parsed.html === 'string' ? parsed.html : '',
            Size: size,
            Read: false,
          });
          if (store.length > MAX_MESSAGES) store = store.slice(-MAX_MESSAGES);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  smtp.on('error', () => {
    /* a broken client connection must not take the sink down */
  });

  const api = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const newestFirst = () => [...store].reverse();
    const page = (list: StoredMessage[]) => {
      const start = Number(url.searchParams.get('start') ?? 0) || 0;
      const limit = Number(url.searchParams.get('limit') ?? 50) || 50;
      return {
        total: store.length,
        unread: store.filter((m) => !m.Read).length,
        count: Math.min(limit, Math.max(0, list.length - start)),
        messages_count: list.length,
        messages_unread: list.filter((m) => !m.Read).length,
        start,
        tags: [],
        messages: list.slice(start, start + limit).map(summary),
      };
    };
    if (url.pathname === '/api/v1/messages' && req.method === 'GET') return send(res, 200, page(newestFirst()));
    if (url.pathname === '/api/v1/search' && req.method === 'GET') {
      return send(res, 200, page(newestFirst().filter((m) => matches(m, url.searchParams.get('query') ?? ''))));
    }
    if (url.pathname === '/api/v1/messages' && req.method === 'DELETE') {
      return void readBody(req)
        .then((text) => {
          const ids = text.trim() ? ((JSON.parse(text) as { IDs?: string[] }).IDs ?? []) : [];
          store = ids.length ? store.filter((m) => !ids.includes(m.ID)) : [];
          send(res, 200, 'ok');
        })
        .catch(() => send(res, 400, 'invalid JSON body'));
    }
    const one = /^\/api\/v1\/message\/([^/]+)$/.exec(url.pathname);
    if (one && req.method === 'GET') {
      const id = decodeURIComponent(one[1]!);
      const m = id === 'latest' ? store[store.length - 1] : store.find((x) => x.ID === id);
      if (!m) return send(res, 404, 'message not found');
      m.Read = true;
      const { Read: _read, ...rest } = m;
      return send(res, 200, {
        ...rest,
        ReturnPath: m.From.Address,
        Tags: [],
        Inline: [],
        Attachments: [],
        ListUnsubscribe: {},
      });
    }
    return send(res, 404, 'not found');
  });

  const smtpPort = await new Promise<number>((resolve, reject) => {
    smtp.server.once('error', (e) => reject(new SinkListenError('SMTP', host, opts.smtpPort ?? 0, e)));
    smtp.listen(opts.smtpPort ?? 0, host, () => resolve((smtp.server.address() as AddressInfo).port));
  });
  const httpPort = await new Promise<number>((resolve, reject) => {
    api.once('error', (e) => reject(new SinkListenError('HTTP API', host, opts.httpPort ?? 0, e)));
    api.listen(opts.httpPort ?? 0, host, () => resolve((api.address() as AddressInfo).port));
  }).catch(async (e) => {
    await new Promise<void>((r) => smtp.close(() => r()));
    throw e;
  });

  let stopped = false;
  return {
    smtp: { host, port: smtpPort },
    apiUrl: `http://${host}:${httpPort}`,
    messages: () => [...store],
    async stop() {
      if (stopped) return;
      stopped = true;
      api.closeAllConnections();
      await Promise.all([
        new Promise<void>((r) => api.close(() => r())),
        new Promise<void>((r) => smtp.close(() => r())),
      ]);
    },
  };
}
