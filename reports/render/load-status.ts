import { STATUS_CODES } from 'node:http';
import type { EndpointStats, LoadResult, StatusClasses } from '../../core/report-schema.ts';

/** Column order of the status breakdown in every renderer. */
export const STATUS_CLASS_ORDER: readonly (keyof StatusClasses)[] = ['2xx', '3xx', '4xx', '5xx', 'network', '1xx'];

/** The share of responses that make the throttling sentence: a trickle of 429s is not "the target throttled the load". */
const THROTTLE_MIN_SHARE = 0.01;

export function statusName(status: number): string {
  return `${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;
}

/** `429 ×780, 200 ×400`: the top codes of an endpoint; empty when it predates the breakdown. */
export function topStatuses(e: EndpointStats, n = 5): string {
  return (e.statusCodes ?? [])
    .slice(0, n)
    .map((c) => `${c.status} ×${c.count}`)
    .join(', ');
}

export function pct(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}

function count(load: LoadResult, status: number): number {
  return load.endpoints.reduce((s, e) => s + (e.statusCodes?.find((c) => c.status === status)?.count ?? 0), 0);
}

/** Non-2xx/3xx outcomes of the run (4xx, 5xx, network, 1xx), from the endpoints that carry a breakdown. */
function unsuccessful(load: LoadResult): number {
  return load.endpoints.reduce(
    (s, e) => s + (e.statusClasses ? e.requests - e.statusClasses['2xx'] - e.statusClasses['3xx'] : 0),
    0,
  );
}

function throttleAdvice(load: LoadResult): string {
  const a = load.accounts;
  if (!a) return 'allowlist the load generator (load.sourceAddress) or lower the load';
  if (a.size < load.vus) return 'give each VU its own account (load.accounts) or allowlist the load generator';
  return 'each VU had its own account, so the limit is not per user alone: raise it for the load accounts or allowlist the load generator';
}

/** Whose credentials the VUs used, in one sentence; null when the journeys do not log in. */
export function accountsSentence(load: LoadResult): string | null {
  const a = load.accounts;
  if (!a) return null;
  const setup =
    a.setupMs !== undefined
      ? ` (registered and verified by gonogo in ${(a.setupMs / 1000).toFixed(1)} s${a.requested ? `; ${a.requested} were asked for` : ''})`
      : '';
  const from =
    a.source === 'journey'
      ? 'the one account written in the journeys (no load.accounts pool)'
      : `load.accounts.${a.source}`;
  if (a.size >= load.vus)
    return load.vus === 1
      ? `The one VU logged in as ${a.source === 'journey' ? from : `an account from ${from}`}${setup}.`
      : `Each of the ${load.vus} VUs logged in as its own account from ${from}${setup}.`;
  if (a.size === 1)
    return `All ${load.vus} VUs logged in as ${a.source === 'journey' ? from : `one account from ${from}`}${setup}: a target that limits per user throttles them together.`;
  return `${load.vus} VUs shared ${a.size} accounts from ${from} (VU i used account i mod ${a.size})${setup}.`;
}

/** How the pool logged in before the load (load.logins.mode setup): how long it took, at which rate, and any 429. */
export function loginsSentence(load: LoadResult): string | null {
  const l = load.accounts?.logins;
  if (!l) return null;
  const of = Math.min(load.accounts!.size, load.vus);
  return `gonogo logged in ${l.loggedIn} of ${of} load accounts before the load in ${(l.ms / 1000).toFixed(1)} s, paced to the login model (${l.model}); ${l.throttled === 0 ? 'no login was' : `${l.throttled} of ${l.loginRequests} logins were`} answered 429.`;
}

/** The sentence when the errors are mostly 429: the load measured the target's limiter, not the target. */
export function throttleSentence(load: LoadResult): string | null {
  if (load.requests === 0) return null;
  const n429 = count(load, 429);
  if (n429 / load.requests < THROTTLE_MIN_SHARE || n429 * 2 < unsuccessful(load)) return null;
  return `${pct(n429 / load.requests)} of responses were ${statusName(429)}: the target throttled the load; ${throttleAdvice(load)}.`;
}

/** The plain sentences every renderer shows under the load figures; `warn` when they say the figures are not what real users would see. */
export function loadNotes(load: LoadResult): { text: string; warn: boolean }[] {
  const out: { text: string; warn: boolean }[] = [];
  const throttled = throttleSentence(load);
  if (throttled) out.push({ text: throttled, warn: true });
  const accounts = accountsSentence(load);
  if (accounts) out.push({ text: accounts, warn: Boolean(load.accounts && load.accounts.size < load.vus) });
  const logins = loginsSentence(load);
  if (logins) out.push({ text: logins, warn: load.accounts!.logins!.throttled > 0 });
  return out;
}
