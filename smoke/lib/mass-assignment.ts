import { isDeepStrictEqual } from 'node:util';
import type { SmokeConfig } from '../config.ts';
import { fillTemplate } from '../../core/template.ts';

/** The privileged fields with their escalating values filled in (the default list carries the role claim; a team's own list is as written). */
export function privilegedFields(c: Pick<SmokeConfig, 'massAssignment' | 'roles'>): Record<string, unknown> {
  return fillTemplate(c.massAssignment.fields, { admin_role: c.roles.admin });
}

/** Every value stored under `key` anywhere in a JSON body (bounded depth): a body may nest the user under `user` or `data`. */
function valuesOf(json: unknown, key: string, depth = 4): unknown[] {
  if (depth < 0 || !json || typeof json !== 'object') return [];
  const out: unknown[] = [];
  for (const [k, v] of Object.entries(json)) {
    if (!Array.isArray(json) && k === key) out.push(v);
    out.push(...valuesOf(v, key, depth - 1));
  }
  return out;
}

/** Does a stored value carry what was sent? Lenient on representation: "ADMIN", 1 for true, "1000000.00" for 1000000. */
function carries(stored: unknown, sent: unknown): boolean {
  if (isDeepStrictEqual(stored, sent)) return true;
  if (typeof sent === 'string') return typeof stored === 'string' && stored.toLowerCase() === sent.toLowerCase();
  if (typeof sent === 'boolean') return stored === (sent ? 1 : 0) || stored === String(sent);
  if (typeof sent === 'number')
    return (typeof stored === 'number' || typeof stored === 'string') && stored !== '' && Number(stored) === sent;
  if (Array.isArray(sent))
    return Array.isArray(stored) && sent.length > 0 && sent.every((s) => stored.some((x) => carries(x, s)));
  return false;
}

/**
 * Fields whose sent value shows up in `probe` but not in `baseline` (the same view of an account
 * registered without them): a platform where every account is active or verified is not flagged for it.
 */
export function assignedFields(probe: unknown, baseline: unknown, sent: Record<string, unknown>): string[] {
  return Object.entries(sent)
    .filter(
      ([k, v]) => valuesOf(probe, k).some((x) => carries(x, v)) && !valuesOf(baseline, k).some((x) => carries(x, v)),
    )
    .map(([k]) => k);
}
