/**
 * Scrubs secrets from anything gonogo writes. Known values (passwords, webhook secret, tokens seen
 * during the run) are replaced wherever they occur; shapes that are secret by nature (JWTs, bearer
 * credentials, Stripe keys, cookie values, password fields) are masked even when nobody registered them.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]+/g, '$1_$2_[redacted]'],
  [/\bwhsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]'],
  [
    /("(?:password|passwd|secret|token|access_token|refresh_token|api_key|apikey|client_secret|verification_token)"\s*:\s*")[^"]*"/gi,
    '$1[redacted]"',
  ],
  [/((?:^|[?&;\s])(?:password|token|access_token|refresh_token|secret|code)=)[^&\s;"]+/gi, '$1[redacted]'],
  [/((?:set-cookie|cookie)"?\s*[:=]\s*"?[^=;\s"]+=)[^;"\s]+/gi, '$1[redacted]'],
  [/(Stripe-Signature"?\s*[:=]\s*"?)[^"\n]+/gi, '$1[redacted]'],
  // user:password@ (or a bare user@) in any URL: the authority part never holds a slash.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@"'<>]+@/gi, '$1[redacted]@'],
];

/** Secrets shorter than this would garble text if masked wherever they occur, so they are masked only as whole tokens. */
const SHORT = 6;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Where a short secret is a whole token: a JSON string value ("abc12"), a query or form value
 * (=abc12 up to & ; # or a blank) and a header value (": abc12" up to the end of the line, ; or ,).
 */
function shortTokenPatterns(secret: string): Array<[RegExp, string]> {
  const s = escapeRe(secret);
  return [
    [new RegExp(`"${s}"`, 'g'), '"[redacted]"'],
    [new RegExp(`=${s}(?=$|[&;#\\s"'])`, 'g'), '=[redacted]'],
    [new RegExp(`(:[ \\t]*)${s}(?=[ \\t]*(?:$|[\\r\\n;,"]))`, 'gm'), '$1[redacted]'],
  ];
}

/** Keys whose values are identifiers or enumerations, never free text. */
const STRUCTURAL_KEYS = new Set([
  'id',
  'suite',
  'area',
  'status',
  'level',
  'schemaVersion',
  'decision',
  'metric',
  'method',
]);

export class Redactor {
  private readonly values = new Set<string>();
  private readonly shortValues = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret value; a short one is masked only where it stands as a whole token, never inside other text. */
  add(secret: string | undefined | null): void {
    if (!secret) return;
    if (secret.length >= SHORT) this.values.add(secret);
    else this.shortValues.add(secret);
  }

  get secrets(): ReadonlySet<string> {
    return new Set([...this.values, ...this.shortValues]);
  }

  text(input: string): string {
    if (this.shortValues.has(input.trim())) return '[redacted]';
    let out = input;
    // Longest first so a secret that contains another is masked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join('[redacted]');
    for (const v of this.shortValues) for (const [re, rep] of shortTokenPatterns(v)) out = out.replace(re, rep);
    for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
    return out;
  }

  /**
   * Deep copy with every free-text string redacted (object keys too, in case a secret became a key).
   * Identifiers and enumerations are left as they are: redacting them would corrupt results
   * (a weak secret such as "secret" is also part of the check id auth.weak-secret).
   */
  value<T>(input: T, key?: string): T {
    if (key !== undefined && STRUCTURAL_KEYS.has(key)) return input;
    if (typeof input === 'string') return this.text(input) as T;
    // Checklist evidence and the suite list hold check ids and suite names.
    if (Array.isArray(input))
      return (key === 'evidence' || key === 'suites' ? input : input.map((v) => this.value(v))) as T;
    if (input && typeof input === 'object') {
      return Object.fromEntries(
        Object.entries(input).map(([k, v]) => [STRUCTURAL_KEYS.has(k) ? k : this.text(k), this.value(v, k)]),
      ) as T;
    }
    return input;
  }
}
