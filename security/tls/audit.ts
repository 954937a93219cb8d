import type { CheckResult } from '../../core/report-schema.ts';
import type { Measurement } from '../../config/suite.ts';
import { check, skipped } from '../checks.ts';
import { probeRedirect, type RedirectResult } from '../../core/http.ts';
import { keyWeakness } from './certificate.ts';
import { scanTls, type TlsScanResult } from './scan.ts';

export interface TlsAuditInput {
  host: string;
  port: number;
  servername?: string;
  ca: string[];
  concurrency: number;
  timeoutMs: number;
  /** The config key `timeoutMs` comes from, named when it runs out. */
  timeoutSetting?: string;
  certMinDays: number;
  /** Plain-http URL whose redirect to https is checked; absent = not checked (skip). */
  httpUrl?: string;
}

export interface TlsAuditResult {
  scan: TlsScanResult;
  redirect: RedirectResult | null;
  checks: CheckResult[];
  measurements: Measurement[];
}

const WEAK_PROTOCOLS = ['TLSv1', 'TLSv1.1'] as const;

function protocolCheck(scan: TlsScanResult, ms: number): CheckResult {
  const accepted = Object.entries(scan.protocols)
    .filter(([, ok]) => ok)
    .map(([p]) => p);
  const details = { protocols: scan.protocols };
  if (accepted.length === 0)
    return check(
      'tls.protocols',
      'error',
      { message: `no TLS handshake with ${scan.host}:${scan.port} succeeded, so no protocol could be judged`, details },
      ms,
    );
  const weak = WEAK_PROTOCOLS.filter((p) => scan.protocols[p]);
  // A weak protocol whose handshakes told nothing twice (a timeout) was not shown refused: no pass on it.
  const undecided = WEAK_PROTOCOLS.filter((p) => scan.undecided[p] !== undefined);
  if (!weak.length && undecided.length) {
    return check(
      'tls.protocols',
      'error',
      {
        message: `could not tell whether ${undecided.map((p) => `${p} is accepted (${scan.undecided[p]})`).join(' or ')}: neither an answer nor a refusal, twice (${scan.timeoutSetting ?? 'security.tls.handshakeTimeoutMs'})`,
        details,
      },
      ms,
    );
  }
  return check(
    'tls.protocols',
    weak.length ? 'fail' : 'pass',
    {
      expected: 'TLSv1.2 and TLSv1.3 only',
      actual: `accepted: ${accepted.join(', ')}`,
      message: weak.length ? `the server accepts ${weak.join(' and ')}` : undefined,
      details,
    },
    ms,
  );
}

function cipherCheck(scan: TlsScanResult, ms: number): CheckResult {
  if (scan.ciphers.length === 0)
    return check(
      'tls.ciphers',
      'error',
      { message: 'no cipher suite was accepted in any protocol, so none could be judged' },
      ms,
    );
  const weak = scan.ciphers.filter((c) => c.weak);
  // Weak suites whose elimination stopped on handshakes that told nothing were not shown refused: no pass on them.
  const unsettledWeak = scan.unsettled.filter((s) => s.weak);
  if (!weak.length && unsettledWeak.length) {
    return check(
      'tls.ciphers',
      'error',
      {
        message: `${unsettledWeak.length} weak suites could not be settled (${[...new Set(unsettledWeak.map((s) => s.reason))].join('; ')}): ${unsettledWeak
          .slice(0, 8)
          .map((s) => `${s.protocol} ${s.openssl}`)
          .join(
            ', ',
          )}${unsettledWeak.length > 8 ? ', ...' : ''} (${scan.timeoutSetting ?? 'security.tls.handshakeTimeoutMs'})`,
      },
      ms,
    );
  }
  return check(
    'tls.ciphers',
    weak.length ? 'fail' : 'pass',
    {
      expected: 'forward-secret AEAD suites only',
      actual: `${scan.ciphers.length} accepted, ${weak.length} weak`,
      message: weak.length
        ? `weak suites accepted: ${[...new Set(weak.map((c) => `${c.openssl} (${c.flags.join(', ')})`))].join('; ')}`
        : undefined,
      details: {
        accepted: scan.ciphers.map((c) => `${c.protocol} ${c.openssl} / ${c.iana}`),
        weak: weak.map((c) => ({ protocol: c.protocol, openssl: c.openssl, iana: c.iana, flags: c.flags })),
        unprobed: scan.unprobed,
      },
    },
    ms,
  );
}

function certificateChecks(scan: TlsScanResult, certMinDays: number, ms: number): CheckResult[] {
  const c = scan.certificate;
  const ids = [
    'tls.certificate-chain',
    'tls.certificate-hostname',
    'tls.certificate-expiry',
    'tls.certificate-key',
  ] as const;
  if (!c)
    return ids.map((id) =>
      check(id, 'error', { message: `no certificate could be read: ${scan.certificateError}` }, ms),
    );
  const details = {
    subject: c.subject,
    issuer: c.issuer,
    subjectAltName: c.subjectAltName,
    validTo: c.validTo,
    chain: c.chain,
  };
  const weakness = keyWeakness(c);
  const notYetValid = Date.parse(c.validFrom) > Date.now();
  return [
    check(
      'tls.certificate-chain',
      c.trusted ? 'pass' : 'fail',
      {
        expected: 'a chain to a trusted root (system CAs or the configured CA file)',
        actual: c.trusted ? 'trusted' : `untrusted: ${c.trustError}`,
        details,
      },
      ms,
    ),
    check(
      'tls.certificate-hostname',
      c.hostnameMatches ? 'pass' : 'fail',
      { expected: `a name matching ${scan.servername}`, actual: c.subjectAltName ?? c.subject, details },
      ms,
    ),
    check(
      'tls.certificate-expiry',
      c.daysLeft >= certMinDays && !notYetValid ? 'pass' : 'fail',
      {
        expected: `>= ${certMinDays} days left`,
        actual: notYetValid ? `not valid before ${c.validFrom}` : `${c.daysLeft} days left (expires ${c.validTo})`,
        details,
      },
      ms,
    ),
    check(
      'tls.certificate-key',
      weakness ? 'fail' : 'pass',
      {
        expected: 'RSA >= 2048 bits or EC >= 256 bits, SHA-2 signature',
        actual: `${c.keyType}${c.keyBits ? ` ${c.keyBits} bits` : ''}${c.curve ? ` (${c.curve})` : ''}, ${c.signatureAlgorithm}`,
        message: weakness ?? undefined,
      },
      ms,
    ),
  ];
}

export function redirectCheck(
  id: 'tls.redirect' | 'headers.redirection',
  r: RedirectResult | null | Error,
  ms: number,
): CheckResult {
  if (r === null)
    return skipped(
      id,
      {
        kind: 'not-configured',
        reason:
          'no plain-http URL to check: set security.tls.httpUrl (derived automatically only when the target uses port 443)',
      },
      {},
      ms,
    );
  if (r instanceof Error)
    return check(id, 'error', { message: `the http redirect could not be checked: ${r.message}` }, ms);
  const requests = r.hops.map((h) => ({
    method: 'GET',
    url: h.url,
    status: h.status,
    excerpt: h.location ? `Location: ${h.location}` : undefined,
  }));
  // The port refused the connection: a TLS-only server has no plain-http service to redirect (a timeout stays an error).
  if (r.outcome === 'redirection-not-needed-no-http')
    return skipped(id, { kind: 'not-applicable', reason: r.message, source: 'detected' }, { requests }, ms);
  const ok = r.outcome === 'redirection-to-https';
  return check(
    id,
    ok ? 'pass' : 'fail',
    {
      expected: 'http answers with a redirect to https on the same host',
      actual: r.outcome,
      message: r.message,
      requests,
    },
    ms,
  );
}

export async function auditTls(input: TlsAuditInput): Promise<TlsAuditResult> {
  const started = performance.now();
  const [scan, redirect] = await Promise.all([
    scanTls({
      host: input.host,
      port: input.port,
      servername: input.servername,
      timeoutMs: input.timeoutMs,
      ...(input.timeoutSetting ? { setting: input.timeoutSetting } : {}),
      ca: input.ca,
      concurrency: input.concurrency,
    }),
    input.httpUrl
      ? probeRedirect(input.httpUrl, {
          timeoutMs: input.timeoutMs,
          ...(input.timeoutSetting ? { setting: input.timeoutSetting } : {}),
        }).catch((e: Error) => e)
      : Promise.resolve(null),
  ]);
  const ms = performance.now() - started;
  const checks = [
    protocolCheck(scan, ms),
    cipherCheck(scan, ms),
    ...certificateChecks(scan, input.certMinDays, ms),
    redirectCheck('tls.redirect', redirect, ms),
  ];
  const measurements: Measurement[] = [];
  if (Object.values(scan.protocols).some(Boolean)) {
    measurements.push({
      metric: 'tls_weak_protocols',
      values: { count: WEAK_PROTOCOLS.filter((p) => scan.protocols[p]).length },
    });
  }
  if (scan.ciphers.length) {
    measurements.push({
      metric: 'tls_weak_ciphers',
      values: { count: new Set(scan.ciphers.filter((c) => c.weak).map((c) => c.openssl)).size },
      samples: scan.ciphers.length,
    });
  }
  if (scan.certificate)
    measurements.push({ metric: 'tls_cert_days_left', values: { value: scan.certificate.daysLeft } });
  return { scan, redirect: redirect instanceof Error ? null : redirect, checks, measurements };
}
