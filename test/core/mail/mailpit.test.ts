import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForMail, type MailboxSpec } from '../../../core/mail/mailbox.ts';
import { mailboxContract } from './contract.ts';
import { sendSmtp } from './support.ts';
import { findMailpit, startMailpit, type Mailpit } from './mailpit-process.ts';

const bin = findMailpit();
const inCi = process.env.CI === 'true';

// CI installs Mailpit (.ci/run), so there a missing binary fails below; elsewhere the tests say why they skip.
describe.skipIf(!bin && !inCi)(
  `smoke.mailbox kind mailpit against a real Mailpit${bin || inCi ? '' : ' (skipped: mailpit not installed; go install github.com/axllent/mailpit@v1.33.1)'}`,
  () => {
    let mailpit: Mailpit | undefined;
    let smtp: { host: string; port: number };
    let url: string;

    beforeAll(async () => {
      if (!bin)
        throw new Error(
          'mailpit is not installed but CI=true: .ci/run installs it with go install github.com/axllent/mailpit@v1.33.1',
        );
      mailpit = await startMailpit(bin);
      ({ smtp, url } = mailpit);
    }, 20_000);

    afterAll(async () => {
      await mailpit?.stop();
    });

    const spec = (): MailboxSpec => ({ kind: 'mailpit', url });
    mailboxContract({ spec, deliver: (m) => sendSmtp(smtp, m) });

    it('reads a mail sent only as Bcc through the envelope Mailpit records', async () => {
      const since = Date.now();
      const nodemailer = (await import('nodemailer')).default;
      await nodemailer.createTransport({ ...smtp, secure: false, ignoreTLS: true }).sendMail({
        from: 'no-reply@platform.local',
        to: 'list@customers.local',
        bcc: 'fay@customers.local',
        subject: 'Bcc',
        text: 'hidden',
      });
      expect((await waitForMail(spec(), { to: 'fay@customers.local', sinceMs: since, timeoutMs: 5000 })).subject).toBe(
        'Bcc',
      );
    });

    it('after a timeout also says what else the mailbox holds', async () => {
      await sendSmtp(smtp, { to: 'nell@customers.local', subject: 'Other', text: 'other' });
      const err = await waitForMail(spec(), {
        to: 'nobody-at-all@customers.local',
        sinceMs: Date.now(),
        timeoutMs: 300,
      }).then(
        () => new Error('a mail arrived'),
        (e: unknown) => e as Error,
      );
      expect(err.message).toContain(
        'searched for addressed:"nobody-at-all@customers.local" (Mailpit search, newest 50) and saw no messages; the mailbox holds ',
      );
      expect(err.message).toMatch(
        /the mailbox holds (\d+) messages in all; the newest \1 addressed to nell@customers\.local, /,
      );
    });
  },
);
