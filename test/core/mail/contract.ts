import { expect, it } from 'vitest';
import { MailTimeoutError, describeMailbox, waitForMail, type MailboxSpec } from '../../../core/mail/mailbox.ts';
import { actionMoment, sleep, type Outgoing } from './support.ts';

/** How a test delivers into one kind of mailbox; `past` delivers as if before the action (older file time, older Date). */
export interface MailboxUnderTest {
  spec: () => MailboxSpec;
  deliver: (m: Outgoing, o?: { past?: boolean }) => Promise<void>;
}

/** The behaviour every mailbox kind shares: exact recipient, only mail since the action, the newest wins, a clear timeout. */
export function mailboxContract(box: MailboxUnderTest): void {
  it('returns the newest mail addressed exactly to the recipient since the action, with its text and links', async () => {
    await box.deliver(
      {
        to: 'carol@customers.local',
        subject: 'Before the action',
        text: 'old https://platform.local/verify?token=old',
      },
      { past: true },
    );
    const since = await actionMoment();
    await box.deliver({
      to: 'xcarol@customers.local',
      subject: 'Someone else',
      text: 'x https://platform.local/verify?token=other',
    });
    await box.deliver({
      to: 'carol@customers.local',
      subject: 'First try',
      text: 'first https://platform.local/verify?token=first',
    });
    await sleep(30);
    await box.deliver({
      to: 'Carol <carol@customers.local>',
      subject: 'Verify',
      text: 'Your code is 482913. Or open https://platform.local/verify?token=abc.',
      html: '<p>Your code is <b>482913</b>. <a href="https://platform.local/verify?token=abc&amp;x=1">Verify</a></p>',
    });
    const mail = await waitForMail(box.spec(), { to: 'carol@customers.local', sinceMs: since, timeoutMs: 5000 });
    expect(mail.subject).toBe('Verify');
    expect(mail.text).toContain('Your code is 482913');
    expect(mail.links).toEqual([
      'https://platform.local/verify?token=abc&x=1',
      'https://platform.local/verify?token=abc',
    ]);
  });

  it('waits for a mail still on its way, found by its Cc recipient whatever the case of the address', async () => {
    const since = await actionMoment();
    const pending = waitForMail(box.spec(), { to: 'dora.cc@customers.local', sinceMs: since, timeoutMs: 5000 });
    await sleep(300);
    await box.deliver({ to: 'office@customers.local', cc: 'Dora.Cc@Customers.Local', subject: 'Copy', text: 'copied' });
    expect((await pending).subject).toBe('Copy');
  });

  it('times out naming the mailbox, the recipient, the time waited and what it saw', async () => {
    await box.deliver({ to: 'erin@customers.local', subject: 'Too early', text: 'old' }, { past: true });
    const since = await actionMoment();
    await box.deliver({ to: 'xerin@customers.local', subject: 'Near miss', text: 'not for erin' });
    const started = Date.now();
    const err = await waitForMail(box.spec(), { to: 'erin@customers.local', sinceMs: since, timeoutMs: 600 }).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(err).toBeInstanceOf(MailTimeoutError);
    const message = (err as Error).message;
    expect(message).toContain(
      `no mail to erin@customers.local in mailbox ${describeMailbox(box.spec())} within 600 ms (waited `,
    );
    expect(message).toMatch(/searched .+ and saw \d+ (message|file)s?/);
    // Among others when the mailbox only knows whole seconds (a Django log's Date headers).
    expect(message).toMatch(
      /newer than the action addressed to [^;]*xerin@customers\.local[^;]*, none of them exactly to erin@customers\.local(;|$)/,
    );
  });
}
