/** What a running reference app tells the harness: where it is and how to drive it. */
export interface ReferenceAccount {
  role: 'client' | 'manufacturer' | 'admin';
  email: string;
  password: string;
  id: number;
}

export interface ReferenceInfo {
  /** https://127.0.0.1:PORT */
  baseUrl: string;
  /** http://127.0.0.1:PORT that redirects to https */
  httpUrl: string;
  host: string;
  port: number;
  httpPort: number;
  /** PEM file of the CA that signed the server certificate, for TLS checks and clients. */
  caFile: string;
  accounts: ReferenceAccount[];
  jwtSecret: string;
  /** The dialect the platform speaks (routes, payloads, payment integration, limits, mail backend). */
  dialect: string;
  /** Folder the platform writes its mail to, for dialects with a file mail backend. */
  mailDir?: string;
  webhookSecret: string;
  flaws: string[];
  /** Lockfile the deps audit should read (a vulnerable entry appears with the matching flaw). */
  lockfile: string;
  /** The platform's private OpenAPI document (not served unless the docs-exposed flaw is on). */
  openapiFile: string;
  /** Offline OSV directory of real advisories used by the demo. */
  osvDb: string;
  /** SMTP sink the app delivers to, started by the harness. */
  smtp: { host: string; port: number };
  /** Source addresses exempt from rate limits (the load generator's, as teams allowlist theirs). */
  unlimitedAddresses: string[];
  /** The per-user API limit in force for every address (testing mode), or null. */
  userRateLimit: { max: number; windowMs: number } | null;
  /** The window of the API and login limits in seconds (60 unless shortened for tests). */
  limitWindowS: number;
  /** The login limit per address in force for every address (testing mode, GONOGO_REFERENCE_LOGIN_LIMIT), or null for the dialect's. */
  loginRateLimit: { max: number; windowMs: number } | null;
  /** Lifetime of the access tokens, in seconds. */
  accessLifetimeS: number;
  stop(): Promise<void>;
}
