import { createServer } from 'node:net';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import nodemailer from 'nodemailer';

export interface Outgoing {
  to: string;
  cc?: string;
  subject: string;
  text: string;
  html?: string;
  date?: Date;
}

/** A free loopback port (the OS picks it; closed again before use, so a race is possible but rare). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const options = (m: Outgoing) => ({
  from: '"Platform" <no-reply@platform.local>',
  to: m.to,
  subject: m.subject,
  text: m.text,
  ...(m.cc ? { cc: m.cc } : {}),
  ...(m.html ? { html: m.html } : {}),
  ...(m.date ? { date: m.date } : {}),
});

/** The message as its RFC 5322 source, the way nodemailer would send it. */
export async function compose(m: Outgoing): Promise<Buffer> {
  return new MailComposer(options(m)).compile().build();
}

/** Sends over SMTP, as a platform would. */
export async function sendSmtp(smtp: { host: string; port: number }, m: Outgoing): Promise<void> {
  await nodemailer
    .createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true })
    .sendMail(options(m));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A moment clearly after everything delivered so far (file times may lag Date.now() by a clock tick). */
export async function actionMoment(): Promise<number> {
  await sleep(60);
  return Date.now();
}
