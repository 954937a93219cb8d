/** Content-Security-Policy parsing and the Observatory's CSP outcomes. */
export type CspOutcome =
  | 'csp-implemented-with-no-unsafe-default-src-none'
  | 'csp-implemented-with-no-unsafe'
  | 'csp-implemented-with-unsafe-inline-in-style-src-only'
  | 'csp-implemented-with-insecure-scheme-in-passive-content-only'
  | 'csp-implemented-with-unsafe-eval'
  | 'csp-implemented-with-unsafe-inline'
  | 'csp-implemented-with-insecure-scheme'
  | 'csp-header-invalid'
  | 'csp-not-implemented';

export type Policy = Map<string, string[]>;

/** Parses one policy; throws on a policy that browsers could not read either (empty, directive without name). */
export function parseCsp(header: string): Policy {
  const policy: Policy = new Map();
  for (const part of header.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    const [name, ...sources] = tokens;
    if (!/^[a-z-]+$/i.test(name!)) throw new Error(`invalid directive name "${name}"`);
    const key = name!.toLowerCase();
    // Browsers ignore a repeated directive; the first one wins.
    if (!policy.has(key))
      policy.set(
        key,
        sources.map((s) => s.toLowerCase()),
      );
  }
  if (policy.size === 0) throw new Error('empty policy');
  return policy;
}

const BROAD = new Set(['*', 'http:', 'https:', 'data:', 'blob:', 'filesystem:']);
const PASSIVE = ['img-src', 'media-src'];

function effective(p: Policy, directive: string): string[] | undefined {
  return p.get(directive) ?? p.get('default-src');
}

const isInsecure = (s: string): boolean => s === 'http:' || s.startsWith('http://') || s === '*';

/** Grades a policy the way the Observatory does; the worst finding wins. */
export function gradeCsp(header: string | undefined): { outcome: CspOutcome; policy?: Policy; error?: string } {
  if (header === undefined || header.trim() === '') return { outcome: 'csp-not-implemented' };
  let policy: Policy;
  try {
    policy = parseCsp(header);
  } catch (e) {
    return { outcome: 'csp-header-invalid', error: (e as Error).message };
  }
  const script = effective(policy, 'script-src');
  const object = effective(policy, 'object-src');
  const style = effective(policy, 'style-src');
  const hasNonceOrHash = (script ?? []).some((s) => /^'(nonce-|sha256-|sha384-|sha512-)/.test(s));
  const strictDynamic = (script ?? []).includes("'strict-dynamic'");
  const scriptUnsafe =
    !script ||
    (script.includes("'unsafe-inline'") && !hasNonceOrHash) ||
    (!strictDynamic && script.some((s) => BROAD.has(s)));
  const objectUnsafe = !object || (!object.includes("'none'") && object.some((s) => BROAD.has(s)));
  if (scriptUnsafe || objectUnsafe) return { outcome: 'csp-implemented-with-unsafe-inline', policy };
  const active = [...policy.entries()].filter(([d]) => !PASSIVE.includes(d) && d !== 'report-uri' && d !== 'report-to');
  if (active.some(([, sources]) => sources.some(isInsecure)))
    return { outcome: 'csp-implemented-with-insecure-scheme', policy };
  if (script!.includes("'unsafe-eval'")) return { outcome: 'csp-implemented-with-unsafe-eval', policy };
  if (PASSIVE.some((d) => (effective(policy, d) ?? []).some(isInsecure)))
    return { outcome: 'csp-implemented-with-insecure-scheme-in-passive-content-only', policy };
  if (style && (style.includes("'unsafe-inline'") || style.some((s) => BROAD.has(s))))
    return { outcome: 'csp-implemented-with-unsafe-inline-in-style-src-only', policy };
  const defaultNone = (policy.get('default-src') ?? []).join(' ') === "'none'";
  return {
    outcome: defaultNone ? 'csp-implemented-with-no-unsafe-default-src-none' : 'csp-implemented-with-no-unsafe',
    policy,
  };
}
