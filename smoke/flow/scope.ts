import { eventRequires } from './events.ts';
import { pathPlaceholders, placeholders } from './vars.ts';
import type { FlowEvent } from './schema.ts';

/**
 * Which flow variable exists where, checked when the config loads: a name no step can have at its place is a config
 * error naming the step and the variable, not an error of every escrow check at run time.
 */

/** The amount in each unit a field may want (smoke/flow/money.ts): minor units, a decimal string, a number of major units. */
export const AMOUNT_VARS = [
  'amount',
  'amount_major',
  'amount_major_number',
  'milestone_amount',
  'milestone_amount_major',
  'milestone_amount_major_number',
];
/** Set by gonogo for every request of a flow (smoke/flow/run.ts builds them with these names). */
export const BUILTIN_VARS = [...AMOUNT_VARS, 'currency', 'description', 'funded_state'] as const;
/** Set only while a confirm-payment step's event is built. */
export const EVENT_VARS = ['event_id', 'created'] as const;

interface StepLike {
  name: string;
  role: string;
  path?: string | undefined;
  body?: unknown;
  headers: Record<string, string>;
  forEach?: string | undefined;
  capture: Record<string, unknown>;
  event?: FlowEvent | undefined;
}
interface FlowLike {
  steps: StepLike[];
  vars: Record<string, unknown>;
  order: {
    get?: { path: string } | undefined;
    update?: { path: string } | undefined;
    markPaidBody: Record<string, unknown>;
  };
}
export interface ScopeIssue {
  path: (string | number)[];
  message: string;
}

const list = (names: Iterable<string>) => [...names].map((n) => `{{${n}}}`).join(', ') || 'none';

/** Every use of a variable that cannot hold a value at its place, with the step (or order route) and the variable named. */
export function scopeIssues(f: FlowLike): ScopeIssue[] {
  const out: ScopeIssue[] = [];
  const capturedAt = new Map<string, number>();
  f.steps.forEach((s, i) => {
    for (const k of Object.keys(s.capture)) if (!capturedAt.has(k)) capturedAt.set(k, i);
  });
  const given = new Set([...BUILTIN_VARS, ...Object.keys(f.vars)]);

  f.steps.forEach((s, i) => {
    const templates = new Set([
      ...pathPlaceholders(s.path ?? ''),
      ...placeholders(s.body),
      ...placeholders(s.headers),
      ...placeholders(s.event?.object),
      ...placeholders(s.event?.metadata),
    ]);
    const needed = new Set(templates);
    if (s.event) for (const k of eventRequires(s.event)) needed.add(k);
    if (s.forEach) needed.add(s.forEach);
    const here = new Set([
      ...given,
      ...[...capturedAt].filter(([, at]) => at < i).map(([k]) => k),
      ...(s.event ? EVENT_VARS : []),
      ...(s.forEach ? ['item'] : []),
    ]);
    for (const k of needed) {
      if (here.has(k)) continue;
      const at = capturedAt.get(k);
      const why =
        k === 'item'
          ? ' without forEach'
          : at !== undefined
            ? `, which only step "${f.steps[at]!.name}" captures, ${at === i ? 'from its own answer' : 'later'}`
            : (EVENT_VARS as readonly string[]).includes(k)
              ? `, which exists only in a confirm-payment step's event (available here: ${list(here)})`
              : !templates.has(k) && s.event
                ? `: a ${s.event.preset} event carries it as the object id and no earlier step captures it (capture ${k}, or set event.object.id)`
                : `, which no step captures and smoke.escrow.vars does not set (available here: ${list(here)})`;
      out.push({ path: ['steps', i], message: `step "${s.name}" uses {{${k}}}${why}` });
    }
  });

  // The checks read and change an order right after creating it: its routes may use what setup and create capture.
  const create = f.steps.findIndex((s) => s.role === 'create');
  const afterCreate = new Set([...given, ...[...capturedAt].filter(([, at]) => at <= create).map(([k]) => k)]);
  const orderUses: Array<[(string | number)[], Set<string>]> = [
    [['order', 'get', 'path'], pathPlaceholders(f.order.get?.path ?? '')],
    [['order', 'update', 'path'], pathPlaceholders(f.order.update?.path ?? '')],
    [['order', 'markPaidBody'], placeholders(f.order.markPaidBody)],
  ];
  for (const [path, used] of orderUses) {
    for (const k of used) {
      if (afterCreate.has(k)) continue;
      const at = capturedAt.get(k);
      out.push({
        path,
        message:
          at !== undefined
            ? `uses {{${k}}}, which only step "${f.steps[at]!.name}" captures, after the create step: the checks read and change an order right after creating it`
            : `uses {{${k}}}, which no step captures and smoke.escrow.vars does not set (available: ${list(afterCreate)})`,
      });
    }
  }
  return out;
}
