import type { ApiDocument, Operation } from './document.ts';
import { hasPhrase, wordsOf, type OperationKind, type Vocabulary } from './vocabulary.ts';

export interface Candidate {
  op: Operation;
  score: number;
  /** Where the words were found: `leaf "login"`, `operationId "auth:jwt.login"`. */
  reasons: string[];
}

export interface Pick {
  kind: OperationKind;
  best?: Candidate;
  /** Candidates within reach of the best, best first. */
  runnersUp: Candidate[];
  /** A runner-up scores within `ambiguousMargin` of the best. */
  ambiguous: boolean;
}

export const opName = (op: Operation): string => `${op.method} ${op.path}`;
const staticSegments = (path: string): string[] =>
  path.split('/').filter((s) => s && !/^\{.*\}$/.test(s) && !/^:/.test(s));
export const hasPathParams = (op: Operation): boolean => /\{[^}]+\}/.test(op.path);

/** The same path without a trailing slash, for comparing a tokenUrl ("auth/jwt/login") with a path. */
const bare = (p: string): string => `/${p.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/^\/+|\/+$/g, '')}`;

/** The oauth2 password flows' token URLs (OpenAPI 3 `flows.password.tokenUrl`, Swagger 2 `flow: password`). */
export function tokenUrls(doc: ApiDocument): string[] {
  return Object.values(doc.schemes).flatMap((s) => {
    if (s.type !== 'oauth2') return [];
    const url = s.flows?.password?.tokenUrl ?? (s.flow === 'password' ? s.tokenUrl : undefined);
    return url ? [bare(url)] : [];
  });
}

function score(v: Vocabulary, kind: OperationKind, op: Operation, urls: string[]): Candidate | undefined {
  const rule = v.operations[kind];
  if (!rule.methods.includes(op.method as never)) return undefined;
  if (rule.pathParams !== undefined && rule.pathParams !== hasPathParams(op)) return undefined;
  const segments = staticSegments(op.path);
  const sources: Array<[keyof Vocabulary['weights'], string, string[]]> = [
    ['operationId', op.operationId ?? '', wordsOf(op.operationId ?? '')],
    ['leaf', segments.at(-1) ?? '', wordsOf(segments.at(-1) ?? '')],
    ['path', op.path, segments.flatMap(wordsOf)],
    ['summary', op.summary ?? '', wordsOf(op.summary ?? '')],
    ['tags', op.tags.join(', '), op.tags.flatMap(wordsOf)],
  ];
  // A word of `not` anywhere but the tags rules the operation out (tags group many operations).
  if (sources.some(([where, , ws]) => where !== 'tags' && rule.not.some((w) => hasPhrase(ws, w)))) return undefined;
  let total = 0;
  const reasons: string[] = [];
  for (const [where, text, ws] of sources) {
    const hit = rule.words.find((w) => hasPhrase(ws, w));
    if (!hit || v.weights[where] === 0) continue;
    total += v.weights[where];
    reasons.push(`${where} "${text}" has "${hit}"`);
  }
  if (kind === 'login' && urls.includes(bare(op.path))) {
    total += v.weights.tokenUrl;
    reasons.push("it is the oauth2 password flow's tokenUrl");
  }
  return total > 0 ? { op, score: total, reasons } : undefined;
}

/** Ranks the document's operations for one kind of route; the pick is the best at or above `minScore`. */
export function pick(v: Vocabulary, doc: ApiDocument, kind: OperationKind, exclude: readonly Operation[] = []): Pick {
  const urls = tokenUrls(doc);
  const ranked = doc.operations
    .filter((op) => !exclude.includes(op))
    .map((op) => score(v, kind, op, urls))
    .filter((c): c is Candidate => c !== undefined && c.score >= v.minScore)
    .sort((a, b) => b.score - a.score || a.op.path.length - b.op.path.length);
  const [best, ...rest] = ranked;
  const runnersUp = rest.slice(0, 3);
  // Another method on the same route is no rival (a verification link's GET beside its POST).
  const rivals = runnersUp.filter(
    (r) => best && r.op.path !== best.op.path && best.score - r.score <= v.ambiguousMargin,
  );
  return { kind, ...(best ? { best } : {}), runnersUp, ambiguous: rivals.length > 0 };
}

/** One line for the draft: which operation was picked and why, and the close runners-up. */
export function explain(p: Pick): string {
  if (!p.best) return `no operation looks like ${p.kind}`;
  const b = p.best;
  const id = b.op.operationId ? ` (${b.op.operationId})` : '';
  const others = p.runnersUp.length
    ? `; runners-up: ${p.runnersUp.map((r) => `${opName(r.op)} ${r.score}`).join(', ')}`
    : '';
  return `${opName(b.op)}${id}, score ${b.score}: ${b.reasons.join(', ')}${others}`;
}
