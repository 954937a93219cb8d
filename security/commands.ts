import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Cli, RegisterCommands } from '../core/command.ts';
import { InputError, UsageError } from '../core/errors.ts';
import type { CheckResult } from '../core/report-schema.ts';
import { redactUserinfo, targetUrlProblem } from '../core/url.ts';
import type { ParsedLockfile } from './deps/types.ts';
import { DEPS_DEFAULTS, TLS_DEFAULTS } from './defaults.ts';

// Each audit's modules are loaded when it runs: `--help`, `--version` and the other audits do not pay for them.

const MARK: Record<CheckResult['status'], string> = {
  pass: 'PASS ',
  fail: 'FAIL ',
  warn: 'WARN ',
  skip: 'SKIP ',
  error: 'ERROR',
};

function summary(checks: CheckResult[]): string {
  return checks
    .map((c) => `  ${MARK[c.status]} ${c.id.padEnd(30)} ${c.evidence.actual ?? c.evidence.message ?? ''}`)
    .join('\n');
}

/** Exit 1 when a blocker check fails or errors, as `gonogo run` would judge it. */
function verdict(cli: Cli, checks: CheckResult[]): void {
  cli.exit(checks.some((c) => c.level === 'blocker' && (c.status === 'fail' || c.status === 'error')) ? 1 : 0);
}

function parseHostPort(arg: string): { host: string; port: number } {
  // An https URL names the same endpoint (port 443 unless given); only its host and port are used.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
    let url: URL;
    try {
      url = new URL(arg);
    } catch {
      throw new UsageError(`"${arg}" is neither HOST:PORT (e.g. 127.0.0.1:8443) nor a valid https URL`);
    }
    if (url.protocol !== 'https:')
      throw new UsageError(
        `"${arg}": audit tls probes TLS endpoints; give HOST:PORT or an https:// URL (not ${url.protocol.slice(0, -1)})`,
      );
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 443 };
  }
  const m = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(arg);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)
    throw new UsageError(`"${arg}" is not HOST:PORT (e.g. 127.0.0.1:8443)`);
  return { host: m[1]!, port: Number(m[2]) };
}

function registerTls(audit: Command, cli: Cli): void {
  audit
    .command('tls')
    .description('Probe one TLS endpoint: protocols, accepted cipher suites (by elimination, in parallel), certificate')
    .argument('<host:port>', 'the TLS endpoint, as HOST:PORT or an https:// URL (port 443 unless given)')
    .option('--ca <file>', 'PEM CA bundle trusted besides the system CAs')
    .option('--servername <name>', 'SNI and certificate name (default: the host)')
    .option('--http <url>', 'plain-http URL that must redirect to https')
    .option('--cert-min-days <n>', 'days the certificate must still be valid', '30')
    .option('--json', 'print the raw result as JSON')
    .action(
      async (
        arg: string,
        opts: { ca?: string; servername?: string; http?: string; certMinDays: string; json?: boolean },
      ) => {
        const ep = parseHostPort(arg);
        const days = Number(opts.certMinDays);
        if (!Number.isFinite(days) || days < 0)
          throw new UsageError(`--cert-min-days must be a number of days (received "${opts.certMinDays}")`);
        const [{ trustAnchors }, { auditTls }] = await Promise.all([
          import('../core/http.ts'),
          import('./tls/audit.ts'),
        ]);
        const ca = await trustAnchors(opts.ca ? resolve(opts.ca) : undefined); // --ca: a missing, FIFO or non-PEM file is an input error (exit 2)
        const r = await auditTls({
          ...ep,
          servername: opts.servername,
          ca,
          concurrency: TLS_DEFAULTS.concurrency,
          timeoutMs: TLS_DEFAULTS.handshakeTimeoutMs,
          certMinDays: days,
          httpUrl: opts.http,
        });
        if (opts.json) {
          cli.out(
            JSON.stringify(
              {
                target: `${ep.host}:${ep.port}`,
                protocols: r.scan.protocols,
                ciphers: r.scan.ciphers.map((c) => ({
                  openssl: c.openssl,
                  iana: c.iana,
                  protocol: c.protocol,
                  flags: c.flags,
                  weak: c.weak,
                })),
                unprobed: r.scan.unprobed,
                certificate: r.scan.certificate ?? { error: r.scan.certificateError },
                redirect: r.redirect,
                handshakes: r.scan.handshakes,
                durationMs: r.scan.durationMs,
                checks: r.checks,
                measurements: r.measurements,
              },
              null,
              2,
            ),
          );
        } else {
          const protos = Object.entries(r.scan.protocols)
            .map(([p, ok]) => `${p} ${ok ? 'yes' : 'no'}`)
            .join(', ');
          cli.out(
            `TLS audit of ${ep.host}:${ep.port} (${r.scan.handshakes} handshakes, ${r.scan.durationMs} ms)\n  protocols: ${protos}\n  suites: ${r.scan.ciphers.map((c) => `${c.protocol} ${c.openssl}${c.weak ? ' [weak]' : ''}`).join(', ') || 'none'}\n${summary(r.checks)}`,
          );
        }
        verdict(cli, r.checks);
      },
    );
}

function registerHeaders(audit: Command, cli: Cli): void {
  audit
    .command('headers')
    .description("Grade one URL's security headers the way the HTTP Observatory does")
    .argument('<url>', 'the page to grade (only its host is contacted)')
    .option('--ca <file>', 'PEM CA bundle trusted besides the system CAs')
    .option('--http <url>', 'plain-http URL that must redirect to https')
    .option('--min-grade <grade>', 'lowest acceptable grade', 'A-')
    .option('--json', 'print the raw result as JSON')
    .action(async (url: string, opts: { ca?: string; http?: string; minGrade: string; json?: boolean }) => {
      const problem = targetUrlProblem(url, { page: true });
      if (problem) throw new UsageError(`<url> "${redactUserinfo(url)}": ${problem}`);
      const u = new URL(url);
      const grades = ['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F'] as const;
      const minGrade = grades.find((g) => g === opts.minGrade);
      if (!minGrade) throw new UsageError(`--min-grade must be one of ${grades.join(', ')}`);
      const [{ trustAnchors }, { auditHeaders }, { Redactor }] = await Promise.all([
        import('../core/http.ts'),
        import('./headers/audit.ts'),
        import('../core/redact.ts'),
      ]);
      const ca = await trustAnchors(opts.ca ? resolve(opts.ca) : undefined);
      const started = performance.now();
      const r = await auditHeaders({
        baseUrl: u.origin,
        pages: [u.pathname + u.search],
        allowedHosts: [],
        ca,
        timeoutMs: 10_000,
        httpUrl: opts.http,
        minGrade,
      });
      const redact = new Redactor();
      if (opts.json)
        cli.out(
          JSON.stringify(
            redact.value({
              url: u.href,
              score: r.score,
              grade: r.grade,
              pages: r.pages,
              redirect: r.redirect,
              checks: r.checks,
              durationMs: Math.round(performance.now() - started),
            }),
            null,
            2,
          ),
        );
      else {
        const tests =
          r.pages[0]?.graded?.tests.map((t) => `  ${String(t.modifier).padStart(4)}  ${t.result}`).join('\n') ??
          `  ${r.pages[0]?.error}`;
        cli.out(
          redact.text(
            `Headers of ${u.href}: ${r.score ?? '-'} points, grade ${r.grade ?? '-'}\n${tests}\n${summary(r.checks)}`,
          ),
        );
      }
      verdict(cli, r.checks);
    });
}

function registerDeps(audit: Command, cli: Cli): void {
  audit
    .command('deps')
    .description(
      'Match lockfiles, SBOMs, dpkg status files and pip output against OSV advisories (OSV API by default, or an offline OSV directory/zip)',
    )
    .argument(
      '<lockfile...>',
      'package-lock.json, yarn.lock, pnpm-lock.yaml, requirements.txt, poetry.lock, Pipfile.lock; CycloneDX or SPDX JSON SBOMs, a dpkg status file, pip freeze or pip list --format=json output (recognised by content)',
    )
    .option('--osv-db <path>', 'offline OSV directory or zip instead of the OSV API')
    .option(
      '--debian-release <n>',
      'Debian release of a dpkg status file or of deb purls without a distro (default: its os-release, else its +debNNuN version suffixes)',
    )
    .option(
      '--timeout <s>',
      'seconds the whole audit may take; past it the audit is an error',
      String(DEPS_DEFAULTS.timeoutS),
    )
    .option('--json', 'print the raw result as JSON')
    .action(
      async (files: string[], opts: { osvDb?: string; timeout: string; json?: boolean; debianRelease?: string }) => {
        const timeoutS = Number(opts.timeout);
        if (!Number.isInteger(timeoutS) || timeoutS <= 0)
          throw new UsageError(`--timeout must be a whole number of seconds (received "${opts.timeout}")`);
        if (opts.debianRelease !== undefined && !/^\d+$/.test(opts.debianRelease))
          throw new UsageError(
            `--debian-release must be a Debian release number, e.g. 12 for bookworm (received "${opts.debianRelease}")`,
          );
        const [{ readLockfile }, { osvApiDb, osvDirDb }, { auditDeps, fixText }] = await Promise.all([
          import('./deps/lockfiles/index.ts'),
          import('./deps/osv/sources.ts'),
          import('./deps/audit.ts'),
        ]);
        // Every lockfile is read before anything else: a missing, malformed or non-regular file is exit 2, not a NO-GO.
        const parsed: ParsedLockfile[] = [];
        const problems: string[] = [];
        for (const f of files) {
          try {
            parsed.push(await readLockfile(resolve(f), { debianRelease: opts.debianRelease }));
          } catch (e) {
            if (e instanceof InputError) problems.push(e.message);
            else throw e;
          }
        }
        if (problems.length) throw new InputError(problems.join('; '));
        const db = await (opts.osvDb
          ? osvDirDb(resolve(opts.osvDb))
          : Promise.resolve(osvApiDb(DEPS_DEFAULTS.osvApiUrl, DEPS_DEFAULTS.osvApiTimeoutMs))
        ).catch((e: Error) => {
          throw new InputError(e.message);
        });
        const r = await auditDeps({ lockfiles: parsed, db, ignore: [], timeoutS });
        if (opts.json)
          cli.out(
            JSON.stringify(
              {
                source: r.source,
                date: r.date,
                lockfiles: r.lockfiles,
                counts: r.counts,
                findings: r.findings,
                checks: r.checks,
                measurements: r.measurements,
              },
              null,
              2,
            ),
          );
        else {
          const lines = r.findings.map(
            (f) =>
              `  ${f.advisory.severity.padEnd(8)} ${f.advisory.id} ${f.package.name}@${f.package.version}${f.package.direct === true ? ' (direct)' : f.package.direct === false ? ' (transitive)' : ''} ${f.advisory.summary}${fixText(f.advisory.fixed, '; ')}`,
          );
          cli.out(
            `Dependency audit against ${r.source}${r.date ? ` (data as of ${r.date})` : ''}\n${r.lockfiles.map((l) => `  ${l.file}: ${l.format}${l.detail ? ` (${l.detail})` : ''}, ${l.packages} packages (${l.direct} direct)${l.skipped.length ? `, ${l.skipped.length} entries not audited (e.g. ${l.skipped[0]})` : ''}`).join('\n')}\n${lines.join('\n') || (r.checks[0]?.status === 'error' ? '  (no advisories: see the error below)' : '  no advisory matches')}\n${summary(r.checks)}`,
          );
        }
        verdict(cli, r.checks);
      },
    );
}

/** `gonogo audit tls|headers|deps`: one audit, ad hoc, no config file. */
export const registerSecurityCommands: RegisterCommands = (program, cli) => {
  const audit = program.command('audit').description('Run one security audit ad hoc, without a config file');
  registerTls(audit, cli);
  registerHeaders(audit, cli);
  registerDeps(audit, cli);
  // Nested subcommands need commander's exit override too: only main() ends the process.
  for (const c of [audit, ...audit.commands])
    c.exitOverride().configureOutput({ writeOut: (s) => cli.out(s), writeErr: (s) => cli.err(s) });
};
