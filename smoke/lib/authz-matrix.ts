/**
 * The object-level authorization matrix (auth.authz-matrix): every read operation of the OpenAPI document that names
 * or lists an object the owner created, called as the owner (the control), as a second user of the owner's role and
 * anonymously. Pure functions here; the check is smoke/specs/authz.spec.ts.
 *
 * An answer "holds" the owner's object when it carries a sub-object whose id field has the object's id and at least
 * one other field equal to the object's own: an id alone could be another kind of object's (a user 7 and an order 7).
 */
import type { FlowVars } from '../flow/vars.ts';

export interface MatrixOperation {
  method: string;
  path: string;
  secured: boolean;
}

export type Fingerprint = { idField: string; id: string | number; others: Record<string, string | number | boolean> };

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: Json): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);

/** "orders" -> "order", "categories" -> "category", "addresses" -> "address": enough for REST collection names. */
export function singular(word: string): string {
  if (/ies$/i.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/i.test(word)) return word.slice(0, -2);
  if (/s$/i.test(word) && !/ss$/i.test(word)) return word.slice(0, -1);
  return word;
}

/**
 * The value of each path parameter from the flow's variables: `smoke.authzMatrix.params[name]` (a variable name), the
 * variable of the same name (`order_id`), or, for a generic name (one of `genericParams`: id, pk, uuid), the variable
 * named after the collection before it (`/orders/{id}` -> `order_id`, `orderId`). Undefined names the first parameter
 * nothing fills.
 */
export function fillParams(
  path: string,
  vars: FlowVars,
  o: { params: Record<string, string>; genericParams: readonly string[] },
): { path: string; used: string[] } | { missing: string } {
  const segments = path.split('/');
  let missing: string | undefined;
  const used: string[] = [];
  const filled = segments.map((seg, i) =>
    seg.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const prev = segments
        .slice(0, i)
        .reverse()
        .find((s) => s && !s.includes('{'));
      const candidates = [o.params[name], name];
      if (o.genericParams.includes(name.toLowerCase()) && prev) {
        const base = singular(prev).replace(/-/g, '_');
        candidates.push(`${base}_id`, `${base}Id`, `${base}_${name}`);
      }
      const hit = candidates.find((c) => c !== undefined && isScalar(vars[c] as Json));
      if (hit === undefined) {
        missing ??= name;
        return '';
      }
      used.push(hit);
      return encodeURIComponent(String(vars[hit]));
    }),
  );
  return missing !== undefined ? { missing } : { path: filled.join('/'), used };
}

/** The objects of a list answer: the answer itself when an array, else its first array-valued field (results, items, data). */
export function listItems(answer: Json): Json[] {
  if (Array.isArray(answer)) return answer;
  if (!isObject(answer)) return [];
  return (Object.values(answer).find((v) => Array.isArray(v)) as Json[] | undefined) ?? [];
}

/**
 * An id the first user's list operation shows and the second user's does not (an object of the first user's, not a
 * shared directory entry), as the variable a path of that collection is filled with: `GET /invoices` -> `invoice_id`.
 */
export function capturedId(
  listPath: string,
  first: Json,
  second: Json,
  idFields: readonly string[],
): { variable: string; id: string | number; fp: Fingerprint } | undefined {
  const collection = listPath
    .split('/')
    .filter((s) => s && !s.includes('{'))
    .pop();
  if (!collection) return undefined;
  const theirs = new Set(
    listItems(second)
      .map((x) => fingerprint(x, idFields))
      .filter((f): f is Fingerprint => f !== undefined)
      .map((f) => `${f.idField}=${String(f.id)}`),
  );
  for (const item of listItems(first)) {
    const fp = fingerprint(item, idFields);
    if (fp && Object.keys(fp.others).length > 0 && !theirs.has(`${fp.idField}=${String(fp.id)}`))
      return { variable: `${singular(collection).replace(/-/g, '_')}_id`, id: fp.id, fp };
  }
  return undefined;
}

/** What identifies the owner's object in any answer: its id and its other scalar fields. */
export function fingerprint(object: Json, idFields: readonly string[]): Fingerprint | undefined {
  if (!isObject(object)) return undefined;
  const idField = idFields.find((f) => isScalar(object[f]) && typeof object[f] !== 'boolean');
  if (!idField) return undefined;
  const others = Object.fromEntries(
    Object.entries(object).filter(([k, v]) => k !== idField && !idFields.includes(k) && isScalar(v) && v !== ''),
  ) as Fingerprint['others'];
  return { idField, id: object[idField] as string | number, others };
}

/** Whether an answer carries the fingerprinted object (its id and one more of its fields), at any depth. */
export function holds(answer: Json, fp: Fingerprint, depth = 0): boolean {
  if (depth > 8) return false;
  if (Array.isArray(answer)) return answer.some((x) => holds(x, fp, depth + 1));
  if (!isObject(answer)) return false;
  if (String(answer[fp.idField]) === String(fp.id) && Object.entries(fp.others).some(([k, v]) => answer[k] === v))
    return true;
  return Object.values(answer).some((x) => typeof x === 'object' && x !== null && holds(x, fp, depth + 1));
}

export type CellOutcome =
  /** The owner's own answer did not show the object: the cell proves nothing (a list of something else, a route it may not read). */
  | { kind: 'not-about-the-object'; owner: number; anonymous?: number }
  /** The owner could not read its own object through the operation: unproven. */
  | { kind: 'unproven'; owner: number }
  | { kind: 'kept'; owner: number; other?: number; anonymous?: number }
  | { kind: 'leak'; owner: number; who: 'other' | 'anonymous'; status: number }
  /** A secured operation answered an anonymous call: it ignores its declared auth, whatever it showed. */
  | { kind: 'open'; owner: number; status: number };

export interface CellAnswers {
  owner: { status: number; json: Json; text: string };
  other: { status: number; json: Json; text: string };
  anonymous?: { status: number; json: Json; text: string };
}

const ok2xx = (s: number) => s >= 200 && s < 300;

/**
 * One operation's cell. `objectRoute`: the path names the object (a filled id); a list operation is judged only when
 * the owner's answer holds the object. Another caller's 2xx is a leak when it holds the object too, or, on an object
 * route, when it is the owner's answer word for word (a sub-resource may not repeat the object's fields).
 */
export function judgeCell(a: CellAnswers, fp: Fingerprint, objectRoute: boolean): CellOutcome {
  const ownerHolds = ok2xx(a.owner.status) && holds(a.owner.json, fp);
  if (!objectRoute && !ownerHolds) return { kind: 'not-about-the-object', owner: a.owner.status };
  if (objectRoute && !ok2xx(a.owner.status)) return { kind: 'unproven', owner: a.owner.status };
  const leaks = (x: { status: number; json: Json; text: string }) =>
    ok2xx(x.status) && (holds(x.json, fp) || (objectRoute && x.text === a.owner.text && x.text.length > 0));
  if (leaks(a.other)) return { kind: 'leak', owner: a.owner.status, who: 'other', status: a.other.status };
  if (a.anonymous && leaks(a.anonymous))
    return { kind: 'leak', owner: a.owner.status, who: 'anonymous', status: a.anonymous.status };
  return {
    kind: 'kept',
    owner: a.owner.status,
    other: a.other.status,
    ...(a.anonymous ? { anonymous: a.anonymous.status } : {}),
  };
}

/** A read cell: the object's judgement (judgeCell), then an anonymous 2xx on a secured operation is a finding of its own. */
export function judgeRead(a: CellAnswers, fp: Fingerprint, objectRoute: boolean): CellOutcome {
  const judged = judgeCell(a, fp, objectRoute);
  if (judged.kind !== 'leak' && a.anonymous && ok2xx(a.anonymous.status))
    return { kind: 'open', owner: a.owner.status, status: a.anonymous.status };
  // The anonymous refusal of an operation that shows the owner something else is still evidence: it is kept.
  return judged.kind === 'not-about-the-object' && a.anonymous ? { ...judged, anonymous: a.anonymous.status } : judged;
}

/**
 * A write cell (sent by the others first, the owner last): on the owner's own object any 2xx to a second user is a
 * finding, whatever the answer shows; an anonymous 2xx on a secured operation too. Refusals count only when the
 * owner's own call went through (the control); a caller neither let through nor refused leaves the cell unproven.
 */
export function judgeWrite(
  a: { owner: number; other?: number; anonymous?: number },
  refused: (status: number) => boolean,
): CellOutcome {
  if (a.other !== undefined && ok2xx(a.other)) return { kind: 'leak', owner: a.owner, who: 'other', status: a.other };
  if (a.anonymous !== undefined && ok2xx(a.anonymous)) return { kind: 'open', owner: a.owner, status: a.anonymous };
  const calls = [a.other, a.anonymous].filter((s): s is number => s !== undefined);
  if (!ok2xx(a.owner) || calls.some((s) => !refused(s))) return { kind: 'unproven', owner: a.owner };
  return {
    kind: 'kept',
    owner: a.owner,
    ...(a.other === undefined ? {} : { other: a.other }),
    ...(a.anonymous === undefined ? {} : { anonymous: a.anonymous }),
  };
}
