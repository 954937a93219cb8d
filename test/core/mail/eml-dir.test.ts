import { appendFile, copyFile, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForMail, type MailboxSpec } from '../../../core/mail/mailbox.ts';
import { splitDjangoLog } from '../../../core/mail/readers/eml-dir.ts';
import { parseMessage } from '../../../core/mail/parse.ts';
import { mailboxContract } from './contract.ts';
import { compose, type Outgoing } from './support.ts';

/** Written by Django 5.2's filebased EmailBackend (make-django-log.py beside it): two messages, one with a line of 79 dashes in its text. */
const DJANGO_LOG = new URL('../../fixtures/mail/django-filebased.log', import.meta.url);
const DASHES = '-'.repeat(79);
let n = 0;

describe('smoke.mailbox kind eml-dir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gonogo-emldir-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const spec = (): MailboxSpec => ({ kind: 'eml-dir', path: dir });

  describe('with one .eml file per message', () => {
    mailboxContract({ spec, deliver: async (m) => writeFile(join(dir, `message-${++n}.eml`), await compose(m)) });
  });

  describe("with Django's .log format, every message appended to one file", () => {
    const file = () => join(dir, 'console-mail.log');
    // Django writes LF line endings and a line of 79 dashes after each message; a past message carries a past Date.
    const deliver = async (m: Outgoing, o: { past?: boolean } = {}) => {
      const source = (await compose({ ...m, date: new Date(Date.now() - (o.past ? 60_000 : 0)) }))
        .toString('utf8')
        .replace(/\r\n/g, '\n');
      await appendFile(file(), `${source}\n${DASHES}\n`);
    };
    mailboxContract({ spec, deliver });
  });

  it("splits the file Django's filebased backend wrote, keeping a body line of 79 dashes inside its message", async () => {
    const parts = splitDjangoLog(await readFile(DJANGO_LOG, 'utf8'));
    expect(parts).toHaveLength(2);
    const [welcome, code] = await Promise.all(parts.map((p) => parseMessage(p)));
    expect(welcome).toMatchObject({
      subject: 'Welcome',
      recipients: ['gina@customers.local'],
      text: `Welcome aboard.\n${DASHES}\nThe line above is part of the text.`,
    });
    expect(code).toMatchObject({
      subject: 'Your verification code',
      recipients: ['hana@customers.local'],
      html: '<p>Your code is <b>482913</b></p>',
    });
    expect(code!.text).toContain('Your code is 482913');
    expect(code!.dateMs).toBe(Date.parse('Wed, 02 Dec 2026 07:04:14 -0000'));
  });

  it('reads the second message of a Django .log file written after the action, once its Date is after it too', async () => {
    const own = await mkdtemp(join(tmpdir(), 'gonogo-emldir-django-'));
    try {
      const since = Date.now();
      // The fixture's Dates are from when it was made: stamp them with now, as if Django had just written it.
      const text = (await readFile(DJANGO_LOG, 'utf8')).replace(/^Date: .*$/gm, `Date: ${new Date().toUTCString()}`);
      await writeFile(join(own, '20261202-070414-140234.log'), text);
      const mail = await waitForMail(
        { kind: 'eml-dir', path: own },
        { to: 'hana@customers.local', sinceMs: since - 1000, timeoutMs: 3000 },
      );
      expect(mail).toMatchObject({ id: '20261202-070414-140234.log#2', subject: 'Your verification code' });
      // Unchanged, the same file is older than the action by its Dates, whatever its file time says.
      await copyFile(DJANGO_LOG, join(own, 'stale.log'));
      const err = await waitForMail(
        { kind: 'eml-dir', path: own },
        { to: 'gina@customers.local', sinceMs: Date.now() + 5000, timeoutMs: 300 },
      ).catch((e: Error) => e);
      expect((err as Error).message).toMatch(
        /searched \*\.eml and Django \*\.log files and saw 2 files, 2 older than the action \(not opened\); no message newer/,
      );
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it('counts files older than the action without opening them, and ignores other files', async () => {
    const own = await mkdtemp(join(tmpdir(), 'gonogo-emldir-old-'));
    try {
      const old = join(own, 'old.eml');
      await writeFile(old, await compose({ to: 'ivy@customers.local', subject: 'Old', text: 'old' }));
      await utimes(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
      await writeFile(join(own, 'notes.txt'), 'To: ivy@customers.local\n\nnot a mail file');
      const err = await waitForMail(
        { kind: 'eml-dir', path: own },
        { to: 'ivy@customers.local', sinceMs: Date.now() - 60_000, timeoutMs: 300 },
      ).catch((e: Error) => e);
      expect((err as Error).message).toContain(`in mailbox eml-dir ${own} within 300 ms`);
      expect((err as Error).message).toContain(
        'searched *.eml and Django *.log files and saw 1 file, 1 older than the action (not opened); no message newer than the action',
      );
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it('names the setting that sets the wait, when the caller gives it', async () => {
    const err = await waitForMail(
      { kind: 'eml-dir', path: join(dir, 'missing') },
      { to: 'x@customers.local', sinceMs: 0, timeoutMs: 100, setting: 'smoke.verifyEmail.timeoutMs' },
    ).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /^no mail to x@customers\.local .* within 100 ms .*; the wait is smoke\.verifyEmail\.timeoutMs: raise it if the mail is only slow$/,
    );
  });

  it('names a folder that does not exist', async () => {
    const err = await waitForMail(
      { kind: 'eml-dir', path: join(dir, 'missing') },
      { to: 'x@customers.local', sinceMs: 0, timeoutMs: 200 },
    ).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `no mail to x@customers.local in mailbox eml-dir ${join(dir, 'missing')} within 200 ms (waited ${(err as Error).message.match(/waited (\d+) ms/)![1]} ms): the mailbox could not be read at all; last error: ${join(dir, 'missing')} does not exist`,
    );
  });
});
