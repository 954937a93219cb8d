import { esc, page } from '../html/page.ts';
import { visible } from '../render/visible.ts';
import { runName, type CheckChange, type Comparison, type KpiDelta, type KpiUnit } from './compare.ts';
import { directionOf, parseTolerance } from './tolerance.ts';
import { SKIP_KIND_LABEL } from '../skip.ts';
import type { SkipKind } from '../../core/report-schema.ts';

const num = (v: number | null): string => (v === null ? '—' : Number.isInteger(v) ? String(v) : String(+v.toFixed(4)));
const pct = (v: number | null): string => (v === null ? '—' : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);
/** A value in its unit: durations in ms, ratios as percentages. */
const valueIn = (v: number | null, unit: KpiUnit): string =>
  v === null ? '—' : unit === 'ratio' ? `${+(v * 100).toFixed(3)}%` : unit === 'ms' ? `${num(v)} ms` : num(v);
/** The change with its sign and unit; a change of a ratio is in percentage points, not a percentage of it. */
const changeIn = (k: KpiDelta): string => {
  if (k.abs === null) return '—';
  const sign = k.abs > 0 ? '+' : k.abs < 0 ? '-' : '±';
  const mag = Math.abs(k.abs);
  const body = k.unit === 'ratio' ? `${+(mag * 100).toFixed(3)} pp` : k.unit === 'ms' ? `${num(mag)} ms` : num(mag);
  return `${sign}${body}${k.rel !== null ? ` (${pct(k.rel)})` : ''}`;
};
/** The tolerance as the change it allows; without one a KPI regresses only when it newly fails. */
const allowedIn = (k: KpiDelta): string => {
  if (!k.tolerance) return 'none: regresses if it newly fails';
  const t = parseTolerance(k.tolerance);
  const dir = directionOf(k.threshold);
  if (!t) return k.tolerance;
  if (dir === 'band') return 'none: a range KPI regresses if it newly fails';
  const worse = dir === 'higher-is-better' ? 'lower' : 'higher';
  const amount =
    t.kind === 'relative'
      ? `${+(t.value * 100).toFixed(3)}%`
      : k.unit === 'ratio'
        ? `${+(t.value * 100).toFixed(3)} pp`
        : k.unit === 'ms'
          ? `${num(t.value)} ms`
          : num(t.value);
  return `up to ${amount} ${worse}`;
};
const KPI_HEAD = ['KPI', 'Old', 'New', 'Change', 'Allowed change', 'Result'] as const;

type Group = keyof Omit<Comparison['checks'], 'unchanged'>;
const GROUPS: Array<[Group, string]> = [
  ['newlyFailing', 'Newly failing'],
  ['persisting', 'Still failing'],
  ['fixed', 'Fixed'],
  ['noLongerChecked', 'No longer checked (skipped now)'],
  ['added', 'New checks'],
  ['removed', 'Removed checks'],
];

/** A side of a change: the status, and for a skip its kind. */
const side = (status: CheckChange['old'], kind: SkipKind | undefined): string =>
  status === null ? '—' : kind ? `${status} (${SKIP_KIND_LABEL[kind]})` : status;

const cell = (s: string | undefined | null): string => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** The result, then the KPI's pass/fail on each side when it changed. */
const kpiMark = (k: KpiDelta): string =>
  `${k.result}${k.oldStatus !== k.newStatus ? `; ${k.oldStatus ?? '—'} -> ${k.newStatus ?? '—'}` : ''}`;

/** Markdown: the not-comparable warning first, then regressions, drift, KPIs, checks. */
export function renderCompareMd(c: Comparison): string {
  const out: string[] = [`# gonogo compare: ${runName(c.old)} -> ${runName(c.new)}`, ''];
  if (!c.comparable) {
    out.push(
      '> **Not comparable:** these runs differ in ways that make the numbers unlike for like:',
      ...c.warnings.map((w) => `> - ${w}`),
      '',
    );
  }
  out.push(`Verdict: ${c.old.decision} -> **${c.new.decision}**`, '');
  out.push(
    `## Regressions beyond the allowed change (${c.regressions.length})`,
    '',
    ...(c.regressions.length ? c.regressions.map((r) => `- ${r}`) : ['None.']),
    '',
  );
  if (c.drift.length) out.push('## Security drift', '', ...c.drift.map((d) => `- ${d}`), '');
  out.push('## KPIs', '', `| ${KPI_HEAD.join(' | ')} |`, '|---|---:|---:|---:|---|---|');
  for (const k of c.kpis)
    out.push(
      `| ${k.id} | ${valueIn(k.old, k.unit)} | ${valueIn(k.new, k.unit)} | ${changeIn(k)} | ${allowedIn(k)} | ${kpiMark(k)}${k.note ? ` (${cell(k.note)})` : ''} |`,
    );
  out.push('', `## Checks (${c.checks.unchanged} unchanged)`, '');
  for (const [key, title] of GROUPS) {
    const list = c.checks[key];
    if (!list.length) continue;
    out.push(
      `### ${title} (${list.length})`,
      '',
      ...list.map(
        (x) =>
          `- \`${x.id}\` ${side(x.old, x.oldSkip)} -> ${side(x.new, x.newSkip)}: ${x.title}${x.detail ? ` — ${cell(x.detail)}` : ''}`,
      ),
      '',
    );
  }
  return visible(out.join('\n'));
}

export function renderCompareJson(c: Comparison): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}

const checkRows = (list: CheckChange[]): string =>
  list
    .map(
      (x) =>
        `<tr><td><code>${esc(x.id)}</code></td><td class="s-${esc(x.old ?? '')}">${esc(side(x.old, x.oldSkip))}</td><td class="s-${esc(x.new ?? '')}">${esc(side(x.new, x.newSkip))}</td><td>${esc(x.title)}</td><td>${esc(x.detail ?? '')}</td></tr>`,
    )
    .join('');

export function renderCompareHtml(c: Comparison): string {
  const parts: string[] = [`<h1>gonogo compare: ${esc(runName(c.old))} &rarr; ${esc(runName(c.new))}</h1>`];
  if (!c.comparable)
    parts.push(
      `<div class="warning" id="not-comparable"><strong>Not comparable.</strong><ul>${c.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`,
    );
  const cls = c.regressions.length ? 'nogo' : 'go';
  parts.push(
    `<div class="banner ${cls}"><div class="decision">${c.regressions.length ? `${c.regressions.length} regression${c.regressions.length > 1 ? 's' : ''}` : 'No regression'}</div>`,
    `<div>Verdict ${esc(c.old.decision)} &rarr; ${esc(c.new.decision)}</div>${c.regressions.length ? `<ul>${c.regressions.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''}</div>`,
  );
  if (c.drift.length)
    parts.push('<h2>Security drift</h2>', `<ul>${c.drift.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`);
  parts.push(
    `<h2>KPIs</h2><table><tr>${KPI_HEAD.map((h) => `<th>${h}</th>`).join('')}</tr>`,
    ...c.kpis.map(
      (k) =>
        `<tr><td>${esc(k.id)}</td><td class="num">${esc(valueIn(k.old, k.unit))}</td><td class="num">${esc(valueIn(k.new, k.unit))}</td><td class="num">${esc(changeIn(k))}</td><td>${esc(allowedIn(k))}</td><td class="${k.regression ? 's-fail' : `s-${esc(k.newStatus ?? '')}`}">${esc(kpiMark(k))}${k.note ? ` <span class="muted">(${esc(k.note)})</span>` : ''}</td></tr>`,
    ),
    '</table>',
    `<h2>Checks <span class="muted">(${c.checks.unchanged} unchanged)</span></h2>`,
  );
  for (const [key, title] of GROUPS) {
    const list = c.checks[key];
    if (list.length)
      parts.push(
        `<h3>${title} (${list.length})</h3><table><tr><th>Check</th><th>Old</th><th>New</th><th>Title</th><th>Evidence</th></tr>${checkRows(list)}</table>`,
      );
  }
  return page(`gonogo compare ${runName(c.old)} -> ${runName(c.new)}`, parts.join('\n'));
}

export const compareRenderers = { md: renderCompareMd, html: renderCompareHtml, json: renderCompareJson } as const;
export type CompareFormat = keyof typeof compareRenderers;
