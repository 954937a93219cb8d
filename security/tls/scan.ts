import { mapLimit } from '../checks.ts';
import { handshake, type Endpoint, type HandshakeOk } from './probe.ts';
import { offerableSuites, PROTOCOLS, WEAK_FLAGS, type Protocol, type Suite, type SuiteFlag } from './suites.ts';
import { describeCertificate, type CertificateInfo } from './certificate.ts';

const TLS13_ALL = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256';
// SECLEVEL=0: OpenSSL 3 refuses to even offer TLS 1.0/1.1 and SHA-1 suites at its default security level.
const LEGACY_ALL = 'ALL:COMPLEMENTOFALL:@SECLEVEL=0';

export interface AcceptedCipher {
  openssl: string;
  iana: string;
  protocol: Protocol;
  id: string;
  kx: string;
  enc: string;
  flags: SuiteFlag[];
  weak: boolean;
}

export interface TlsScanResult {
  host: string;
  port: number;
  servername: string;
  protocols: Record<Protocol, boolean>;
  ciphers: AcceptedCipher[];
  /** Suites in the table this Node's OpenSSL cannot offer, so their acceptance is unknown. */
  unprobed: string[];
  certificate: CertificateInfo | null;
  certificateError: string | null;
  handshakes: number;
  durationMs: number;
}

function protocolOptions(p: Protocol): { minVersion: Protocol; maxVersion: Protocol; ciphers: string } {
  return { minVersion: p, maxVersion: p, ciphers: p === 'TLSv1.3' ? TLS13_ALL : LEGACY_ALL };
}

function suiteOptions(s: Suite, p: Protocol): { minVersion: Protocol; maxVersion: Protocol; ciphers: string } {
  return { minVersion: p, maxVersion: p, ciphers: p === 'TLSv1.3' ? s.openssl : `${s.openssl}:@SECLEVEL=0` };
}

/**
 * Native scan: which protocols, which suites (one per handshake, per protocol), which certificate.
 * Handshakes run concurrently with a bound so a loopback host is scanned in well under a second.
 */
export async function scanTls(ep: Endpoint & { ca: string[]; concurrency: number }): Promise<TlsScanResult> {
  const started = performance.now();
  const servername = ep.servername ?? ep.host;
  const { probe, unprobed } = offerableSuites();

  const [certHandshake, ...protocolResults] = await Promise.all([
    handshake(ep, { ca: ep.ca, wantPeer: true, minVersion: 'TLSv1', ciphers: `${TLS13_ALL}:${LEGACY_ALL}` }),
    ...PROTOCOLS.map((p) => handshake(ep, protocolOptions(p))),
  ]);
  const protocols = Object.fromEntries(PROTOCOLS.map((p, i) => [p, protocolResults[i]?.ok === true])) as Record<Protocol, boolean>;

  const jobs: Array<{ suite: Suite; protocol: Protocol }> = [];
  for (const p of PROTOCOLS) {
    if (!protocols[p]) continue;
    for (const suite of probe) if (suite.protocols.includes(p)) jobs.push({ suite, protocol: p });
  }
  const results = await mapLimit(jobs, ep.concurrency, (j) => handshake(ep, suiteOptions(j.suite, j.protocol)));
  const ciphers: AcceptedCipher[] = [];
  results.forEach((r, i) => {
    if (!r.ok) return;
    const { suite, protocol } = jobs[i]!;
    // A server may answer with another suite than the one offered only if the client is broken; trust what was negotiated.
    if (r.cipher.name !== suite.openssl && r.cipher.standardName !== suite.iana) return;
    const weak = suite.flags.some((f) => WEAK_FLAGS.includes(f));
    ciphers.push({ openssl: suite.openssl, iana: suite.iana, protocol, id: suite.id, kx: suite.kx, enc: suite.enc, flags: suite.flags, weak });
  });

  let certificate: CertificateInfo | null = null;
  let certificateError: string | null = null;
  if (certHandshake.ok && certHandshake.peer?.raw) {
    const h = certHandshake as HandshakeOk;
    certificate = describeCertificate(h.peer!, servername, h.authorized, h.authorizationError ?? null);
  } else {
    certificateError = certHandshake.ok ? 'the server sent no certificate' : certHandshake.error;
  }
  return {
    host: ep.host, port: ep.port, servername, protocols, ciphers,
    unprobed: unprobed.map((s) => s.openssl),
    certificate, certificateError,
    handshakes: 1 + PROTOCOLS.length + jobs.length,
    durationMs: Math.round(performance.now() - started),
  };
}
