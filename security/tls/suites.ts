import { createSecureContext } from 'node:tls';
import { LEGACY_SUITES, SUITES, type SuiteRow } from './suites-data.ts';

export type Protocol = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const PROTOCOLS: readonly Protocol[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export interface Suite {
  id: string;
  iana: string;
  openssl: string;
  /** Protocols the suite can be negotiated in. */
  protocols: Protocol[];
  kx: string;
  au: string;
  enc: string;
  mac: string;
  flags: SuiteFlag[];
}

export type SuiteFlag = 'no-fs' | 'non-aead' | 'cbc' | 'rc4' | '3des' | 'null' | 'export' | 'anonymous';

/** Flags that make a suite weak for the tls.ciphers check and the tls_weak_ciphers metric. */
export const WEAK_FLAGS: readonly SuiteFlag[] = [
  'no-fs',
  'non-aead',
  'cbc',
  'rc4',
  '3des',
  'null',
  'export',
  'anonymous',
];

function flagsOf(row: SuiteRow): SuiteFlag[] {
  const [, iana, , minProtocol, kx, au, enc, mac] = row;
  const flags: SuiteFlag[] = [];
  // TLS 1.3 suites always use (EC)DHE; in 1.2 and below only DH/ECDH key exchange is ephemeral in OpenSSL's table.
  const fs = minProtocol === 'TLSv1.3' || /^(ECDH|DH)$/.test(kx);
  if (!fs) flags.push('no-fs');
  if (mac !== 'AEAD') flags.push('non-aead');
  if (/RC4/.test(enc)) flags.push('rc4');
  else if (/3DES/.test(enc)) flags.push('3des');
  else if (enc === 'None') flags.push('null');
  else if (mac !== 'AEAD') flags.push('cbc');
  if (/EXPORT/.test(iana) || /\(40\)|\(56\)/.test(enc) || /\(512\)/.test(kx)) flags.push('export');
  if (au === 'None') flags.push('anonymous');
  return flags;
}

function protocolsOf(minProtocol: SuiteRow[3]): Protocol[] {
  if (minProtocol === 'TLSv1.3') return ['TLSv1.3'];
  if (minProtocol === 'TLSv1.2') return ['TLSv1.2'];
  return ['TLSv1', 'TLSv1.1', 'TLSv1.2'];
}

function toSuite(row: SuiteRow): Suite {
  const [id, iana, openssl, minProtocol, kx, au, enc, mac] = row;
  return { id, iana, openssl, protocols: protocolsOf(minProtocol), kx, au, enc, mac, flags: flagsOf(row) };
}

export const ALL_SUITES: readonly Suite[] = [...SUITES, ...LEGACY_SUITES].map(toSuite);

const byName = new Map<string, Suite>();
for (const s of ALL_SUITES) {
  byName.set(s.openssl, s);
  byName.set(s.iana, s);
}

/** Looks a suite up by its OpenSSL or IANA name. */
export function suiteByName(name: string): Suite | undefined {
  return byName.get(name);
}

let offerable: { probe: Suite[]; unprobed: Suite[] } | undefined;

/** Splits the table into suites this Node's OpenSSL can offer and those it cannot (RC4, 3DES, EXPORT on OpenSSL 3). */
export function offerableSuites(): { probe: Suite[]; unprobed: Suite[] } {
  if (offerable) return offerable;
  const probe: Suite[] = [];
  const unprobed: Suite[] = [];
  for (const s of ALL_SUITES) {
    try {
      createSecureContext(
        s.protocols[0] === 'TLSv1.3'
          ? { ciphers: s.openssl, minVersion: 'TLSv1.3' }
          : { ciphers: `${s.openssl}:@SECLEVEL=0` },
      );
      probe.push(s);
    } catch {
      unprobed.push(s);
    }
  }
  offerable = { probe, unprobed };
  return offerable;
}
