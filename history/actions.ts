import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { Cli } from '../core/command.ts';
import { readReport, writeAtomic } from '../reports/io.ts';
import type { Report } from '../core/report-schema.ts';
import { compareReports } from '../reports/compare/compare.ts';
import { compareRenderers, type CompareFormat } from '../reports/compare/render.ts';
import { renderTrendHtml, renderTrendMd } from '../reports/trend/trend.ts';
import { renderMarkdown } from '../reports/render/markdown.ts';
import { renderHtml } from '../reports/html/report.ts';
import { fmtNumber } from '../reports/render/labels.ts';
import { type HistoryConfig, HISTORY_DEFAULTS } from '../config/history.ts';
import { resolveIdentity, type IdentityFlags } from './identity.ts';
import { storeLocation } from './location.ts';
import { filterOf, portOf, type FilterFlags } from './options.ts';
import { HistoryStore, type RunRow } from './store.ts';

interface StoreFlags {
  config?: string;
  db?: string;
}

/** The history section of --config (its paths relative to that file), or the defaults relative to the working folder. */
async function historyConfig(flags: StoreFlags): Promise<{ history: HistoryConfig; baseDir: string }> {
  if (!flags.config) return { history: HISTORY_DEFAULTS, baseDir: process.cwd() };
  const { loadConfigWithoutSecrets } = await import('../config/load.ts');
  return { history: (await loadConfigWithoutSecrets(flags.config)).history, baseDir: dirname(resolve(flags.config)) };
}

async function withStore<T>(
  flags: StoreFlags,
  work: (store: HistoryStore, config: HistoryConfig) => Promise<T>,
): Promise<T> {
  const { history, baseDir } = await historyConfig(flags);
  const store = await HistoryStore.open(storeLocation(history, process.env, flags.db, baseDir));
  try {
    return await work(store, history);
  } finally {
    await store.close();
  }
}

function formatOf<T extends string>(value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--format must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

export async function importAction(files: string[], o: StoreFlags & IdentityFlags, cli: Cli): Promise<void> {
  // Every file is read and validated before the first is stored: a bad one among many stores nothing.
  const reports: Report[] = [];
  for (const f of files) reports.push(await readReport(f));
  await withStore(o, async (store, config) => {
    const who = await resolveIdentity(o, config.project, process.env, process.cwd());
    let stored = 0;
    for (const r of reports) if ((await store.record(r, who)).stored) stored += 1;
    cli.out(
      `History: ${stored} run${stored === 1 ? '' : 's'} recorded, ${reports.length - stored} already stored, in ${store.where} (project ${who.project}, branch ${who.branch})`,
    );
  });
}

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(3)}%`);

export function renderRunList(rows: RunRow[]): string {
  const out = [
    '| Run | Started | Project | Branch | Commit | Label | Verdict | p95 ms | Error rate | Failing checks |',
    '|---|---|---|---|---|---|---|---:|---:|---:|',
  ];
  for (const r of rows) {
    out.push(
      `| ${r.id} | ${r.started_at} | ${r.project} | ${r.branch} | ${r.commit_sha?.slice(0, 12) ?? '—'} | ${r.label ?? '—'} | ${r.verdict}${r.complete ? '' : ' (incomplete)'} | ${fmtNumber(r.p95)} | ${pct(r.error_rate)} | ${r.failing_checks} |`,
    );
  }
  return out.join('\n');
}

export async function listAction(o: StoreFlags & FilterFlags & { json?: boolean }, cli: Cli): Promise<void> {
  const filter = filterOf(o);
  await withStore(o, async (store) => {
    const rows = await store.list(filter);
    cli.out(
      o.json ? JSON.stringify(rows, null, 2) : rows.length ? renderRunList(rows) : `No runs in ${store.where} match.`,
    );
  });
}

export async function showAction(
  run: string,
  o: StoreFlags & { project?: string; branch?: string; format: string },
  cli: Cli,
): Promise<void> {
  const format = formatOf(o.format, ['md', 'json', 'html'] as const);
  await withStore(o, async (store) => {
    const found = await store.find(run, {
      ...(o.project ? { project: o.project } : {}),
      ...(o.branch ? { branch: o.branch } : {}),
    });
    if (!found)
      throw new UsageError(
        `no run with id or label "${run}" in ${store.where}; gonogo history list shows the stored runs`,
      );
    cli.out(
      format === 'json'
        ? JSON.stringify(found.report, null, 2)
        : format === 'html'
          ? renderHtml(found.report)
          : renderMarkdown(found.report),
    );
  });
}

export async function trendAction(o: StoreFlags & FilterFlags & { html?: string }, cli: Cli): Promise<void> {
  const filter = filterOf(o);
  await withStore(o, async (store) => {
    const trend = await store.trend(filter);
    if (!trend.releases.length)
      throw new UsageError(`no runs in ${store.where} match the filter; gonogo history list shows the stored runs`);
    cli.out(renderTrendMd(trend));
    if (o.html) {
      await writeAtomic(o.html, renderTrendHtml(trend));
      cli.out(`Trend page written to ${o.html}`);
    }
  });
}

export async function compareAction(
  oldRun: string | undefined,
  newRun: string | undefined,
  o: StoreFlags & FilterFlags & { format: string; kpis?: string },
  cli: Cli,
): Promise<void> {
  const format = formatOf(o.format, Object.keys(compareRenderers) as CompareFormat[]);
  const filter = filterOf(o);
  if (oldRun !== undefined && newRun === undefined)
    throw new UsageError(
      'history compare takes two runs (old and new) or none (the last two runs of --project/--branch)',
    );
  const tolerances = o.kpis
    ? Object.fromEntries(
        (await (await import('../config/kpis.ts')).loadKpiFile(o.kpis)).kpis
          .filter((k) => k.tolerance)
          .map((k) => [k.id, k.tolerance!]),
      )
    : {};
  await withStore(o, async (store) => {
    let pair;
    if (oldRun !== undefined && newRun !== undefined) {
      const scope = {
        ...(filter.project ? { project: filter.project } : {}),
        ...(filter.branch ? { branch: filter.branch } : {}),
      };
      const [a, b] = [await store.find(oldRun, scope), await store.find(newRun, scope)];
      const missing = [
        [oldRun, a],
        [newRun, b],
      ]
        .filter(([, x]) => !x)
        .map(([n]) => `"${n as string}"`);
      if (missing.length)
        throw new UsageError(
          `no run with id or label ${missing.join(' or ')} in ${store.where}; gonogo history list shows the stored runs`,
        );
      pair = [a!.report, b!.report] as const;
    } else {
      const last = await store.reports({ ...filter, last: 2 });
      if (last.length < 2)
        throw new UsageError(
          `history compare needs two runs and ${last.length ? 'only one' : 'none'} in ${store.where} match${last.length ? 'es' : ''} the filter; record more runs or name two`,
        );
      pair = [last[0]!, last[1]!] as const;
    }
    const comparison = compareReports(pair[0], pair[1], tolerances);
    cli.out(compareRenderers[format](comparison));
    if (!comparison.comparable) cli.err(`Warning: the runs are not comparable: ${comparison.warnings.join('; ')}`);
    cli.exit(comparison.regressions.length ? 1 : 0);
  });
}

export async function tokenAction(o: StoreFlags & { project: string }, cli: Cli): Promise<void> {
  if (!o.project.trim()) throw new UsageError('--project names the project the token uploads to; it cannot be empty');
  await withStore(o, async (store) => {
    // 32 random bytes: a token nobody can guess, so a fast hash keeps it safe at rest (see docs/history.md).
    const token = `gng_${randomBytes(32).toString('base64url')}`;
    await store.setToken(o.project, token);
    cli.out(
      `Upload token for project ${o.project} (shown this once; ${store.where} keeps only its SHA-256). Store it as the CI secret GONOGO_HISTORY_TOKEN:\n${token}`,
    );
  });
}

export async function pushAction(
  files: string[],
  o: IdentityFlags & { server: string; timeout: string },
  cli: Cli,
): Promise<void> {
  const { pushReports } = await import('./push.ts');
  const timeoutS = Number(o.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 3600)
    throw new UsageError(`--timeout takes seconds from 1 to 3600 (got "${o.timeout}")`);
  const code = await pushReports(files, o, timeoutS, process.env, cli);
  cli.exit(code);
}

export async function serveAction(o: StoreFlags & { port: string; host: string }, cli: Cli): Promise<void> {
  const port = portOf(o.port);
  const { history, baseDir } = await historyConfig(o);
  const { startServer } = await import('./server.ts');
  const server = await startServer({
    location: storeLocation(history, process.env, o.db, baseDir),
    config: history,
    host: o.host,
    port,
    log: (m) => cli.err(m),
  });
  cli.out(`gonogo serve: the history dashboard at ${server.url} (store: ${server.where}); Ctrl+C stops it`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
}
