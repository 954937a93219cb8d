import { isAbsolute, resolve } from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import type { SuiteRunner, SuiteContext, Measurement } from '../config/suite.ts';
import type { CheckResult } from '../core/report-schema.ts';
import { CATALOGUE, type CatalogueId } from '../core/catalogue.ts';
import { Redactor } from '../core/redact.ts';
import { describe, errorChecks } from './checks.ts';
import { trustAnchors } from '../core/http.ts';
import { auditHeaders } from './headers/audit.ts';
import { auditTls } from './tls/audit.ts';
import { findTestssl, runTestssl } from './tls/testssl.ts';
import { auditDeps, findLockfiles, noLockfileCheck, openAdvisoryDb } from './deps/index.ts';
import type { SecurityConfig } from './config.ts';

const idsOf = (area: string): CatalogueId[] =>
  (Object.keys(CATALOGUE) as CatalogueId[]).filter((id) => id.startsWith(`${area}.`));
export const HEADER_IDS = idsOf('headers');
export const TLS_IDS = idsOf('tls');
export const DEPS_IDS = idsOf('deps');

interface AuditOutput {
  checks: CheckResult[];
  measurements: Measurement[];
  provenance?: Record<string, unknown>;
}

/** host:port of the TLS endpoint: configured, or the target's own (https only). */
export function tlsEndpoint(sec: SecurityConfig, baseUrl: string): { host: string; port: number } {
  if (sec.tls.endpoint) {
    const i = sec.tls.endpoint.lastIndexOf(':');
    return { host: sec.tls.endpoint.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(sec.tls.endpoint.slice(i + 1)) };
  }
  const u = new URL(baseUrl);
  if (u.protocol !== 'https:')
    throw new Error(
      `the target ${u.origin} is plain http: there is no TLS endpoint to audit (set security.tls.endpoint if TLS is served elsewhere)`,
    );
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 443) };
}

/** The http URL whose redirect is checked: configured, or derived when the target uses the standard https port. */
export function httpUrlFor(sec: SecurityConfig, baseUrl: string): string | undefined {
  if (sec.tls.httpUrl) return sec.tls.httpUrl;
  const u = new URL(baseUrl);
  return u.protocol === 'https:' && (u.port === '' || u.port === '443') ? `http://${u.host}/` : undefined;
}

async function isolate(ids: CatalogueId[], started: number, run: () => Promise<AuditOutput>): Promise<AuditOutput> {
  try {
    return await run();
  } catch (e) {
    return { checks: errorChecks(ids, e, performance.now() - started), measurements: [] };
  }
}

/** Runs the headers, TLS and dependency audits concurrently; an audit that throws yields `error` checks, never a pass. */
export const runSecurity: SuiteRunner = async (ctx: SuiteContext) => {
  const sec = ctx.config.security;
  const target = ctx.config.target;
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.configDir, p));
  const redactor = new Redactor(ctx.secrets);
  const caFile = sec.tls.caFile ?? target.caFile;
  const started = performance.now();
  const caP = trustAnchors(caFile ? at(caFile) : undefined);
  const httpUrl = httpUrlFor(sec, target.baseUrl);
  ctx.progress({ suite: 'security', kind: 'info', message: 'security audits: headers, TLS, dependencies' });

  const headers = isolate(HEADER_IDS, started, async () => {
    const r = await auditHeaders({
      baseUrl: target.baseUrl,
      pages: sec.headers.pages,
      // No guessed API route: smoke.me's route when apiPath is left out; with neither, the evidence lists the pages alone.
      apiPath: sec.headers.apiPath ?? ctx.config.smoke.me.path,
      errorPath: sec.headers.errorPath,
      allowedHosts: target.allowedHosts,
      ca: await caP,
      timeoutMs: target.timeoutMs,
      timeoutSetting: 'target.timeoutMs',
      httpUrl,
      minGrade: ctx.kpis.params.headersMinGrade,
      cookieWords: sec.headers.cookieWords,
    });
    return { checks: r.checks, measurements: r.measurements };
  });

  const tls = isolate(TLS_IDS, started, async () => {
    const ep = tlsEndpoint(sec, target.baseUrl);
    const [r, testssl] = await Promise.all([
      auditTls({
        ...ep,
        servername: sec.tls.servername,
        ca: await caP,
        concurrency: sec.tls.concurrency,
        timeoutMs: sec.tls.handshakeTimeoutMs,
        timeoutSetting: 'security.tls.handshakeTimeoutMs',
        certMinDays: ctx.kpis.params.certMinDays,
        httpUrl,
      }),
      sec.tls.testssl ? attachTestssl(`${ep.host}:${ep.port}`, ctx.outDir) : Promise.resolve(undefined),
    ]);
    if (testssl) {
      const proto = r.checks.find((c) => c.id === 'tls.protocols');
      if (proto) proto.evidence.details = { ...proto.evidence.details, testssl };
    }
    return { checks: r.checks, measurements: r.measurements };
  });

  const deps = isolate(DEPS_IDS, started, async () => {
    if (sec.deps.none)
      return {
        checks: [noLockfileCheck(sec.deps.none, performance.now() - started)],
        measurements: [],
        provenance: { advisories: { source: 'none (security.deps.none)', date: null } },
      };
    const lockfiles = sec.deps.lockfiles ? sec.deps.lockfiles.map(at) : await findLockfiles(ctx.configDir);
    const db = await openAdvisoryDb(sec.deps.source, ctx.configDir).catch((e: unknown) =>
      e instanceof Error ? e : new Error(String(e)),
    );
    const r = await auditDeps({
      lockfiles,
      db,
      ignore: sec.deps.ignore,
      unratedAs: sec.deps.unratedAs,
      timeoutS: sec.deps.timeoutS,
      signal: ctx.signal,
      debianRelease: sec.deps.debianRelease,
    });
    return {
      checks: r.checks,
      measurements: r.measurements,
      provenance: { advisories: { source: r.source, date: r.date } },
    };
  });

  const outputs = await Promise.all([headers, tls, deps]);
  const checks = outputs.flatMap((o) => o.checks);
  for (const c of checks) ctx.progress({ suite: 'security', kind: 'check', message: `${c.id} ${c.status}` });
  const provenance = outputs.find((o) => o.provenance)?.provenance ?? {
    advisories: { source: 'none (the dependency audit did not run)', date: null },
  };
  return { checks: redactor.value(checks), measurements: outputs.flatMap((o) => o.measurements), provenance };
};

async function attachTestssl(hostPort: string, outDir: string): Promise<Record<string, unknown>> {
  const bin = await findTestssl();
  if (!bin) return { ran: false, message: 'testssl is not installed; the native probe stands alone' };
  try {
    const r = await runTestssl(bin, hostPort);
    if (!r.ok) return { ran: false, message: r.message };
    await mkdir(outDir, { recursive: true });
    const file = resolve(outDir, 'testssl.json');
    await writeFile(file, JSON.stringify(r.findings, null, 2));
    return { ran: true, file, message: r.message };
  } catch (e) {
    return { ran: false, message: describe(e) };
  }
}
