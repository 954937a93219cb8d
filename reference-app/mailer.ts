import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

/** Delivers the platform's mail over SMTP to the configured server (the harness's sink, or any relay). */
export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly smtp: { host: string; port: number }) {
    // Plain SMTP on loopback: the sink offers no STARTTLS, and opportunistic upgrade must not be attempted.
    this.transport = nodemailer.createTransport({
      host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true,
      connectionTimeout: 3000, greetingTimeout: 3000, socketTimeout: 5000,
    });
  }

  async sendVerification(to: string, link: string): Promise<void> {
    await this.transport.sendMail({
      from: '"Reference Marketplace" <no-reply@reference.local>',
      to,
      subject: 'Verify your email address',
      text: `Welcome to the reference marketplace.\n\nVerify your email address by opening this link within 24 hours:\n${link}\n`,
      html: `<p>Welcome to the reference marketplace.</p><p><a href="${link}">Verify your email address</a> within 24 hours.</p>`,
    });
  }

  /** True when the SMTP server answers a full EHLO handshake. */
  async reachable(): Promise<boolean> {
    try {
      return await this.transport.verify();
    } catch {
      return false;
    }
  }

  close(): void {
    this.transport.close();
  }
}
