import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { openApiDocument } from './openapi.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { generateCerts } from './certs.ts';
import { USER_RATE_LIMIT_ENV, userRateLimitFrom } from './user-rate-limit.ts';
import { ACCESS_TTL_ENV, LOGIN_RATE_LIMIT_ENV, accessTtlFrom, loginRateLimitFrom } from './login-knobs.ts';

export { USER_RATE_LIMIT_ENV } from './user-rate-limit.ts';
export { ACCESS_TTL_ENV, LOGIN_RATE_LIMIT_ENV } from './login-knobs.ts';
import type { AppContext, UserRateLimit } from './context.ts';
import { insertUser, openDatabase, type Db } from './db.ts';
import { FlawSet, assertFlawsFitDialect } from './flaws.ts';
import { dialectByName } from './dialects.ts';
import { CsrfTokens } from './csrf.ts';
import { UsageError } from '../core/errors.ts';
import { Mailer } from './mailer.ts';
import { hashPassword } from './passwords.ts';
import { HOME_HTML } from './routes/pages.ts';
import { buildApp } from './server.ts';
import { TokenService } from './tokens.ts';
import type { ReferenceAccount, ReferenceInfo } from '../core/reference.ts';
import { packageFile } from '../core/files.ts';

export type { ReferenceInfo, ReferenceAccount } from '../core/reference.ts';
export { FLAWS, parseFlaws } from './flaws.ts';

export interface StartReferenceOptions {
  flaws?: string[];
  /** Which way of building the marketplace to serve (reference-app/dialects.ts); default marketplace. */
  dialect?: string;
  smtp: { host: string; port: number };
  host?: string;
  port?: number;
  httpPort?: number;
  unlimitedAddresses?: string[];
  /** The one address whose X-Forwarded-For is trusted (a reverse proxy in front of the app). */
  trustedProxy?: string;
  /**
   * Testing only: limit each signed-in user to `max` API requests per `windowMs`, from every address, the
   * allowlisted load generator's included (as a platform that throttles per user does). Also read from
   * GONOGO_REFERENCE_USER_RATE_LIMIT="MAX/WINDOW_MS", so it reaches the platform's child process.
   */
  userRateLimit?: UserRateLimit;
  /**
   * Testing only: the window, in seconds, of the API and login limits (60 by default, as the platform documents
   * them: 100 a minute, login 10 or 60 a minute). The limits keep their sizes; a short window makes the announced
   * Retry-After waits short. Also read from GONOGO_REFERENCE_LIMIT_WINDOW_S, so it reaches the platform's child
   * process; the example configs read GONOGO_RATELIMIT_WINDOW_S (set by exampleEnv) so they document the same rate.
   */
  limitWindowS?: number;
  env?: NodeJS.ProcessEnv;
}

const TLS12_AEAD = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305';
// TLS 1.0/1.1 have no AEAD suites, and OpenSSL 3 refuses those versions above security level 0.
const LEGACY_CBC = 'ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:@SECLEVEL=0';
const SEEDED: Array<{ role: ReferenceAccount['role']; email: string; name: string }> = [
  { role: 'client', email: 'client.one@reference.local', name: 'Client One' },
  { role: 'client', email: 'client.two@reference.local', name: 'Client Two' },
  { role: 'manufacturer', email: 'maker@reference.local', name: 'Precision Parts Ltd' },
  { role: 'admin', email: 'admin@reference.local', name: 'Platform Admin' },
];
// Both use the fifth of gonogo's five most common default passwords: the last one its default budget promises to reach.
export const DEMO_ACCOUNT = { email: 'client@demo.com', password: 'demo' };
/** The seed script's sample accounts (development data); the example configs list them in smoke.demoAccounts. */
export const SAMPLE_ACCOUNTS = ['sample.client@reference.local', 'sample.maker@reference.local'] as const;
export const SEED_ACCOUNT = { email: SAMPLE_ACCOUNTS[0], password: 'demo' };

/** Absolute path of the offline OSV directory shipped with gonogo's security suite. */
export const OSV_DEMO_DIR = packageFile('security/deps/osv-demo');
const FIXTURES = pathToFileURL(packageFile('reference-app/fixtures/'));

function secret(value: string | undefined, make: () => string): string {
  return value && value.length > 0 ? value : make();
}

export const LIMIT_WINDOW_ENV = 'GONOGO_REFERENCE_LIMIT_WINDOW_S';
/** Retry-After is whole seconds: below this a window cannot be told apart from the clock's and the network's edges. */
export const MIN_LIMIT_WINDOW_S = 3;
export const DEFAULT_LIMIT_WINDOW_S = 60;

function limitWindowFrom(value: number | string | undefined, where: string): number {
  if (value === undefined || value === '') return DEFAULT_LIMIT_WINDOW_S;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < MIN_LIMIT_WINDOW_S)
    throw new UsageError(
      `${where} must be a whole number of seconds, at least ${MIN_LIMIT_WINDOW_S} (received: ${value})`,
    );
  return n;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts the bundled reference platform on loopback; `stop()` closes every server and removes its files. */
export async function startReference(opts: StartReferenceOptions): Promise<ReferenceInfo> {
  const flaws = new FlawSet(opts.flaws ?? []);
  const dialect = dialectByName(opts.dialect);
  assertFlawsFitDialect(flaws.list(), dialect.name);
  const env = opts.env ?? process.env;
  const host = opts.host ?? '127.0.0.1';
  const unlimitedAddresses = opts.unlimitedAddresses ?? ['127.0.0.2'];
  const userRateLimit = opts.userRateLimit ?? userRateLimitFrom(env[USER_RATE_LIMIT_ENV]);
  const limitWindowS =
    opts.limitWindowS !== undefined
      ? limitWindowFrom(opts.limitWindowS, 'limitWindowS')
      : limitWindowFrom(env[LIMIT_WINDOW_ENV], LIMIT_WINDOW_ENV);
  const loginRateLimit = loginRateLimitFrom(env[LOGIN_RATE_LIMIT_ENV]);
  const accessTtlS = accessTtlFrom(env[ACCESS_TTL_ENV]);
  const password = secret(env.GONOGO_REFERENCE_PASSWORD, () => `${randomBytes(12).toString('base64url')}Aa1!`);
  const jwtSecret = flaws.has('weak-jwt-secret')
    ? 'secret'
    : secret(env.GONOGO_REFERENCE_JWT_SECRET, () => randomBytes(32).toString('base64url'));
  const webhookSecret = secret(
    env.GONOGO_REFERENCE_WEBHOOK_SECRET,
    () => `whsec_${randomBytes(24).toString('base64url')}`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'gonogo-reference-'));
  let db: Db | undefined;
  let app: FastifyInstance | undefined;
  let mailer: Mailer | undefined;
  let plain: Server | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (plain?.listening) {
      plain.closeAllConnections();
      await new Promise<void>((r) => plain!.close(() => r()));
    }
    await app?.close();
    mailer?.close();
    db?.close();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    // Key generation and password hashing both run off the event loop, so they overlap.
    // One hash for the seeded accounts (they share one password by design) keeps the start well under 2 s.
    const [certs, seededHash, demoHash] = await Promise.all([
      generateCerts({
        validDays: flaws.has('cert-expiring') ? 5 : 90,
        ...(flaws.has('cert-weak-key') ? { leafBits: 1024 } : {}),
      }),
      hashPassword(password),
      flaws.has('demo-account') || flaws.has('seed-account-live')
        ? hashPassword(DEMO_ACCOUNT.password)
        : Promise.resolve(''),
    ]);
    // Any valid hash serves as the dummy for unknown users: only its cost matters.
    const dummyHash = seededHash;
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, certs.caPem, { mode: 0o600 });

    db = openDatabase(join(dir, 'reference.sqlite'));
    const seeded = db;
    const accounts: ReferenceAccount[] = SEEDED.map((s) => ({
      role: s.role,
      email: s.email,
      password,
      id: insertUser(seeded, {
        email: s.email,
        passwordHash: seededHash,
        fullName: s.name,
        role: s.role,
        verified: true,
      }),
    }));
    if (flaws.has('demo-account'))
      insertUser(seeded, {
        email: DEMO_ACCOUNT.email,
        passwordHash: demoHash,
        fullName: 'Demo Client',
        role: 'client',
        verified: true,
      });
    // One hash serves both: the two flaws share the password.
    if (flaws.has('seed-account-live'))
      insertUser(seeded, {
        email: SEED_ACCOUNT.email,
        passwordHash: demoHash,
        fullName: 'Sample Client',
        role: 'client',
        verified: true,
      });

    const mailDir = dialect.mail === 'file' ? join(dir, 'mail') : undefined;
    if (mailDir) await mkdir(mailDir, { recursive: true, mode: 0o700 });
    mailer = new Mailer(mailDir ? { kind: 'file', dir: mailDir } : { kind: 'smtp', ...opts.smtp });
    let port = 0;
    const baseUrl = () => `https://${host}:${port}`;
    const ctx: AppContext = {
      db: seeded,
      dialect,
      flaws,
      mailer,
      webhookSecret,
      unlimitedAddresses,
      userRateLimit,
      limitWindowMs: limitWindowS * 1000,
      loginRateLimit,
      dummyHash,
      tokens: new TokenService(seeded, jwtSecret, flaws, dialect, accessTtlS),
      csrf: new CsrfTokens(),
      baseUrl,
      allowedOrigins: () => [baseUrl(), `https://localhost:${port}`],
    };
    const legacy = flaws.has('tls-legacy');
    const ciphers = [TLS12_AEAD, flaws.has('weak-cipher') ? 'AES128-SHA' : '', legacy ? LEGACY_CBC : '']
      .filter(Boolean)
      .join(':');
    const trustProxy = flaws.has('xff-trusted') ? true : (opts.trustedProxy ?? false);
    app = await buildApp(
      ctx,
      { key: certs.keyPem, cert: certs.certPem, minVersion: legacy ? 'TLSv1' : 'TLSv1.2', ciphers },
      trustProxy,
    );
    await app.listen({ host, port: opts.port ?? 0 });
    port = (app.server.address() as AddressInfo).port;

    const sameHosts = new Set([host, '127.0.0.1', 'localhost']);
    plain = createServer((req, res) => {
      if (flaws.has('no-https-redirect')) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(HOME_HTML);
        return;
      }
      // Redirect to the same host the client asked for (when it is ours), never to a host taken blindly from the request.
      const asked = (req.headers.host ?? '').replace(/:\d+$/, '');
      const target = sameHosts.has(asked) ? asked : host;
      res.writeHead(301, { Location: `https://${target}:${port}${req.url ?? '/'}` }).end();
    });
    const httpPort = await listen(plain, opts.httpPort ?? 0, host);

    // The document the team keeps in its repository (served publicly only with docs-exposed): the smoke suite sweeps it.
    const openapiFile = join(dir, 'openapi.json');
    await writeFile(openapiFile, JSON.stringify(openApiDocument(baseUrl(), dialect), null, 2));
    const lockfile = fileURLToPath(
      new URL(
        flaws.has('vulnerable-dependency') ? 'vulnerable/package-lock.json' : 'clean/package-lock.json',
        FIXTURES,
      ),
    );
    return {
      baseUrl: baseUrl(),
      httpUrl: `http://${host}:${httpPort}`,
      host,
      port,
      httpPort,
      caFile,
      accounts,
      jwtSecret,
      webhookSecret,
      flaws: flaws.list(),
      dialect: dialect.name,
      ...(mailDir ? { mailDir } : {}),
      lockfile,
      openapiFile,
      osvDb: OSV_DEMO_DIR,
      smtp: { ...opts.smtp },
      unlimitedAddresses,
      userRateLimit,
      limitWindowS,
      loginRateLimit,
      accessLifetimeS: ctx.tokens.accessLifetimeS,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
