import { mapLimit } from '../checks.ts';
import { handshake, type Endpoint, type HandshakeOk } from './probe.ts';
import { offerableSuites, PROTOCOLS, WEAK_FLAGS, type Protocol, type Suite, type SuiteFlag } from './suites.ts';
import { describeCertificate, type CertificateInfo } from './certificate.ts';

const TLS13_ALL =
  'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256';
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
  /** Protocols whose handshake told nothing (a timeout, a connection not made), twice: neither accepted nor refused. */
  undecided: Partial<Record<Protocol, string>>;
  /** Suites whose elimination stopped on a handshake that told nothing, twice: `TLSv1.2 AES128-SHA`, with the reason. */
  unsettled: Array<{ protocol: Protocol; openssl: string; weak: boolean; reason: string }>;
  /** The setting the handshake time limit comes from, for the messages of handshakes that ran out of it. */
  timeoutSetting?: string;
  certificate: CertificateInfo | null;
  certificateError: string | null;
  handshakes: number;
  durationMs: number;
}

function protocolOptions(p: Protocol): { minVersion: Protocol; maxVersion: Protocol; ciphers: string } {
  return { minVersion: p, maxVersion: p, ciphers: p === 'TLSv1.3' ? TLS13_ALL : LEGACY_ALL };
}

function listOptions(
  suites: readonly Suite[],
  p: Protocol,
): { minVersion: Protocol; maxVersion: Protocol; ciphers: string } {
  const names = suites.map((s) => s.openssl).join(':');
  return { minVersion: p, maxVersion: p, ciphers: p === 'TLSv1.3' ? names : `${names}:@SECLEVEL=0` };
}

const negotiated = (suites: readonly Suite[], r: HandshakeOk): Suite | undefined =>
  suites.find((s) => r.cipher.name === s.openssl || r.cipher.standardName === s.iana);

/**
 * The suites of one group the server accepts in one protocol, found the way sslscan does: offer the whole group, note the suite
 * the server picks, offer the rest again, until the server refuses what is left. A server's choice from a list is one it would
 * accept alone, so this finds the same suites as one handshake per suite in (accepted + 1) handshakes instead of one per suite.
 */
async function eliminate(
  ep: Endpoint,
  p: Protocol,
  group: readonly Suite[],
): Promise<{ accepted: Suite[]; handshakes: number; unsettled: Suite[]; reason?: string }> {
  const left = [...group];
  const accepted: Suite[] = [];
  let handshakes = 0;
  while (left.length) {
    let r = await handshake(ep, listOptions(left, p));
    handshakes++;
    // A handshake that told nothing (a timeout) is tried once more; twice, the suites left are unsettled, not refused.
    if (!r.ok && r.refusal === 'unknown') {
      r = await handshake(ep, listOptions(left, p));
      handshakes++;
    }
    if (!r.ok && r.refusal === 'unknown') return { accepted, handshakes, unsettled: left, reason: r.error };
    if (!r.ok) break;
    const s = negotiated(left, r);
    // A suite that was not offered can only come from a broken client or server: stop rather than loop on it.
    if (!s) break;
    accepted.push(s);
    left.splice(left.indexOf(s), 1);
  }
  return { accepted, handshakes, unsettled: [] };
}

/** Deals suites round-robin into at most n groups, so suites of one family (all ECDSA, all RSA) spread over the groups. */
function deal<T>(items: readonly T[], n: number): T[][] {
  const groups: T[][] = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, () => []);
  for (const [i, item] of items.entries()) groups[i % groups.length]!.push(item);
  return groups.filter((g) => g.length);
}

/**
 * Native scan: which protocols, which suites, which certificate. Per protocol the suites are dealt into groups that are probed
 * in parallel (at most `concurrency` handshakes in flight), each group by elimination; a scan of a loopback host takes a few
 * dozen handshakes.
 */
export async function scanTls(ep: Endpoint & { ca: string[]; concurrency: number }): Promise<TlsScanResult> {
  const started = performance.now();
  const servername = ep.servername ?? ep.host;
  // The first handshakes are in flight while the suite table is checked against this Node's OpenSSL (synchronous work).
  const first = Promise.all([
    handshake(ep, { ca: ep.ca, wantPeer: true, minVersion: 'TLSv1', ciphers: `${TLS13_ALL}:${LEGACY_ALL}` }),
    ...PROTOCOLS.map((p) => handshake(ep, protocolOptions(p))),
  ]);
  const { probe, unprobed } = offerableSuites();
  const [certHandshake, ...firstResults] = await first;
  // A protocol handshake that told nothing is tried once more before the protocol is called undecided.
  const protocolResults = await Promise.all(
    firstResults.map((r, i) => (!r.ok && r.refusal === 'unknown' ? handshake(ep, protocolOptions(PROTOCOLS[i]!)) : r)),
  );
  const protocols = Object.fromEntries(PROTOCOLS.map((p, i) => [p, protocolResults[i]?.ok === true])) as Record<
    Protocol,
    boolean
  >;
  const undecided: Partial<Record<Protocol, string>> = {};
  PROTOCOLS.forEach((p, i) => {
    const r = protocolResults[i];
    if (r && !r.ok && r.refusal === 'unknown') undecided[p] = r.error;
  });

  const found = new Map<Protocol, Set<Suite>>(PROTOCOLS.map((p) => [p, new Set<Suite>()]));
  const jobs: Array<{ protocol: Protocol; group: Suite[] }> = [];
  const open = PROTOCOLS.filter((p) => protocols[p]);
  const suitesOf = (p: Protocol) => probe.filter((s) => s.protocols.includes(p));
  const total = open.reduce((n, p) => n + suitesOf(p).length, 0);
  for (const [i, p] of PROTOCOLS.entries()) {
    if (!protocols[p]) continue;
    const r = protocolResults[i] as HandshakeOk;
    const suites = suitesOf(p);
    // The protocol handshake already named one accepted suite; the groups look for the others.
    const first = negotiated(suites, r);
    if (first) found.get(p)!.add(first);
    const rest = suites.filter((s) => s !== first);
    // Groups in proportion to the protocol's share of the suites, so every protocol finishes at about the same time.
    const groups = Math.max(1, Math.round((ep.concurrency * suites.length) / Math.max(1, total)));
    for (const group of deal(rest, groups)) jobs.push({ protocol: p, group });
  }
  const results = await mapLimit(jobs, ep.concurrency, (j) => eliminate(ep, j.protocol, j.group));
  results.forEach((r, i) => {
    for (const s of r.accepted) found.get(jobs[i]!.protocol)!.add(s);
  });
  const unsettled = results.flatMap((r, i) =>
    r.unsettled.map((s) => ({
      protocol: jobs[i]!.protocol,
      openssl: s.openssl,
      weak: s.flags.some((f) => WEAK_FLAGS.includes(f)),
      reason: r.reason ?? '',
    })),
  );

  // Listed in protocol order, then in the table's order (strongest first), whatever order the handshakes ended in.
  const ciphers: AcceptedCipher[] = [];
  for (const p of PROTOCOLS) {
    for (const suite of probe) {
      if (!found.get(p)!.has(suite)) continue;
      const weak = suite.flags.some((f) => WEAK_FLAGS.includes(f));
      ciphers.push({
        openssl: suite.openssl,
        iana: suite.iana,
        protocol: p,
        id: suite.id,
        kx: suite.kx,
        enc: suite.enc,
        flags: suite.flags,
        weak,
      });
    }
  }

  let certificate: CertificateInfo | null = null;
  let certificateError: string | null = null;
  if (certHandshake.ok && certHandshake.peer?.raw) {
    const h = certHandshake as HandshakeOk;
    certificate = describeCertificate(h.peer!, servername, h.authorized, h.authorizationError ?? null);
  } else {
    certificateError = certHandshake.ok ? 'the server sent no certificate' : certHandshake.error;
  }
  return {
    host: ep.host,
    port: ep.port,
    servername,
    protocols,
    ciphers,
    unprobed: unprobed.map((s) => s.openssl),
    undecided,
    unsettled,
    ...(ep.setting ? { timeoutSetting: ep.setting } : {}),
    certificate,
    certificateError,
    handshakes:
      1 +
      PROTOCOLS.length +
      firstResults.filter((r) => !r.ok && r.refusal === 'unknown').length +
      results.reduce((n, r) => n + r.handshakes, 0),
    durationMs: Math.round(performance.now() - started),
  };
}
