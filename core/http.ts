import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { readCaFile } from './read-input.ts';

export interface HttpResponse {
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** First bytes of the body (enough for the HTML the SRI test reads). */
  body: string;
}

export interface HttpOptions {
  /** PEM trust anchors for https (system CAs plus the configured CA file). */
  ca?: string[];
  headers?: Record<string, string>;
  timeoutMs: number;
  /** The config key `timeoutMs` comes from, named when it runs out. */
  setting?: string;
  maxBodyBytes?: number;
}

/**
 * The system CAs plus an extra PEM bundle, because Node's `ca` option replaces the defaults instead of adding
 * to them. The bundle is read as an input (regular file, size cap, PEM): an InputError names what is wrong.
 */
export async function trustAnchors(caFile?: string): Promise<string[]> {
  return caFile ? [...rootCertificates, await readCaFile(caFile)] : [...rootCertificates];
}

/** One GET that never follows redirects: every hop is the caller's decision (only the target's hosts are contacted). */
export function get(url: string, opts: HttpOptions): Promise<HttpResponse> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const limit = opts.maxBodyBytes ?? 512 * 1024;
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method: 'GET',
        headers: {
          'user-agent': 'gonogo-security-audit',
          accept: 'text/html,application/json;q=0.9,*/*;q=0.8',
          ...opts.headers,
        },
        ca: u.protocol === 'https:' ? opts.ca : undefined,
        timeout: opts.timeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < limit) {
            chunks.push(c);
            size += c.length;
          }
        });
        res.on('end', () =>
          resolve({
            url,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).subarray(0, limit).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(
        new Error(`no answer from ${u.host} within ${opts.timeoutMs} ms${opts.setting ? ` (${opts.setting})` : ''}`),
      ),
    );
    // The socket timeout is an idle timeout: a body dripped byte by byte would never trip it, so the whole exchange has a deadline too.
    const deadline = setTimeout(
      () =>
        req.destroy(
          new Error(
            `the response from ${u.host} did not finish within ${opts.timeoutMs} ms${opts.setting ? ` (${opts.setting})` : ''}`,
          ),
        ),
      opts.timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('error', reject);
    req.end();
  });
}

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type RedirectOutcome =
  | 'redirection-to-https'
  | 'redirection-not-needed-no-http'
  | 'redirection-off-host-from-http'
  | 'redirection-not-to-https-on-initial-redirection'
  | 'redirection-not-to-https'
  | 'redirection-missing';

export interface RedirectResult {
  outcome: RedirectOutcome;
  hops: Array<{ url: string; status: number | null; location?: string }>;
  message: string;
}

/**
 * Does plain http redirect to https on the same host? Same-host http hops are followed (at most 5);
 * a redirect to another host is recorded and never followed.
 */
export async function probeRedirect(httpUrl: string, opts: HttpOptions): Promise<RedirectResult> {
  const start = new URL(httpUrl);
  const hops: RedirectResult['hops'] = [];
  let url = httpUrl;
  for (let i = 0; i < 5; i++) {
    let res: HttpResponse;
    try {
      res = await get(url, { ...opts, maxBodyBytes: 1024 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (i === 0 && code === 'ECONNREFUSED')
        return {
          outcome: 'redirection-not-needed-no-http',
          hops: [{ url, status: null }],
          message: `nothing listens on ${start.host}: no plain-http service to redirect`,
        };
      throw e;
    }
    const location = typeof res.headers.location === 'string' ? new URL(res.headers.location, url) : undefined;
    hops.push({ url, status: res.status, location: location?.href });
    if (!REDIRECT_STATUSES.has(res.status) || !location) {
      return i === 0
        ? {
            outcome: 'redirection-missing',
            hops,
            message: `${url} answered ${res.status} without redirecting to https`,
          }
        : {
            outcome: 'redirection-not-to-https',
            hops,
            message: `the redirects end at ${url} (${res.status}), not on https`,
          };
    }
    if (location.protocol === 'https:') {
      if (location.hostname !== start.hostname)
        return {
          outcome: 'redirection-off-host-from-http',
          hops,
          message: `${httpUrl} redirects to another host (${location.host}), so HSTS for ${start.hostname} is never set`,
        };
      return i === 0
        ? { outcome: 'redirection-to-https', hops, message: `${httpUrl} -> ${res.status} ${location.href}` }
        : {
            outcome: 'redirection-not-to-https-on-initial-redirection',
            hops,
            message: `the first redirect stays on http; https only after ${i + 1} hops`,
          };
    }
    if (location.hostname !== start.hostname)
      return {
        outcome: 'redirection-not-to-https',
        hops,
        message: `redirects to http on another host (${location.host}); not followed`,
      };
    url = location.href;
  }
  return { outcome: 'redirection-not-to-https', hops, message: 'more than 5 http redirects' };
}
