/** Reading the verification mail of an account the client registered (smoke.verifyEmail), from the run's mailbox. */
import type { SigninPlan } from './plan.ts';
import { waitForMail, type ReceivedMail } from '../mail/mailbox.ts';

export type Mail = ReceivedMail;

export async function waitForVerificationMail(
  plan: Pick<SigninPlan, 'config' | 'mailbox'>,
  to: string,
  sinceMs: number,
): Promise<Mail> {
  return waitForMail(plan.mailbox, {
    to,
    sinceMs,
    timeoutMs: plan.config.verifyEmail.timeoutMs,
    setting: 'smoke.verifyEmail.timeoutMs',
  });
}

/** The verification link (when the mail has one matching linkPattern) and the token. */
export function findVerification(plan: Pick<SigninPlan, 'config'>, mail: Mail): { link?: string; token?: string } {
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
