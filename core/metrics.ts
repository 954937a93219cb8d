import type { SuiteName } from './report-schema.ts';

/**
 * Every metric a suite can measure. A KPI naming a metric outside this table is a
 * config error, never a silent pass (k6 issue 1526 is the cautionary tale).
 * The types follow k6: a trend has avg/min/med/max/p(N), a rate has `rate`,
 * a counter has `count` (and `rate` per second), a gauge has `value`/min/max.
 */
export type MetricType = 'trend' | 'rate' | 'counter' | 'gauge';

export interface MetricDef {
  suite: SuiteName;
  type: MetricType;
  unit: string;
  description: string;
  /** Tags (k6 submetric syntax `metric{tag:value}`) are accepted only on load metrics. */
  taggable?: boolean;
}

export const METRICS = {
  // load: k6 built-ins, produced by both engines under the same names
  http_req_duration: {
    suite: 'load',
    type: 'trend',
    unit: 'ms',
    description: 'request latency, every response',
    taggable: true,
  },
  http_req_failed: {
    suite: 'load',
    type: 'rate',
    unit: 'ratio',
    description: 'share of requests that failed (network error or status >= 400 unless expected)',
    taggable: true,
  },
  http_reqs: {
    suite: 'load',
    type: 'counter',
    unit: 'requests',
    description: 'requests sent (rate: per second)',
    taggable: true,
  },
  checks: {
    suite: 'load',
    type: 'rate',
    unit: 'ratio',
    description: 'share of journey checks that held',
    taggable: true,
  },
  iterations: { suite: 'load', type: 'counter', unit: 'iterations', description: 'journey iterations completed' },
  availability: {
    suite: 'load',
    type: 'rate',
    unit: 'ratio',
    description: 'share of once-a-second health polls that answered 2xx during the load',
  },

  // smoke: values the protections were observed to enforce
  auth_access_token_lifetime_s: {
    suite: 'smoke',
    type: 'gauge',
    unit: 's',
    description: 'access token lifetime, exp - iat of a freshly issued token',
  },
  auth_lockout_attempts: {
    suite: 'smoke',
    type: 'gauge',
    unit: 'attempts',
    description: 'failed logins after which the account was locked',
  },
  auth_password_min_length: {
    suite: 'smoke',
    type: 'gauge',
    unit: 'chars',
    description: 'shortest password accepted at registration (policy-complete otherwise)',
  },
  ratelimit_api_limit: {
    suite: 'smoke',
    type: 'gauge',
    unit: 'requests/window',
    description: 'requests answered before the API limiter answered 429',
  },
  ratelimit_login_limit: {
    suite: 'smoke',
    type: 'gauge',
    unit: 'requests/window',
    description: 'login attempts answered before the login limiter answered 429',
  },
  email_delivery_s: {
    suite: 'smoke',
    type: 'gauge',
    unit: 's',
    description: 'time from registration to the verification mail in the mailbox',
  },
  health_latency_ms: { suite: 'smoke', type: 'trend', unit: 'ms', description: 'latency of the health routes' },

  // security
  headers_score: {
    suite: 'security',
    type: 'gauge',
    unit: 'points',
    description: 'HTTP Observatory-style score of the worst audited page (A- = 85)',
  },
  tls_cert_days_left: {
    suite: 'security',
    type: 'gauge',
    unit: 'days',
    description: 'days until the leaf certificate expires',
  },
  tls_weak_protocols: {
    suite: 'security',
    type: 'counter',
    unit: 'protocols',
    description: 'protocols below TLS 1.2 that the server accepts',
  },
  tls_weak_ciphers: {
    suite: 'security',
    type: 'counter',
    unit: 'suites',
    description: 'accepted cipher suites without forward secrecy or AEAD',
  },
  deps_vulns_critical: {
    suite: 'security',
    type: 'counter',
    unit: 'advisories',
    description: 'critical advisories matching a locked dependency',
  },
  deps_vulns_high: {
    suite: 'security',
    type: 'counter',
    unit: 'advisories',
    description: 'high advisories matching a locked dependency',
  },
} as const satisfies Record<string, MetricDef>;

export type MetricName = keyof typeof METRICS;

export function metricDef(name: string): MetricDef | undefined {
  return (METRICS as Record<string, MetricDef>)[name];
}
