import { UsageError } from '../core/errors.ts';
import type { Cli } from '../core/command.ts';
import { readReport } from '../reports/io.ts';
import { resolveIdentity, type IdentityFlags } from './identity.ts';

export const TOKEN_ENV = 'GONOGO_HISTORY_TOKEN';

function serverUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--server must be the server's http(s) URL, e.g. https://gonogo.example.com (got "${raw}")`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new UsageError(`--server must be an http(s) URL (got "${raw}")`);
  if (url.username || url.password)
    throw new UsageError(`--server must not carry credentials; the token comes from ${TOKEN_ENV}`);
  // The token would cross the network readable by anyone on the path; plain http is for a server on this machine.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:' && !(host === 'localhost' || host === '::1' || /^127\./.test(host))) {
    throw new UsageError(
      `--server ${url.origin} is plain http to another machine: the upload token would cross the network in clear. Serve gonogo behind https (a reverse proxy with TLS) and push to the https URL`,
    );
  }
  return url;
}

/** Uploads each report (validated here first) to `gonogo serve`; the token is sent, never printed. Exit 0 when every one was stored or already there. */
export async function pushReports(
  files: string[],
  flags: IdentityFlags & { server: string },
  timeoutS: number,
  env: NodeJS.ProcessEnv,
  cli: Cli,
): Promise<0 | 2> {
  const base = serverUrl(flags.server);
  const token = env[TOKEN_ENV]?.trim();
  if (!token)
    throw new UsageError(
      `${TOKEN_ENV} is not set: history push authenticates with the project's upload token (gonogo history token --project NAME creates one on the server's store)`,
    );
  const reports = [];
  for (const f of files) {
    reports.push({ file: f, report: await readReport(f) });
  }
  const who = await resolveIdentity(flags, undefined, env, process.cwd());
  let failed = 0;
  for (const { file, report } of reports) {
    const body = JSON.stringify({
      ...(flags.project ? { project: flags.project } : {}),
      branch: who.branch,
      commit: who.commit,
      report,
    });
    let res: Response;
    try {
      res = await fetch(new URL('api/runs', base.href.endsWith('/') ? base : `${base.href}/`), {
        method: 'POST',
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutS * 1000),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
      throw new UsageError(
        `cannot reach the history server ${base.origin} (${cause}); check --server and that gonogo serve runs there`,
      );
    }
    const answer = (await res.json().catch(() => ({}))) as { stored?: boolean; project?: string; error?: string };
    if (res.ok) {
      cli.out(
        `${file}: run ${report.run.id} ${answer.stored ? 'stored' : 'was already stored'} on ${base.origin} (project ${answer.project}, branch ${who.branch})`,
      );
    } else {
      failed += 1;
      cli.err(`${file}: the server refused the upload (HTTP ${res.status}): ${answer.error ?? res.statusText}`);
    }
  }
  return failed ? 2 : 0;
}
