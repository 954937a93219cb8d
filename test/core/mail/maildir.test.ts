import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForMail, type MailboxSpec } from '../../../core/mail/mailbox.ts';
import { mailboxContract } from './contract.ts';
import { actionMoment, compose, type Outgoing } from './support.ts';

let n = 0;

describe('smoke.mailbox kind maildir', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'gonogo-maildir-'));
    for (const sub of ['tmp', 'new', 'cur']) await mkdir(join(root, sub));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const spec = (): MailboxSpec => ({ kind: 'maildir', path: root });

  /** Delivers the way an MTA does: written into tmp/, then renamed into new/. */
  const deliver = async (m: Outgoing): Promise<string> => {
    const name = `${Date.now()}.M${++n}P${process.pid}.gonogo`;
    await writeFile(join(root, 'tmp', name), await compose(m));
    await rename(join(root, 'tmp', name), join(root, 'new', name));
    return name;
  };

  mailboxContract({
    spec,
    deliver: async (m) => {
      await deliver(m);
    },
  });

  it('finds a message a mail client has already moved to cur/ with its flags', async () => {
    const since = await actionMoment();
    const name = await deliver({ to: 'jack@customers.local', subject: 'Seen already', text: 'read' });
    await rename(join(root, 'new', name), join(root, 'cur', `${name}:2,S`));
    expect(await waitForMail(spec(), { to: 'jack@customers.local', sinceMs: since, timeoutMs: 3000 })).toMatchObject({
      id: `${name}:2,S`,
      subject: 'Seen already',
    });
  });

  it('never reads tmp/, where a delivery is still being written', async () => {
    const since = await actionMoment();
    await writeFile(
      join(root, 'tmp', 'half-written'),
      await compose({ to: 'kim@customers.local', subject: 'Not yet', text: 'partial' }),
    );
    const err = await waitForMail(spec(), { to: 'kim@customers.local', sinceMs: since, timeoutMs: 400 }).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(
      /^no mail to kim@customers\.local in mailbox maildir .+ within 400 ms \(waited \d+ ms\): searched new\/ and cur\/ and saw \d+ files, \d+ older than the action \(not opened\); no message newer than the action$/,
    );
  });

  it('says so when the folder is not a Maildir', async () => {
    const err = await waitForMail(
      { kind: 'maildir', path: join(root, 'tmp') },
      { to: 'x@customers.local', sinceMs: 0, timeoutMs: 200 },
    ).catch((e: Error) => e);
    expect((err as Error).message).toContain(
      `the mailbox could not be read at all; last error: ${join(root, 'tmp')} has neither new/ nor cur/: not a Maildir (yet?)`,
    );
  });
});
