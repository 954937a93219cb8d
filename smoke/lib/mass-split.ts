/**
 * The mass-assignment probe's plan: privileged fields go out in bounded groups, one registration each; a refused
 * group is halved until each refused field stands alone, so one strictly validated field cannot hide the others.
 */

/** Where a sent value showed up on the probed account. */
export type Where = 'registration response' | 'account' | 'token claims';

/**
 * What became of one field: taken (and where; `as` names the privileged field its value showed under when not its
 * own, `together` the fields it was sent with when only the group showed it), ignored, refused alone (with the
 * status), or not judged (and why).
 */
export type Verdict =
  | { outcome: 'taken'; where: Where[]; as?: string[]; together?: string[] }
  | { outcome: 'ignored' }
  | { outcome: 'refused'; status: number }
  | { outcome: 'unjudged'; reason: string };

export type FieldOutcome = { field: string; value: unknown } & Verdict;

/**
 * What one registration carrying a group answered: accepted, with every privileged field (of the whole list, not
 * only the group) whose escalated value the account showed and where (`incomplete` says why the rest could not
 * be read), or refused with its status.
 */
export type GroupAnswer =
  | { accepted: true; shown: Record<string, Where[]>; incomplete?: string }
  | { accepted: false; status: number };

export interface SplitLimits {
  /** Fields in one registration at first. */
  groupSize: number;
  /** Registrations carrying privileged fields the probe may send. */
  registrations: number;
  /** Statuses that mean a strict schema refused what was sent (a field refused alone with another status is unjudged). */
  refusalStatuses: readonly number[];
  /** The settings behind `registrations` and `refusalStatuses`, named in the reason of a field left unjudged. */
  settings: { registrations: string; refusalStatuses: string };
}

export interface Judged {
  outcomes: FieldOutcome[];
  registrations: number;
}

const halves = <T>(xs: T[]): T[][] => [xs.slice(0, Math.ceil(xs.length / 2)), xs.slice(Math.ceil(xs.length / 2))];
const whereOf = (shown: Record<string, Where[]>, keys: string[]) => [...new Set(keys.flatMap((k) => shown[k] ?? []))];

/**
 * Sends the groups level by level (every first group before any half). A refused group is halved until each refused
 * field is alone; so is an accepted one whose account showed a privileged value that none of its own fields carries
 * (is_verified turned true by email_verified), until the field behind it is alone. Within the registration bound.
 */
export async function judgeFields(
  fields: Record<string, unknown>,
  limits: SplitLimits,
  send: (group: Record<string, unknown>) => Promise<GroupAnswer>,
): Promise<Judged> {
  const names = Object.keys(fields);
  const size = Math.max(1, limits.groupSize);
  const queue: string[][] = [];
  for (let i = 0; i < names.length; i += size) queue.push(names.slice(i, i + size));
  const byField = new Map<string, FieldOutcome>();
  const set = (field: string, v: Verdict) => byField.set(field, { field, value: fields[field], ...v });
  // Groups halved for a value shown under another name: if no field alone shows it, the group as a whole took it.
  const pending: Array<{ group: string[]; shown: Record<string, Where[]> }> = [];
  const showings: Array<{ group: string[]; keys: string[] }> = [];
  let sent = 0;
  while (queue.length) {
    // One level of halving at a time, its registrations side by side: each accepted one waits for its own mail.
    const level = queue.splice(0);
    const room = Math.max(0, limits.registrations - sent);
    for (const group of level.slice(room)) {
      for (const f of group)
        set(f, {
          outcome: 'unjudged',
          reason: `not sent alone: ${limits.settings.registrations} (${limits.registrations}) reached`,
        });
    }
    const now = level.slice(0, room);
    sent += now.length;
    const answers = await Promise.all(now.map((group) => send(Object.fromEntries(group.map((f) => [f, fields[f]])))));
    for (const [i, group] of now.entries()) judge(group, answers[i]!);
  }

  function judge(group: string[], answer: GroupAnswer): void {
    if (!answer.accepted) {
      if (group.length > 1) queue.push(...halves(group));
      else if (limits.refusalStatuses.includes(answer.status))
        set(group[0]!, { outcome: 'refused', status: answer.status });
      else
        set(group[0]!, {
          outcome: 'unjudged',
          reason: `answered ${answer.status} alone: neither accepted nor refused as invalid (${limits.settings.refusalStatuses}: ${limits.refusalStatuses.join(', ')})`,
        });
      return;
    }
    showings.push({ group, keys: Object.keys(answer.shown).filter((k) => answer.shown[k]!.length) });
    const own = group.filter((f) => answer.shown[f]?.length);
    for (const f of own) set(f, { outcome: 'taken', where: answer.shown[f]! });
    const rest = group.filter((f) => !own.includes(f));
    const other = Object.keys(answer.shown).filter((k) => !group.includes(k) && answer.shown[k]!.length);
    if (other.length && rest.length > 1) {
      pending.push({ group: rest, shown: Object.fromEntries(other.map((k) => [k, answer.shown[k]!])) });
      queue.push(...halves(rest));
    } else if (other.length && rest.length === 1) {
      set(rest[0]!, { outcome: 'taken', where: whereOf(answer.shown, other), as: other });
    } else {
      for (const f of rest)
        set(f, answer.incomplete ? { outcome: 'unjudged', reason: answer.incomplete } : { outcome: 'ignored' });
    }
  }
  for (const { group, shown } of pending) {
    // Explained when a registration of a smaller part of the group showed the value again.
    const part = (g: string[]) => g.length < group.length && g.every((f) => group.includes(f));
    const unexplained = Object.keys(shown).filter((k) => !showings.some((s) => part(s.group) && s.keys.includes(k)));
    if (!unexplained.length) continue;
    for (const f of group) {
      const o = byField.get(f)?.outcome;
      if (o !== 'taken' && o !== 'refused')
        set(f, { outcome: 'taken', where: whereOf(shown, unexplained), as: unexplained, together: group });
    }
  }
  return { outcomes: names.map((f) => byField.get(f)!), registrations: sent };
}

/** One line per field for the evidence: `role = "admin": refused with 422`. */
export function describeOutcome(o: FieldOutcome): string {
  const head = `${o.field} = ${JSON.stringify(o.value)}`;
  switch (o.outcome) {
    case 'taken': {
      const as = o.as ? `, as ${o.as.join(', ')}` : '';
      const together = o.together ? `, sent together with ${o.together.filter((f) => f !== o.field).join(', ')}` : '';
      return `${head}: taken (${o.where.join(', ')}${as}${together})`;
    }
    case 'ignored':
      return `${head}: ignored`;
    case 'refused':
      return `${head}: refused with ${o.status}`;
    case 'unjudged':
      return `${head}: not judged (${o.reason})`;
  }
}
