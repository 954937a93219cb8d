import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { InputError } from '../core/errors.ts';
import { parseReportText } from '../reports/io.ts';
import { latencyThresholds } from '../reports/html/charts.ts';
import { renderHtml } from '../reports/html/report.ts';
import { compareReports } from '../reports/compare/compare.ts';
import { renderCompareHtml } from '../reports/compare/render.ts';
import type { HistoryConfig } from '../config/history.ts';
import type { StoreLocation } from './open.ts';
import { HistoryStore } from './store.ts';
import { failingSince, flakyChecks, kpiSeries, streakStart } from './dashboard/data.ts';
import { branchPage, checkPage, homePage, messagePage } from './dashboard/pages.ts';

export interface ServerOptions {
  location: StoreLocation;
  config: HistoryConfig;
  host: string;
  port: number;
  log: (line: string) => void;
}
export interface RunningServer {
  url: string;
  where: string;
  close(): Promise<void>;
}

/** An answer with its status: thrown by a handler, sent as a one-paragraph message. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || (isIP(host) === 4 ? host.startsWith('127.') : host === '::1');
const DEFAULT_LAST = 30;

function bearer(req: IncomingMessage): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

/** Reads a request body up to `max` bytes; a longer one is refused with a message naming the setting that allows more. */
async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const tooLarge = (n: string) =>
    new HttpError(
      413,
      `the upload is ${n} bytes, over this server's limit of ${max} bytes (history.server.maxReportBytes in the config gonogo serve was started with); raise that setting or push a smaller report`,
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw tooLarge(String(declared));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw tooLarge(`more than ${max}`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const short = (s: unknown, n = 200): string | null =>
  typeof s === 'string' && s.trim() && s.length <= n ? s.trim() : null;

/** `gonogo serve`: the dashboard (read-only pages) and POST /api/runs for `gonogo history push`, over one store. */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const store = await HistoryStore.open(o.location);
  const publicRead =
    o.config.server.publicRead === 'always' || (o.config.server.publicRead === 'loopback' && isLoopback(o.host));

  async function mayRead(req: IncomingMessage): Promise<void> {
    if (publicRead) return;
    const token = bearer(req);
    if (!token || !(await store.projectOfToken(token)))
      throw new HttpError(
        401,
        'reading this history server needs a project token (Authorization: Bearer ...); history.server.publicRead allows reading without one',
      );
  }

  async function push(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const token = bearer(req);
    const project = token ? await store.projectOfToken(token) : null;
    if (!project)
      throw new HttpError(
        401,
        "no valid upload token: send the project's token as Authorization: Bearer (gonogo history push reads it from GONOGO_HISTORY_TOKEN; gonogo history token creates one)",
      );
    const text = await readBody(req, o.config.server.maxReportBytes);
    let body: { project?: unknown; branch?: unknown; commit?: unknown; report?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new HttpError(
        400,
        'the upload is not JSON: send { "branch", "commit", "report" } as gonogo history push does',
      );
    }
    if (body === null || typeof body !== 'object' || body.report === undefined)
      throw new HttpError(
        400,
        'the upload has no "report": send { "branch", "commit", "report" } as gonogo history push does',
      );
    if (body.project !== undefined && body.project !== project)
      throw new HttpError(403, `this token uploads to project ${project}, not ${JSON.stringify(body.project)}`);
    const branch = short(body.branch) ?? 'unknown';
    const commit = body.commit === null || body.commit === undefined ? null : short(body.commit, 100);
    let report;
    try {
      report = parseReportText(JSON.stringify(body.report), 'the uploaded report');
    } catch (e) {
      if (e instanceof InputError) throw new HttpError(422, e.message);
      throw e;
    }
    const { stored } = await store.record(report, { project, branch, commit });
    o.log(
      `gonogo serve: run ${report.run.id} ${stored ? 'stored' : 'already stored'} (project ${project}, branch ${branch})`,
    );
    return { status: stored ? 201 : 200, body: { stored, id: report.run.id, project, branch } };
  }

  async function view(url: URL): Promise<string> {
    const p = url.searchParams;
    if (url.pathname === '/') {
      const rows = await store.branches();
      return homePage(rows, [...new Set(rows.map((r) => r.project))], p.get('project') || undefined);
    }
    if (url.pathname === '/branch') {
      const project = p.get('project') ?? '';
      const branch = p.get('branch') ?? '';
      const lastRaw = p.get('last');
      const last = lastRaw && /^\d+$/.test(lastRaw) ? Math.min(1000, Math.max(1, Number(lastRaw))) : DEFAULT_LAST;
      const runs = await store.list({ project, branch, last });
      if (!runs.length) throw new HttpError(404, `no runs of ${project} / ${branch}`);
      const ids = runs.map((r) => r.id);
      const [statuses, kpis, newest] = [
        await store.checkStatuses(ids),
        await store.kpiValues(ids),
        await store.find(runs.at(-1)!.id),
      ];
      return branchPage({
        project,
        branch,
        last,
        runs,
        kpis: kpiSeries(runs, kpis),
        flaky: flakyChecks(runs, statuses),
        failing: failingSince(runs, statuses),
        latencyLines: latencyThresholds(newest!.report.kpis),
      });
    }
    if (url.pathname === '/check') {
      const [project, branch, id] = [p.get('project') ?? '', p.get('branch') ?? '', p.get('id') ?? ''];
      const points = await store.checkHistory(id, { project, branch });
      return checkPage(project, branch, id, points, streakStart(points));
    }
    if (url.pathname === '/compare') {
      const [a, b] = [await store.find(p.get('a') ?? ''), await store.find(p.get('b') ?? '')];
      if (!a || !b) throw new HttpError(404, 'pick two stored runs to compare');
      return renderCompareHtml(compareReports(a.report, b.report, {})).replace(
        '<body>',
        '<body><p class="muted"><a href="/">All projects</a></p>',
      );
    }
    const run = /^\/run\/([^/]+)$/.exec(url.pathname);
    if (run) {
      let id: string;
      try {
        id = decodeURIComponent(run[1]!);
      } catch {
        throw new HttpError(400, 'a run id in the path is percent-encoded text');
      }
      const found = await store.find(id);
      if (!found || found.row.id !== id) throw new HttpError(404, `no run ${id}`);
      return renderHtml(found.report);
    }
    throw new HttpError(404, `nothing at ${url.pathname}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gonogo.invalid');
    const api = url.pathname.startsWith('/api/');
    try {
      if (url.pathname === '/api/runs' && req.method === 'POST') {
        const r = await push(req);
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} is not served here`);
      await mayRead(req);
      if (url.pathname === '/api/runs') {
        const last = Number(url.searchParams.get('last') ?? DEFAULT_LAST);
        const rows = await store.list({
          ...(url.searchParams.get('project') ? { project: url.searchParams.get('project')! } : {}),
          ...(url.searchParams.get('branch') ? { branch: url.searchParams.get('branch')! } : {}),
          last: Number.isInteger(last) && last > 0 ? Math.min(last, 1000) : DEFAULT_LAST,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
        return;
      }
      const html = await view(url);
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
        })
        .end(html);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      const message = e instanceof HttpError ? e.message : `the server failed: ${(e as Error).message}`;
      if (status === 500) o.log(`gonogo serve: ${req.method} ${url.pathname}: ${(e as Error).message}`);
      // A refused upload still has a body on the wire; the connection closes instead of reading the rest.
      if (status === 413) res.setHeader('connection', 'close');
      if (api) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message }));
      else
        res
          .writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
          .end(messagePage(status === 404 ? 'Not found' : `Error ${status}`, message));
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  // Keep-alive sockets would hold close() open for seconds.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new InputError(
          `gonogo serve cannot listen on ${o.host}:${o.port} (${e.code ?? e.message}); pick another --port or --host`,
        ),
      ),
    );
    server.listen(o.port, o.host, () => resolve());
  }).catch(async (e) => {
    await store.close();
    throw e;
  });
  const port = (server.address() as { port: number }).port;
  const host = isIP(o.host) === 6 ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}/`,
    where: store.where,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
