import { generateKeyPair, sign } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateRsa = promisify(generateKeyPair);

export interface GeneratedCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

const DAY_MS = 86_400_000;

interface KeyPair {
  publicKey: forge.pki.rsa.PublicKey;
  keyPem: string;
}

// Native key generation: node-forge's pure-JS RSA keygen would take seconds and break the 2 s start budget.
async function rsaKeys(bits = 2048): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateRsa('rsa', {
    modulusLength: bits,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey, keyPem: privateKey };
}

/** forge builds the certificate; the SHA-256/RSA signature is computed natively (forge's JS RSA costs ~100 ms a signature). */
function signNatively(cert: forge.pki.Certificate, issuerKeyPem: string): void {
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption!;
  // getTBSCertificate is public in node-forge but missing from its type definitions.
  cert.tbsCertificate = (
    forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }
  ).getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, issuerKeyPem).toString('binary');
}

let keys: Promise<[KeyPair, KeyPair]> | undefined;
// Keys (not certificates) are generated once per process: prime search dominates start time, and every start still gets fresh certificates.
function processKeys() {
  keys ??= Promise.all([rsaKeys(), rsaKeys()]);
  keys.catch(() => {
    keys = undefined;
  });
  return keys;
}

function serial(): string {
  // Positive 16-byte serial: a leading 0x01..0x7f byte keeps the DER integer positive.
  return `${(1 + Math.floor(Math.random() * 0x7e)).toString(16).padStart(2, '0')}${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}

/**
 * A fresh CA and a server certificate for 127.0.0.1/localhost signed by it (SHA-256, RSA 2048; `leafBits` gives the
 * server key another size, generated afresh, for the flaw that weakens it).
 */
export async function generateCerts(opts: {
  validDays: number;
  now?: Date;
  leafBits?: number;
}): Promise<GeneratedCerts> {
  const now = opts.now ?? new Date();
  const [ca, shared] = await processKeys();
  const leaf = opts.leafBits && opts.leafBits !== 2048 ? await rsaKeys(opts.leafBits) : shared;

  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = new Date(now.getTime() - DAY_MS);
  caCert.validity.notAfter = new Date(now.getTime() + 3650 * DAY_MS);
  const caName = [
    { name: 'commonName', value: 'gonogo reference CA' },
    { name: 'organizationName', value: 'gonogo' },
  ];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signNatively(caCert, ca.keyPem);

  const cert = forge.pki.createCertificate();
  cert.publicKey = leaf.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 3_600_000);
  const notAfter = new Date(now.getTime() + opts.validDays * DAY_MS);
  cert.validity.notAfter = notAfter;
  cert.setSubject([
    { name: 'commonName', value: 'localhost' },
    { name: 'organizationName', value: 'gonogo reference platform' },
  ]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signNatively(cert, ca.keyPem);

  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: leaf.keyPem,
    notAfter,
  };
}
