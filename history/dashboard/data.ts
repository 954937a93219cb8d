import { parseThreshold } from '../../core/threshold.ts';
import type { RunRow } from '../store.ts';

const BAD = new Set(['fail', 'error']);

/** A KPI's threshold numbers (`http_req_duration: p(95)<200 and max<900` gives 200 and 900), for the lines on its chart. */
export function thresholdValues(threshold: string): number[] {
  const exprs = threshold.includes(': ') ? threshold.slice(threshold.indexOf(': ') + 2) : threshold;
  const out: number[] = [];
  for (const e of exprs.split(' and ')) {
    try {
      out.push(parseThreshold(e.trim()).value);
    } catch {
      /* a threshold without a number ("all of auth.* pass") gets no line */
    }
  }
  return out;
}

export interface KpiSeries {
  id: string;
  threshold: string;
  lines: number[];
  values: Array<number | null>;
  statuses: Array<string | null>;
}

/** Each KPI's value per run (oldest first) with its threshold lines, as of the newest run that had it. */
export function kpiSeries(
  runs: RunRow[],
  kpis: Map<string, Array<{ kpi_id: string; value: number | null; status: string; threshold: string }>>,
): KpiSeries[] {
  const byId = new Map<string, KpiSeries>();
  runs.forEach((run, i) => {
    for (const k of kpis.get(run.id) ?? []) {
      let s = byId.get(k.kpi_id);
      if (!s)
        byId.set(
          k.kpi_id,
          (s = {
            id: k.kpi_id,
            threshold: k.threshold,
            lines: [],
            values: runs.map(() => null),
            statuses: runs.map(() => null),
          }),
        );
      s.values[i] = k.value;
      s.statuses[i] = k.status;
      s.threshold = k.threshold;
    }
  });
  for (const s of byId.values()) s.lines = thresholdValues(s.threshold);
  return [...byId.values()].filter((s) => s.values.some((v) => v !== null)).sort((a, b) => a.id.localeCompare(b.id));
}

export interface Flaky {
  id: string;
  flips: number;
  runs: number;
  statuses: Array<string | null>;
}

/**
 * Checks whose outcome flips between consecutive runs of one branch: pass <-> fail/error, counted over the runs it ran
 * in. One flip is a change (a regression or a fix); two or more in the window is flakiness.
 */
export function flakyChecks(runs: RunRow[], statuses: Map<string, Map<string, string>>, minFlips = 2): Flaky[] {
  const ids = new Set<string>();
  for (const m of statuses.values()) for (const id of m.keys()) ids.add(id);
  const out: Flaky[] = [];
  for (const id of ids) {
    const seq = runs.map((r) => statuses.get(r.id)?.get(id) ?? null);
    const judged = seq.filter((s): s is string => s === 'pass' || (s !== null && BAD.has(s)));
    let flips = 0;
    for (let i = 1; i < judged.length; i++) if (BAD.has(judged[i]!) !== BAD.has(judged[i - 1]!)) flips += 1;
    if (flips >= minFlips) out.push({ id, flips, runs: judged.length, statuses: seq });
  }
  return out.sort((a, b) => b.flips - a.flips || a.id.localeCompare(b.id));
}

export interface FailingSince {
  id: string;
  status: string;
  since: RunRow;
  runs: number;
}

/** Checks failing in the newest run, each with the run its current failing streak started on (commit, label). */
export function failingSince(runs: RunRow[], statuses: Map<string, Map<string, string>>): FailingSince[] {
  const newest = runs.at(-1);
  if (!newest) return [];
  const out: FailingSince[] = [];
  for (const [id, status] of statuses.get(newest.id) ?? []) {
    if (!BAD.has(status)) continue;
    let start = runs.length - 1;
    while (start > 0) {
      const prev = statuses.get(runs[start - 1]!.id)?.get(id);
      if (prev === undefined || !BAD.has(prev)) break;
      start -= 1;
    }
    out.push({ id, status, since: runs[start]!, runs: runs.length - start });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** A check's failing streak in a history of its statuses (oldest first): the index where the current one began, or null when it passes. */
export function streakStart(points: Array<{ status: string }>): number | null {
  if (!points.length || !BAD.has(points.at(-1)!.status)) return null;
  let i = points.length - 1;
  while (i > 0 && BAD.has(points[i - 1]!.status)) i -= 1;
  return i;
}
