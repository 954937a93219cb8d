import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

/** Where mail goes: SMTP to a server (the harness's sink, or any relay), or a folder as Django's file backend writes it. */
export type MailDelivery = { kind: 'smtp'; host: string; port: number } | { kind: 'file'; dir: string };

/** Django's filebased EmailBackend separates the messages of one file with a line of 79 dashes. */
const DJANGO_SEPARATOR = '-'.repeat(79);

export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly delivery: MailDelivery) {
    // Plain SMTP on loopback: the sink offers no STARTTLS, and opportunistic upgrade must not be attempted.
    this.transport =
      delivery.kind === 'smtp'
        ? nodemailer.createTransport({
            host: delivery.host,
            port: delivery.port,
            secure: false,
            ignoreTLS: true,
            connectionTimeout: 3000,
            greetingTimeout: 3000,
            socketTimeout: 5000,
          })
        : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async sendVerification(to: string, v: { link: string } | { code: string }): Promise<void> {
    const how =
      'link' in v
        ? {
            text: `Verify your email address by opening this link within 24 hours:\n${v.link}\n`,
            html: `<p><a href="${v.link}">Verify your email address</a> within 24 hours.</p>`,
          }
        : {
            text: `Your verification code is: ${v.code}\nIt expires in 24 hours.\n`,
            html: `<p>Your verification code is: <b>${v.code}</b></p><p>It expires in 24 hours.</p>`,
          };
    const info = await this.transport.sendMail({
      from: '"Reference Marketplace" <no-reply@reference.local>',
      to,
      subject: 'Verify your email address',
      text: `Welcome to the reference marketplace.\n\n${how.text}`,
      html: `<p>Welcome to the reference marketplace.</p>${how.html}`,
    });
    if (this.delivery.kind === 'file') {
      // One file per message, named as Django names them (timestamp and a random part), written whole.
      await mkdir(this.delivery.dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(6).toString('hex')}.log`;
      await writeFile(
        join(this.delivery.dir, `.${name}`),
        `${String((info as { message: Buffer }).message)}\n${DJANGO_SEPARATOR}\n`,
      );
      await rename(join(this.delivery.dir, `.${name}`), join(this.delivery.dir, name));
    }
  }

  /** True when the SMTP server answers a full EHLO handshake (or the mail folder is writable). */
  async reachable(): Promise<boolean> {
    try {
      if (this.delivery.kind === 'file') return await access(this.delivery.dir, constants.W_OK).then(() => true);
      return await this.transport.verify();
    } catch {
      return false;
    }
  }

  close(): void {
    this.transport.close();
  }
}
