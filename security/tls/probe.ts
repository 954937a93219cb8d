import { connect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';

export interface Endpoint {
  host: string;
  port: number;
  /** SNI name; never an IP address (RFC 6066). */
  servername?: string;
  timeoutMs: number;
  /** The config key `timeoutMs` comes from, named when it runs out. */
  setting?: string;
}

export interface HandshakeOk {
  ok: true;
  protocol: string | null;
  cipher: { name: string; standardName: string; version: string };
  authorized: boolean;
  authorizationError?: string;
  peer?: PeerCertificate;
}
/**
 * `refused`: the server said no (a TLS alert, a version it will not speak) or hung up on the offer. `unknown`: nothing was
 * learnt about the server (no answer in time, a connection that could not be made, an offer this client could not make).
 */
export interface HandshakeFailed {
  ok: false;
  error: string;
  refusal: 'refused' | 'unknown';
}

/** Whether a failed handshake is the server's refusal or tells nothing (OpenSSL's and Node's words for each). */
export function refusalOf(error: string): HandshakeFailed['refusal'] {
  // The client's own limits (nothing to offer for this protocol) and the network say nothing about the server.
  if (
    /no (protocols|ciphers) available|no ciphers match|no handshake within|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EAI_AGAIN|ENOTFOUND/i.test(
      error,
    )
  )
    return 'unknown';
  return 'refused';
}
export type Handshake = HandshakeOk | HandshakeFailed;

export interface HandshakeOptions {
  minVersion?: ConnectionOptions['minVersion'];
  maxVersion?: ConnectionOptions['maxVersion'];
  ciphers?: string;
  /** Trust anchors for the chain check; when absent the chain is not judged. */
  ca?: string[];
  /** Keep the peer certificate chain (one handshake per audit needs it). */
  wantPeer?: boolean;
}

/** One TLS handshake; resolves (never rejects) with what the server agreed to, or why it refused. */
export function handshake(ep: Endpoint, opts: HandshakeOptions): Promise<Handshake> {
  return new Promise((resolve) => {
    let settled = false;
    let socket: TLSSocket | undefined;
    const finish = (r: Handshake): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(r);
    };
    const failed = (error: string): void => finish({ ok: false, error, refusal: refusalOf(error) });
    const timer = setTimeout(
      () => failed(`no handshake within ${ep.timeoutMs} ms${ep.setting ? ` (${ep.setting})` : ''}`),
      ep.timeoutMs,
    );
    try {
      const servername = ep.servername ?? (isIP(ep.host) ? undefined : ep.host);
      socket = connect(
        {
          host: ep.host,
          port: ep.port,
          ...(servername ? { servername } : {}),
          minVersion: opts.minVersion,
          maxVersion: opts.maxVersion,
          ciphers: opts.ciphers,
          ca: opts.ca,
          rejectUnauthorized: false,
          // The probe judges the certificate itself; Node's identity check would only abort the handshake.
          checkServerIdentity: () => undefined,
        },
        () => {
          const s = socket!;
          const c = s.getCipher();
          finish({
            ok: true,
            protocol: s.getProtocol(),
            cipher: { name: c.name, standardName: c.standardName, version: c.version },
            authorized: s.authorized,
            authorizationError: s.authorizationError ? String(s.authorizationError) : undefined,
            peer: opts.wantPeer ? s.getPeerCertificate(true) : undefined,
          });
        },
      );
      socket.on('error', (e: Error) => failed(e.message));
      socket.on('close', () => failed('connection closed during the handshake'));
    } catch (e) {
      failed((e as Error).message);
    }
  });
}
