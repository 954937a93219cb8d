import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMailbox, type OpenMailbox } from '../../../core/mail/open.ts';
import { ConfigError } from '../../../core/errors.ts';
import { waitForMail } from '../../../core/mail/mailbox.ts';
import { mailboxContract } from './contract.ts';
import { freePort, sendSmtp } from './support.ts';

describe('smoke.mailbox kind smtp-sink on a port the platform is configured to deliver to', () => {
  let port: number;
  let box: OpenMailbox;
  const said: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    box = await openMailbox({ kind: 'smtp-sink', host: '127.0.0.1', port }, '/nowhere', (m) => said.push(m));
  });
  afterAll(async () => {
    await box?.stop();
  });

  it('listens for SMTP on exactly that host and port, and says so', () => {
    expect(box.spec).toMatchObject({ kind: 'smtp-sink', smtp: { host: '127.0.0.1', port } });
    expect(said).toEqual([`mail sink listening on smtp://127.0.0.1:${port}`]);
  });

  mailboxContract({ spec: () => box.spec, deliver: (m) => sendSmtp({ host: '127.0.0.1', port }, m) });

  it('refuses a taken port with a config error naming the mailbox, the address and why', async () => {
    const holder: Server = createServer();
    const taken = await freePort();
    await new Promise<void>((r) => holder.listen(taken, '127.0.0.1', () => r()));
    try {
      const err = await openMailbox({ kind: 'smtp-sink', port: taken }, '/nowhere', () => {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).format()).toBe(
        `Config error in smoke.mailbox: the smtp-sink mailbox cannot listen for SMTP on 127.0.0.1:${taken}: the port is already in use ` +
          '(another mail server, or an earlier run still holding it); free that port, or set smoke.mailbox.port to one the platform can deliver to',
      );
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });

  it('without a port takes a free loopback port, as before', async () => {
    const other = await openMailbox({ kind: 'smtp-sink' }, '/nowhere', () => {});
    try {
      expect(other.spec).toMatchObject({ kind: 'smtp-sink', smtp: { host: '127.0.0.1' } });
      const smtp = (other.spec as { smtp: { host: string; port: number } }).smtp;
      expect(smtp.port).toBeGreaterThan(0);
      expect(smtp.port).not.toBe(port);
      const since = Date.now();
      await sendSmtp(smtp, { to: 'free@customers.local', subject: 'Free port', text: 'ok' });
      expect(
        (await waitForMail(other.spec, { to: 'free@customers.local', sinceMs: since, timeoutMs: 3000 })).subject,
      ).toBe('Free port');
    } finally {
      await other.stop();
    }
  });
});

describe('openMailbox for the other kinds', () => {
  it('passes API URLs through and resolves folders against the config file directory', async () => {
    expect((await openMailbox({ kind: 'mailpit', url: 'http://127.0.0.1:8025/' }, '/srv/app', () => {})).spec).toEqual({
      kind: 'mailpit',
      url: 'http://127.0.0.1:8025',
    });
    expect((await openMailbox({ kind: 'mailhog', url: 'http://127.0.0.1:8025' }, '/srv/app', () => {})).spec).toEqual({
      kind: 'mailhog',
      url: 'http://127.0.0.1:8025',
    });
    expect((await openMailbox({ kind: 'maildir', path: 'var/mail/qa' }, '/srv/app', () => {})).spec).toEqual({
      kind: 'maildir',
      path: '/srv/app/var/mail/qa',
    });
    expect((await openMailbox({ kind: 'eml-dir', path: '/tmp/app-messages' }, '/srv/app', () => {})).spec).toEqual({
      kind: 'eml-dir',
      path: '/tmp/app-messages',
    });
    expect(
      (await openMailbox({ kind: 'smtp-sink', apiUrl: 'http://127.0.0.1:9/' }, '/srv/app', () => {})).spec,
    ).toEqual({ kind: 'smtp-sink', url: 'http://127.0.0.1:9' });
  });
});
