import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailSink, type MailSink } from '../../../core/mail/sink.ts';
import { MailTimeoutError, extractLinks, waitForMail } from '../../../core/mail/mailbox.ts';

describe('SMTP sink with a Mailpit-compatible API', () => {
  let sink: MailSink;
  const send = (to: string, subject: string, text: string, html?: string) =>
    nodemailer
      .createTransport({ host: sink.smtp.host, port: sink.smtp.port, secure: false, ignoreTLS: true })
      .sendMail({ from: '"Platform" <no-reply@platform.local>', to, subject, text, ...(html ? { html } : {}) });
  const get = async (path: string) => (await fetch(`${sink.apiUrl}${path}`)).json();

  beforeAll(async () => {
    sink = await startMailSink();
  });
  afterAll(async () => {
    await sink?.stop();
  });

  it('stores mail and lists it with Mailpit field names, newest first', async () => {
    await send('Ann <ann@customers.local>', 'First', 'one');
    await send('bob@customers.local', 'Second', 'two https://x.local/a');
    const list = await get('/api/v1/messages');
    expect(list).toMatchObject({ total: 2, unread: 2, messages_count: 2, start: 0, tags: [] });
    expect(list.messages[0]).toMatchObject({
      Subject: 'Second',
      To: [{ Name: '', Address: 'bob@customers.local' }],
      From: { Name: 'Platform', Address: 'no-reply@platform.local' },
      Read: false,
      Attachments: 0,
    });
    expect(list.messages[1].To).toEqual([{ Name: 'Ann', Address: 'ann@customers.local' }]);
    expect(Date.parse(list.messages[0].Created)).toBeGreaterThan(0);
    expect(list.messages[0].Size).toBeGreaterThan(0);
  });

  it('serves one message with Text, HTML, To, Subject and Created; search filters by recipient', async () => {
    const found = await get(`/api/v1/search?query=${encodeURIComponent('to:ann@customers.local')}`);
    expect(found.messages_count).toBe(1);
    const m = await get(`/api/v1/message/${found.messages[0].ID}`);
    expect(m).toMatchObject({
      ID: found.messages[0].ID,
      Subject: 'First',
      Text: 'one\n',
      HTML: '',
      To: [{ Address: 'ann@customers.local' }],
    });
    expect(m.Created).toBe(found.messages[0].Created);
    expect((await fetch(`${sink.apiUrl}/api/v1/message/nope`)).status).toBe(404);
  });

  it('DELETE /api/v1/messages removes the given IDs, or everything', async () => {
    const list = await get('/api/v1/messages');
    const del = await fetch(`${sink.apiUrl}/api/v1/messages`, {
      method: 'DELETE',
      body: JSON.stringify({ IDs: [list.messages[0].ID] }),
    });
    expect(await del.text()).toBe('ok');
    expect((await get('/api/v1/messages')).total).toBe(1);
    await fetch(`${sink.apiUrl}/api/v1/messages`, { method: 'DELETE' });
    expect((await get('/api/v1/messages')).total).toBe(0);
  });

  it('waitForMail returns the newest matching mail since a moment, with its links', async () => {
    await send('carol@customers.local', 'Old', 'old https://platform.local/old');
    // Millisecond timestamps: step past the old mail's millisecond so "since" cleanly separates the two.
    const since = Date.now() + 1;
    while (Date.now() < since) await new Promise((r) => setImmediate(r));
    const pending = waitForMail(sink.apiUrl, { to: 'carol@customers.local', sinceMs: since, timeoutMs: 5000 });
    await send('carol.other@customers.local', 'Not for carol', 'x https://platform.local/other');
    await send(
      'carol@customers.local',
      'Verify',
      'Open https://platform.local/verify?token=abc.',
      '<p><a href="https://platform.local/verify?token=abc&amp;x=1">Verify</a></p>',
    );
    const mail = await pending;
    expect(mail).toMatchObject({
      subject: 'Verify',
      links: ['https://platform.local/verify?token=abc&x=1', 'https://platform.local/verify?token=abc'],
    });
    expect(mail.html).toContain('<a href=');
  });

  it('waitForMail times out with a MailTimeoutError', async () => {
    await expect(
      waitForMail(sink.apiUrl, { to: 'nobody@customers.local', sinceMs: 0, timeoutMs: 300 }),
    ).rejects.toBeInstanceOf(MailTimeoutError);
  });

  it('extractLinks keeps http(s) links only, without duplicates or trailing punctuation', () => {
    expect(
      extractLinks(
        'see https://a.local/x, and mailto:x@y',
        '<a href="https://a.local/x">x</a><a href=\'javascript:alert(1)\'>y</a>',
      ),
    ).toEqual(['https://a.local/x']);
  });
});
