/**
 * Package URLs (github.com/package-url/purl-spec): `pkg:type/namespace/name@version?qualifiers#subpath`.
 * Parsed here by the spec's own steps, only as far as the SBOM readers need (type, namespace, name, version,
 * qualifiers): packageurl-js, the reference implementation, is not a dependency of gonogo yet.
 */
export interface Purl {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The purl, or null when the string is not one (no `pkg:` scheme, no type or no name). */
export function parsePurl(text: string): Purl | null {
  let rest = text.trim();
  if (!/^pkg:/i.test(rest)) return null;
  rest = rest.slice(4).replace(/^\/+/, '');
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const qualifiers: Record<string, string> = {};
  const q = rest.indexOf('?');
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && eq < pair.length - 1) qualifiers[pair.slice(0, eq).toLowerCase()] = decode(pair.slice(eq + 1));
    }
    rest = rest.slice(0, q);
  }
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  // An '@' before the last '/' is a scope ("%40scope" unencoded), not the version separator.
  if (at > rest.lastIndexOf('/')) {
    version = decode(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const parts = rest.split('/').filter((p) => p !== '');
  if (parts.length < 2) return null;
  const type = parts[0]!.toLowerCase();
  const name = decode(parts.at(-1)!);
  const namespace = parts.length > 2 ? parts.slice(1, -1).map(decode).join('/') : undefined;
  if (!name) return null;
  return { type, ...(namespace ? { namespace } : {}), name, ...(version ? { version } : {}), qualifiers };
}
