import type { Res } from '../../core/signin/http.ts';
import type { TokenSource } from '../../core/signin/config.ts';
import { pathOf } from './sender.ts';

/**
 * ok: answered as mapped; fail: did not, `key` names the setting to change; skip: not sent, because the config does not
 * map it or an earlier step failed (`answered` says which); held: mapped but not sent, to stay within a limit's budget.
 */
export type RowStatus = 'ok' | 'fail' | 'skip' | 'held';

export interface Row {
  step: string;
  status: RowStatus;
  /** What was sent (method and path), or '-' when nothing was. */
  sent: string;
  /** What answered: the status and the captured values (masked), or why a value was not found. */
  answered: string;
  /** What the config expected. */
  expected: string;
  /** The config key (or keys) to change when the step did not answer as mapped. */
  key?: string;
}

export const sentOf = (r: Res) => `${r.method} ${pathOf(r.url)}`;

/** A captured value as the table shows it: short scalars as they are, longer text cut to its first characters and its length. */
export function mask(v: unknown): string {
  if (Array.isArray(v))
    return `[${v.length} value${v.length === 1 ? '' : 's'}${v.length ? `: ${mask(v[0])}${v.length > 1 ? ', ...' : ''}` : ''}]`;
  if (typeof v !== 'string') return JSON.stringify(v) ?? String(v);
  return v.length <= 8 ? JSON.stringify(v) : `"${v.slice(0, 4)}..." (${v.length} chars)`;
}

export function describeToken(t: TokenSource): string {
  if (t.from === 'body') return `body path "${t.path}"`;
  if (t.from === 'cookie') return `cookie ${t.name}`;
  return `header ${t.name}`;
}

/** The top-level keys of a JSON answer (or its kind), so a wrong body path shows what the answer does hold. */
export function bodyShape(res: Res): string {
  const j = res.json;
  if (j === undefined) return res.text ? 'the answer is not JSON' : 'the answer has no body';
  if (Array.isArray(j)) return `the answer is a list of ${j.length}`;
  if (j && typeof j === 'object')
    return `the answer has ${Object.keys(j).slice(0, 8).join(', ') || 'no keys'}${Object.keys(j).length > 8 ? ', ...' : ''}`;
  return `the answer is ${typeof j}`;
}

/** The first characters of an answer's body on one line, for a refusal that explains itself. */
export function excerpt(res: Res, max = 100): string {
  const t = res.text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}...` : t;
}

export const is2xx = (s: number) => s >= 200 && s < 300;

/** The setting a route's refusal points at: a missing route, a refused method, refused credentials or a refused body. */
export function routeKeys(status: number, at: string, o: { body?: string; auth?: string } = {}): string {
  if (status === 404) return `${at}.path`;
  if (status === 405) return `${at}.method (or ${at}.path)`;
  if ((status === 401 || status === 403) && o.auth) return o.auth;
  if ((status === 400 || status === 415 || status === 422) && o.body) return o.body;
  return at;
}

/** An error's message without the smoke suite's outcome markers, which mean nothing outside a check. */
export function plain(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .replace(/\[gonogo:\w+\]\s*/g, '')
    .replace(/^positive control failed:\s*/, '');
}
