import { z } from 'zod';
import { COOKIE_WORDS, DEPS_DEFAULTS, TLS_DEFAULTS } from './defaults.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD');
const relPath = z.string().regex(/^\//, 'a path on the target starting with / (e.g. /login)');

/** Where dependency advisories come from. The OSV API is the default for users online. */
export const AdvisorySource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('osv-api'),
      /** Base URL of the OSV API (a mirror or a test double may stand in). */
      url: z.url({ protocol: /^https?$/ }).default('https://api.osv.dev'),
      timeoutMs: z.number().int().positive().default(15_000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('osv-dir'),
      /** A directory of OSV JSON files (searched recursively) or an OSV zip export such as npm/all.zip. */
      path: z.string().min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('npm-audit'),
      /** Output of `npm audit --json` (report version 1 or 2). */
      file: z.string().min(1),
    })
    .strict(),
]);
export type AdvisorySource = z.infer<typeof AdvisorySource>;

/** An accepted advisory, like a KPI waiver: it stops counting until it expires. */
export const IgnoreEntry = z
  .object({
    /** Advisory id or alias (GHSA-..., CVE-..., PYSEC-...). */
    id: z.string().min(1),
    reason: z.string().min(1),
    owner: z.string().min(1),
    expires: isoDate,
  })
  .strict();
export type IgnoreEntry = z.infer<typeof IgnoreEntry>;

export const HeadersConfig = z
  .object({
    /** Pages whose headers are graded, relative to target.baseUrl. */
    pages: z.array(relPath).min(1).default(['/']),
    /** An API route (graded too: APIs need the same headers). */
    apiPath: relPath.optional(),
    /** A path that does not exist, to grade the error page. */
    errorPath: relPath.default('/gonogo-missing-page-404'),
    /** Words in a cookie's name (any case) that make it a session cookie (Secure + HttpOnly) or an anti-CSRF one (SameSite). */
    cookieWords: z
      .object({
        session: z
          .array(z.string().min(1))
          .min(1)
          .default([...COOKIE_WORDS.session]),
        antiCsrf: z.array(z.string().min(1)).default([...COOKIE_WORDS.antiCsrf]),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const TlsConfig = z
  .object({
    /** host:port of the TLS endpoint; default: target.baseUrl's host and port (443). */
    endpoint: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'host:port, e.g. app.example.com:443')
      .optional(),
    /** SNI / certificate host name; default: the endpoint's host. */
    servername: z.string().optional(),
    /** PEM CA bundle trusted besides the system CAs; default: target.caFile. */
    caFile: z.string().optional(),
    /** Plain-http URL that must redirect to https; default: http://<baseUrl host>/ when baseUrl uses port 443. */
    httpUrl: z.url({ protocol: /^http$/ }).optional(),
    /** Parallel handshakes: bounded so a scan never floods the target. */
    concurrency: z.number().int().min(1).max(64).default(TLS_DEFAULTS.concurrency),
    handshakeTimeoutMs: z.number().int().positive().default(TLS_DEFAULTS.handshakeTimeoutMs),
    /** Also run testssl.sh when installed and attach its JSON (slow: about a minute per host). */
    testssl: z.boolean().default(false),
  })
  .strict();

export const DepsConfig = z
  .object({
    /**
     * Lockfiles to audit, relative to the config file; default: the known lockfile names found beside it. SBOMs
     * (CycloneDX, SPDX JSON), dpkg status files and pip freeze / pip list --format=json output are read too,
     * recognised by their content whatever their name.
     */
    lockfiles: z.array(z.string().min(1)).optional(),
    /**
     * The Debian release ("12") of a dpkg status file, and of deb purls in an SBOM that name none; default: the
     * VERSION_ID of the os-release beside the status file (/etc/os-release for the machine's own), else the release
     * its packages' "+debNNuN" suffixes name. OSV judges each release apart ("Debian:12").
     */
    debianRelease: z.string().regex(/^\d+$/, 'a Debian release number, e.g. "12" for bookworm').optional(),
    /** The platform has no lockfile to audit, and why: deps.advisories then fails with this reason until a waiver in kpis.yaml accepts it. */
    none: z.string().trim().min(1, 'a reason (e.g. "static site, no third-party code")').optional(),
    source: AdvisorySource.default({
      kind: 'osv-api',
      url: DEPS_DEFAULTS.osvApiUrl,
      timeoutMs: DEPS_DEFAULTS.osvApiTimeoutMs,
    }),
    ignore: z.array(IgnoreEntry).default([]),
    /** How an advisory without any severity (no CVSS, no database rating) counts: high by default, so an unrated advisory blocks until judged. */
    unratedAs: z.enum(['critical', 'high', 'medium', 'low']).default('high'),
    /** The whole dependency audit (reading lockfiles, fetching advisories) must end within this; past it deps.advisories is an error. */
    timeoutS: z.number().int().positive().default(DEPS_DEFAULTS.timeoutS),
  })
  .strict()
  .refine((d) => !(d.none && d.lockfiles?.length), {
    path: ['none'],
    message: 'declares that there is no lockfile, but security.deps.lockfiles lists some: keep one of the two',
  });

/** The security suite's part of gonogo.config.ts: pages, TLS endpoint, lockfiles, advisory source. */
export const SecurityConfig = z
  .object({
    headers: HeadersConfig.default(HeadersConfig.parse({})),
    tls: TlsConfig.default(TlsConfig.parse({})),
    deps: DepsConfig.default(DepsConfig.parse({})),
  })
  .strict();
export type SecurityConfig = z.infer<typeof SecurityConfig>;
export type SecurityConfigInput = z.input<typeof SecurityConfig>;
