import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { createRequire } from 'node:module';
import type forge from 'node-forge';
import type { PeerCertificate, DetailedPeerCertificate } from 'node:tls';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  subjectAltName: string | null;
  validFrom: string;
  validTo: string;
  daysLeft: number;
  keyType: string;
  keyBits: number | null;
  curve: string | null;
  signatureAlgorithm: string;
  fingerprint256: string;
  /** Subjects from leaf to the last certificate the server sent or the trust store completed. */
  chain: string[];
  hostnameMatches: boolean;
  trusted: boolean;
  trustError: string | null;
}

/** Signature algorithm name from the DER, because Node 20's X509Certificate does not expose it. */
function signatureAlgorithm(der: Buffer): string {
  // Loaded with the TLS audit only: node-forge costs about 10 MB of memory for the rest of the run.
  const f = createRequire(import.meta.url)('node-forge') as typeof forge;
  const asn1 = f.asn1.fromDer(f.util.createBuffer(der.toString('binary')));
  const seq = asn1.value as forge.asn1.Asn1[];
  const algId = (seq[1]?.value as forge.asn1.Asn1[] | undefined)?.[0];
  if (!algId) return 'unknown';
  const oid = f.asn1.derToOid(f.util.createBuffer(algId.value as string));
  const known: Record<string, string> = {
    '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
    '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
    '1.2.840.113549.1.1.10': 'RSASSA-PSS',
    '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
    '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
    '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
    '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
    '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
    '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
    '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
    '1.3.101.112': 'Ed25519',
    '1.3.101.113': 'Ed448',
  };
  return known[oid] ?? oid;
}

function chainOf(peer: PeerCertificate): string[] {
  const out: string[] = [];
  let cur: DetailedPeerCertificate | undefined = peer as DetailedPeerCertificate;
  const seen = new Set<string>();
  while (cur?.raw && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    out.push(new X509Certificate(cur.raw).subject.replace(/\n/g, ', '));
    cur = cur.issuerCertificate;
  }
  return out;
}

export function describeCertificate(
  peer: PeerCertificate,
  host: string,
  trusted: boolean,
  trustError: string | null,
  now = Date.now(),
): CertificateInfo {
  const x = new X509Certificate(peer.raw);
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const validTo = new Date(x.validTo);
  const hostnameMatches = isIP(host) ? x.checkIP(host) !== undefined : x.checkHost(host) !== undefined;
  return {
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    subjectAltName: x.subjectAltName ?? null,
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now) / 86_400_000),
    keyType: key.asymmetricKeyType ?? 'unknown',
    keyBits: details.modulusLength ?? (details.namedCurve ? curveBits(details.namedCurve) : null),
    curve: details.namedCurve ?? null,
    signatureAlgorithm: signatureAlgorithm(peer.raw),
    fingerprint256: x.fingerprint256,
    chain: chainOf(peer),
    hostnameMatches,
    trusted,
    trustError,
  };
}

function curveBits(curve: string): number | null {
  const m = /(\d{3})/.exec(curve);
  return m ? Number(m[1]) : null;
}

/** Why a key or signature is weak, or null when it is strong (RSA >= 2048, EC >= 256, no MD5/SHA-1). */
export function keyWeakness(c: CertificateInfo): string | null {
  if ((c.keyType === 'rsa' || c.keyType === 'rsa-pss' || c.keyType === 'dsa') && (c.keyBits ?? 0) < 2048)
    return `${c.keyType} key of ${c.keyBits} bits (< 2048)`;
  if (c.keyType === 'ec' && (c.keyBits ?? 0) < 256) return `EC key on ${c.curve} (< 256 bits)`;
  if (/md5|sha1/i.test(c.signatureAlgorithm)) return `signature algorithm ${c.signatureAlgorithm}`;
  return null;
}
