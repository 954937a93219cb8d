import { describe, expect, it } from 'vitest';
import {
  describeOutcome,
  judgeFields,
  type GroupAnswer,
  type SplitLimits,
  type Where,
} from '../../../smoke/lib/mass-split.ts';

const FIELDS = {
  role: 'admin',
  is_admin: true,
  is_verified: true,
  is_staff: true,
  is_superuser: true,
  is_active: true,
  email_verified: true,
  balance: 1_000_000,
};
const limits = (o: Partial<SplitLimits> = {}): SplitLimits => ({
  groupSize: 12,
  registrations: 23,
  refusalStatuses: [400, 422],
  settings: {
    registrations: 'smoke.massAssignment.maxRegistrations',
    refusalStatuses: 'smoke.massAssignment.refusalStatuses',
  },
  ...o,
});

/**
 * A fake registration route: `refuse` fields make any registration carrying them answer `status`; `take` fields
 * show up where listed, under their own name or, with `alias`, under another privileged name; a `joint` pair shows
 * `is_staff` only when sent together. Every registration it answered is kept.
 */
function platform(o: {
  refuse?: Record<string, number>;
  take?: Record<string, Where[]>;
  alias?: Record<string, string>;
  joint?: [string, string];
  incomplete?: string;
}) {
  const sent: string[][] = [];
  const send = async (group: Record<string, unknown>): Promise<GroupAnswer> => {
    const names = Object.keys(group);
    sent.push(names);
    const refused = names.find((n) => o.refuse?.[n] !== undefined);
    if (refused) return { accepted: false, status: o.refuse![refused]! };
    const shown: Record<string, Where[]> = {};
    for (const n of names.filter((x) => o.take?.[x])) shown[o.alias?.[n] ?? n] = o.take![n]!;
    if (o.joint?.every((f) => names.includes(f))) shown.is_staff = ['account'];
    return { accepted: true, shown, ...(o.incomplete ? { incomplete: o.incomplete } : {}) };
  };
  return { sent, send };
}

const outcomeOf = (r: Awaited<ReturnType<typeof judgeFields>>) =>
  Object.fromEntries(r.outcomes.map((o) => [o.field, o.outcome]));

describe('mass assignment, field by field', () => {
  it('sends every field in one registration when the platform ignores them all', async () => {
    const p = platform({});
    const r = await judgeFields(FIELDS, limits(), p.send);
    expect(r.registrations).toBe(1);
    expect(r.outcomes.every((o) => o.outcome === 'ignored')).toBe(true);
  });

  it('finds the taken field that one strictly validated field hid: the refused group is halved until the refused field is alone', async () => {
    const p = platform({ refuse: { role: 422 }, take: { is_verified: ['registration response'] } });
    const r = await judgeFields(FIELDS, limits(), p.send);
    expect(r.outcomes.find((o) => o.field === 'is_verified')).toEqual({
      field: 'is_verified',
      value: true,
      outcome: 'taken',
      where: ['registration response'],
    });
    expect(r.outcomes.find((o) => o.field === 'role')).toEqual({
      field: 'role',
      value: 'admin',
      outcome: 'refused',
      status: 422,
    });
    expect(outcomeOf(r)).toEqual({
      role: 'refused',
      is_admin: 'ignored',
      is_verified: 'taken',
      is_staff: 'ignored',
      is_superuser: 'ignored',
      is_active: 'ignored',
      email_verified: 'ignored',
      balance: 'ignored',
    });
    // 8 fields, one refused: the whole, then halves of 4, 2 and 1 on the refused side (each with its accepted twin).
    expect(p.sent).toEqual([
      Object.keys(FIELDS),
      ['role', 'is_admin', 'is_verified', 'is_staff'],
      ['is_superuser', 'is_active', 'email_verified', 'balance'],
      ['role', 'is_admin'],
      ['is_verified', 'is_staff'],
      ['role'],
      ['is_admin'],
    ]);
    expect(r.registrations).toBe(7);
  });

  it('judges a field refused only alone: a strict platform refusing every field costs 2n - 1 registrations', async () => {
    const refuse = Object.fromEntries(Object.keys(FIELDS).map((f) => [f, 400]));
    const p = platform({ refuse });
    const r = await judgeFields(FIELDS, limits(), p.send);
    expect(r.outcomes.map((o) => o.outcome)).toEqual(Array(8).fill('refused'));
    expect(p.sent.filter((g) => g.length === 1)).toHaveLength(8);
    expect(r.registrations).toBe(15);
  });

  it('leaves the fields it could not send alone unjudged, naming the setting, and never sends more than the bound', async () => {
    const refuse = Object.fromEntries(Object.keys(FIELDS).map((f) => [f, 400]));
    const p = platform({ refuse });
    const r = await judgeFields(FIELDS, limits({ registrations: 5 }), p.send);
    expect(p.sent).toHaveLength(5);
    expect(r.registrations).toBe(5);
    // Breadth first: the whole, its halves, two quarters; the other two quarters and the four fields split from the first ones are left.
    const unjudged = r.outcomes.filter((o) => o.outcome === 'unjudged');
    expect(unjudged.map((o) => o.field)).toEqual(Object.keys(FIELDS));
    expect(describeOutcome(unjudged[0]!)).toBe(
      'role = "admin": not judged (not sent alone: smoke.massAssignment.maxRegistrations (5) reached)',
    );
  });

  it('starts from groups of groupSize, so a taken field in a later group is still found', async () => {
    const p = platform({ take: { balance: ['account', 'token claims'] } });
    const r = await judgeFields(FIELDS, limits({ groupSize: 3 }), p.send);
    expect(p.sent).toEqual([
      ['role', 'is_admin', 'is_verified'],
      ['is_staff', 'is_superuser', 'is_active'],
      ['email_verified', 'balance'],
    ]);
    expect(describeOutcome(r.outcomes.find((o) => o.field === 'balance')!)).toBe(
      'balance = 1000000: taken (account, token claims)',
    );
  });

  it('finds the field behind a value shown under another privileged name, alone', async () => {
    // Sent with is_verified itself, the value would be credited to is_verified: the group's own field comes first.
    const { is_verified: _, ...fields } = FIELDS;
    const p = platform({
      take: { email_verified: ['registration response'] },
      alias: { email_verified: 'is_verified' },
    });
    const r = await judgeFields(fields, limits(), p.send);
    expect(r.outcomes.find((o) => o.field === 'email_verified')).toEqual({
      field: 'email_verified',
      value: true,
      outcome: 'taken',
      where: ['registration response'],
      as: ['is_verified'],
    });
    expect(r.outcomes.filter((o) => o.outcome === 'taken')).toHaveLength(1);
    expect(describeOutcome(r.outcomes.find((o) => o.field === 'email_verified')!)).toBe(
      'email_verified = true: taken (registration response, as is_verified)',
    );
  });

  it('blames the group when only fields sent together show a value, so the split never loses it', async () => {
    const p = platform({ joint: ['is_superuser', 'is_active'] });
    const r = await judgeFields({ is_superuser: true, is_active: true, balance: 1 }, limits(), p.send);
    expect(r.outcomes.filter((o) => o.outcome === 'taken').map(describeOutcome)).toEqual([
      'is_superuser = true: taken (account, as is_staff, sent together with is_active)',
      'is_active = true: taken (account, as is_staff, sent together with is_superuser)',
    ]);
    expect(r.outcomes.find((o) => o.field === 'balance')!.outcome).toBe('ignored');
  });

  it('sends the groups of one level side by side, and the next level only once they have answered', async () => {
    let inFlight = 0;
    const seen: number[] = [];
    const send = async (group: Record<string, unknown>): Promise<GroupAnswer> => {
      seen.push(++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return 'role' in group ? { accepted: false, status: 400 } : { accepted: true, shown: {} };
    };
    await judgeFields(FIELDS, limits({ groupSize: 2 }), send);
    // Four first groups at once; the refused [role, is_admin] is then halved: two more at once.
    expect(seen).toEqual([1, 2, 3, 4, 1, 2]);
  });

  it('does not count a field answered with a status outside refusalStatuses as refused', async () => {
    const p = platform({ refuse: { permissions: 500 } });
    const r = await judgeFields({ permissions: ['*'], is_staff: true }, limits(), p.send);
    expect(r.outcomes).toEqual([
      {
        field: 'permissions',
        value: ['*'],
        outcome: 'unjudged',
        reason:
          'answered 500 alone: neither accepted nor refused as invalid (smoke.massAssignment.refusalStatuses: 400, 422)',
      },
      { field: 'is_staff', value: true, outcome: 'ignored' },
    ]);
  });

  it('keeps a field the registration response showed taken when the account behind it could not be read, and leaves the rest unjudged', async () => {
    const p = platform({
      take: { role: ['registration response'] },
      incomplete: 'its verified account cannot log in (401)',
    });
    const r = await judgeFields({ role: 'admin', is_staff: true }, limits(), p.send);
    expect(outcomeOf(r)).toEqual({ role: 'taken', is_staff: 'unjudged' });
  });
});
