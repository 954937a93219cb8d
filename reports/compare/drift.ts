import type { CheckResult, KpiResult, Report } from '../../core/report-schema.ts';

/** Security drift between two runs, in words a reviewer reads at a glance ("TLS 1.1 re-enabled"). */
type Drift = (o: Report, n: Report) => string[];

const checkOf = (r: Report, id: string): CheckResult | undefined => r.checks.find((c) => c.id === id);
const kpiByMetric = (r: Report, metric: string): KpiResult | undefined => r.kpis.find((k) => k.metric === metric);
const PROTOCOL_NAMES: Record<string, string> = {
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
  SSLv3: 'SSL 3.0',
};

function protocols(c: CheckResult | undefined): Record<string, boolean> | null {
  const p = c?.evidence.details?.protocols;
  return p && typeof p === 'object' ? (p as Record<string, boolean>) : null;
}

const tlsProtocols: Drift = (o, n) => {
  const a = protocols(checkOf(o, 'tls.protocols'));
  const b = protocols(checkOf(n, 'tls.protocols'));
  if (!a || !b) return [];
  const out: string[] = [];
  for (const [p, on] of Object.entries(b)) {
    const name = PROTOCOL_NAMES[p] ?? p;
    const weak = p === 'TLSv1' || p === 'TLSv1.1' || p === 'SSLv3';
    if (on && a[p] === false) out.push(weak ? `${name} re-enabled` : `${name} enabled`);
    if (!on && a[p] === true && !weak) out.push(`${name} disabled`);
  }
  return out;
};

function weakCiphers(c: CheckResult | undefined): Set<string> {
  const w = c?.evidence.details?.weak;
  return new Set(
    Array.isArray(w)
      ? w.map((x) =>
          typeof x === 'object' && x && 'openssl' in x ? String((x as { openssl: unknown }).openssl) : String(x),
        )
      : [],
  );
}

const tlsCiphers: Drift = (o, n) => {
  const a = weakCiphers(checkOf(o, 'tls.ciphers'));
  const added = [...weakCiphers(checkOf(n, 'tls.ciphers'))].filter((x) => !a.has(x));
  return added.length
    ? [`${added.length} weak cipher suite${added.length > 1 ? 's' : ''} newly accepted: ${added.join(', ')}`]
    : [];
};

function hstsMaxAge(c: CheckResult | undefined): number | null {
  if (!c) return null;
  // Header values may sit in the message, the details or the request excerpts, depending on the audit.
  const text = [
    c.evidence.actual,
    c.evidence.message,
    JSON.stringify(c.evidence.details ?? {}),
    ...(c.evidence.requests ?? []).map((r) => r.excerpt ?? ''),
  ].join(' ');
  const ages = [...text.matchAll(/max-age\s*=\s*"?(\d+)/gi)].map((m) => Number(m[1]));
  if (ages.length) return Math.min(...ages);
  return /missing|not set|absent|no strict-transport/i.test(text) ? 0 : null;
}

const hsts: Drift = (o, n) => {
  const a = hstsMaxAge(checkOf(o, 'headers.hsts'));
  const b = hstsMaxAge(checkOf(n, 'headers.hsts'));
  if (a === null || b === null || b >= a) return [];
  return [b === 0 ? `HSTS removed (was max-age ${a})` : `HSTS max-age dropped from ${a} to ${b}`];
};

const countDelta =
  (metric: string, one: string, many: string): Drift =>
  (o, n) => {
    const a = kpiByMetric(o, metric)?.measured;
    const b = kpiByMetric(n, metric)?.measured;
    if (a == null || b == null || b <= a) return [];
    return [`${b - a} new ${b - a === 1 ? one : many}`];
  };

const scoreDrop =
  (metric: string, what: string, unit: string): Drift =>
  (o, n) => {
    const a = kpiByMetric(o, metric)?.measured;
    const b = kpiByMetric(n, metric)?.measured;
    return a != null && b != null && b < a ? [`${what} dropped from ${a} to ${b}${unit}`] : [];
  };

/** Any security check that held before and fails now, with what it saw. */
const newlyFailingSecurity: Drift = (o, n) =>
  n.checks
    .filter((c) => c.suite === 'security' && c.status === 'fail' && checkOf(o, c.id)?.status === 'pass')
    .filter((c) => !['tls.protocols', 'tls.ciphers', 'headers.hsts'].includes(c.id))
    .map(
      (c) =>
        `${c.id} no longer holds${c.evidence.actual ? `: ${c.evidence.actual}` : c.evidence.message ? `: ${c.evidence.message}` : ''}`,
    );

const DRIFTS: Drift[] = [
  tlsProtocols,
  tlsCiphers,
  hsts,
  countDelta('deps_vulns_critical', 'critical advisory', 'critical advisories'),
  countDelta('deps_vulns_high', 'high advisory', 'high advisories'),
  scoreDrop('headers_score', 'security headers score', ' points'),
  scoreDrop('tls_cert_days_left', 'certificate validity', ' days'),
  newlyFailingSecurity,
];

export function securityDrift(o: Report, n: Report): string[] {
  return DRIFTS.flatMap((d) => d(o, n));
}
