import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parse as parseCookie } from 'cookie';
import { join } from 'node:path';
import type { SmokePlan } from './plan.ts';

/**
 * Every request the suite sent, by every worker and phase, with its time and answer: the rate-limit
 * probes read it as the history of a limiter's key instead of assuming an empty window. Credentials and
 * addresses are stored as short hashes only. One short line per append is atomic, so no lock is needed.
 */
export interface Sent {
  /** When it was sent (ms since the epoch). */
  t: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** 0 when no answer came. */
  status: number;
  /** Hash of the credential it carried; '' when anonymous. */
  credential: string;
  /** Hash of the account it named without a credential (the email of a login); '' when none. */
  subject: string;
}

const FILE = 'requests.log';

export const digest = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 16);

export function logSent(stateDir: string, e: Sent): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  appendFileSync(
    join(stateDir, FILE),
    `${JSON.stringify([e.t, e.method, e.path, e.status, e.credential, e.subject])}\n`,
    { mode: 0o600 },
  );
}

export function readSent(stateDir: string): Sent[] {
  let text = '';
  try {
    text = readFileSync(join(stateDir, FILE), 'utf8');
  } catch {
    return [];
  }
  const out: Sent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const [t, method, path, status, credential, subject] = JSON.parse(line) as [
        number,
        string,
        string,
        number,
        string,
        string,
      ];
      out.push({ t, method, path, status, credential, subject });
    } catch {
      /* a line cut by a killed worker carries nothing usable */
    }
  }
  return out;
}

/**
 * The credential a request carries where the login mapping says the platform reads it (`smoke.login.send`), hashed
 * as the suite's own requests are; '' when it carries none there. Used for requests the suite did not send through
 * its API client (the browser's): a credential elsewhere counts as anonymous, which only widens what the limit
 * probes allow, never narrows it.
 */
export function credentialIn(plan: SmokePlan, headers: Record<string, string>): string {
  const send = plan.config.login.send;
  const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  let token: string | undefined;
  if (send.as === 'bearer') token = /^bearer\s+(.+)$/i.exec(h.authorization ?? '')?.[1]?.trim();
  else if (send.as === 'header')
    token = h[send.name.toLowerCase()]?.startsWith(send.prefix)
      ? h[send.name.toLowerCase()]!.slice(send.prefix.length)
      : undefined;
  // Raw values, not URI-decoded: the hash must match the one of the token as the suite's own client sent it.
  else token = parseCookie(h.cookie ?? '', { decode: (v) => v })[send.name];
  return token ? digest(token) : '';
}
