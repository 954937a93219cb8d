import { simpleParser, type AddressObject } from 'mailparser';

/** One message as the readers need it: who it is addressed to, when it was written, what it says. */
export interface ParsedMessage {
  messageId: string;
  subject: string;
  text: string;
  html: string;
  /** To, Cc and Bcc addresses, lower-cased. */
  recipients: string[];
  /** The Date header (epoch ms), when the message has a readable one. */
  dateMs?: number;
}

function addressesOf(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  // Group syntax ("team: a@x, b@y;") nests addresses one level down.
  return list
    .flatMap((o) => o.value)
    .flatMap((v) => [v.address ?? '', ...(v.group ?? []).map((g) => g.address ?? '')])
    .filter(Boolean)
    .map((x) => x.toLowerCase());
}

/** Parses one RFC 5322 message (a file's bytes, or a mailbox API's raw source) with mailparser. */
export async function parseMessage(source: string | Buffer): Promise<ParsedMessage> {
  const m = await simpleParser(source, { skipImageLinks: true });
  const dateMs = m.date && !Number.isNaN(m.date.getTime()) ? m.date.getTime() : undefined;
  return {
    messageId: m.messageId?.replace(/^<|>$/g, '') ?? '',
    subject: m.subject ?? '',
    text: m.text ?? '',
    html: typeof m.html === 'string' ? m.html : '',
    recipients: [...new Set([...addressesOf(m.to), ...addressesOf(m.cc), ...addressesOf(m.bcc)])],
    ...(dateMs !== undefined ? { dateMs } : {}),
  };
}
