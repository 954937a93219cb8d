import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Req, Res, SetCookie } from '../../core/signin/http.ts';
import type { Sender } from '../../core/signin/accounts.ts';

export interface SenderOptions {
  baseUrl: string;
  /** Hosts the client may contact: the target's and target.allowedHosts. */
  allowedHosts: string[];
  /** The load generator's address: setup traffic comes from where the load does (the address a team allowlists). */
  localAddress?: string;
  caFile?: string;
  insecure: boolean;
  timeoutMs: number;
}

function setCookies(res: IncomingMessage): SetCookie[] {
  return (res.headers['set-cookie'] ?? []).map((line) => {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs: {} };
  });
}

/**
 * The load suite's setup client for the account client (core/signin). node:http because fetch cannot bind a
 * source address or trust an extra CA per request; it never follows a redirect and stays on the target's
 * hosts. A 429 is returned as it is: registering a pool through a throttled route cannot be waited out.
 */
export class LoadSender implements Sender {
  private readonly secureContext?: SecureContext;

  constructor(private readonly o: SenderOptions) {
    // One TLS context for every request (a `ca` per request would build a new one each time).
    this.secureContext = o.caFile ? createSecureContext({ ca: readFileSync(o.caFile) }) : undefined;
  }

  send(req: Req): Promise<Res> {
    const url = new URL(req.path, this.o.baseUrl);
    if (!this.o.allowedHosts.includes(url.host))
      return Promise.reject(new Error(`refusing to contact ${url.host}: not one of the target's hosts`));
    if (req.session) return Promise.reject(new Error('the load setup client sends no session'));
    const method = (req.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
    let body: string | undefined = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    if (req.form !== undefined) {
      body = new URLSearchParams(Object.entries(req.form).map(([k, v]) => [k, String(v)])).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    // tls.connect takes `secureContext`; https.request passes it through, though its type does not list it.
    const options: RequestOptions & { secureContext?: SecureContext } = {
      method,
      headers,
      localAddress: this.o.localAddress,
      secureContext: this.secureContext,
      rejectUnauthorized: !this.o.insecure,
      agent: false,
    };
    const started = performance.now();
    return new Promise<Res>((resolve, reject) => {
      const r = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const flat = Object.fromEntries(
            Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
          );
          resolve({
            method,
            url: url.href,
            status: res.statusCode ?? 0,
            headers: flat,
            setCookies: setCookies(res),
            text,
            json,
            ms: performance.now() - started,
          });
        });
      });
      // A hard deadline: an idle timeout never trips on a body dripped byte by byte.
      const deadline = setTimeout(
        () => r.destroy(new Error(`${method} ${url.pathname} did not answer within ${this.o.timeoutMs} ms`)),
        this.o.timeoutMs,
      );
      r.on('close', () => clearTimeout(deadline));
      r.on('error', reject);
      r.end(body);
    });
  }
}
