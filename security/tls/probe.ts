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
export interface HandshakeFailed { ok: false; error: string }
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
    const timer = setTimeout(() => finish({ ok: false, error: `no handshake within ${ep.timeoutMs} ms${ep.setting ? ` (${ep.setting})` : ''}` }), ep.timeoutMs);
    try {
      const servername = ep.servername ?? (isIP(ep.host) ? undefined : ep.host);
      socket = connect({
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
      }, () => {
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
      });
      socket.on('error', (e: Error) => finish({ ok: false, error: e.message }));
      socket.on('close', () => finish({ ok: false, error: 'connection closed during the handshake' }));
    } catch (e) {
      finish({ ok: false, error: (e as Error).message });
    }
  });
}
