import { randomBytes, randomInt } from 'node:crypto';
import type { SmokePlan } from './plan.ts';

import { waitForMail, type ReceivedMail } from '../../core/mail/mailbox.ts';

export type Mail = ReceivedMail;

export async function waitForVerificationMail(plan: SmokePlan, to: string, sinceMs: number): Promise<Mail> {
  return waitForMail(plan.mailbox, {
    to,
    sinceMs,
    timeoutMs: plan.config.verifyEmail.timeoutMs,
    setting: 'smoke.verifyEmail.timeoutMs',
  });
}

/** The verification link (when the mail has one matching linkPattern) and the token. */
export function findVerification(plan: SmokePlan, mail: Mail): { link?: string; token?: string } {
  const v = plan.config.verifyEmail;
  const linkRe = new RegExp(v.linkPattern, 'i');
  const link = mail.links.find((l) => linkRe.test(l));
  if (v.tokenPattern) {
    const m = new RegExp(v.tokenPattern).exec(`${mail.text}\n${mail.html}`);
    return { link, token: m?.[1] ?? m?.[0] };
  }
  let token: string | undefined;
  for (const l of link ? [link, ...mail.links] : mail.links) {
    try {
      token = new URL(l).searchParams.get('token') ?? undefined;
    } catch {
      /* not a URL */
    }
    if (token) break;
  }
  return { link, token };
}

/**
 * A random token for the "random token is rejected" probe. A numeric code gets a random code of the same
 * length, so the platform has to look it up rather than refuse it for its format; anything else a random base64url string.
 */
export function randomTokenLike(token: string | undefined): string {
  if (token && /^\d{1,32}$/.test(token)) {
    for (;;) {
      const code = Array.from({ length: token.length }, () => randomInt(10)).join('');
      if (code !== token) return code;
    }
  }
  return randomBytes(24).toString('base64url');
}
