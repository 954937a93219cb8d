/** The store's tables as Kysely sees them; migrations.ts creates them. Timestamps are ISO-8601 UTC text in both databases. */
export interface RunsTable {
  id: string;
  project: string;
  branch: string;
  commit_sha: string | null;
  label: string | null;
  started_at: string;
  finished_at: string;
  recorded_at: string;
  verdict: 'GO' | 'NO-GO';
  /** 1 when every selected suite ran (verdict.complete); an integer, which both databases store alike. */
  complete: number;
  engine: string | null;
  vus: number;
  duration: string;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  rps: number | null;
  error_rate: number | null;
  /** Sum of the suite's checks' durations; the load suite's is its load duration when it ran. */
  smoke_ms: number | null;
  security_ms: number | null;
  load_ms: number | null;
  /** Checks that failed or errored. */
  failing_checks: number;
  /** The whole report.json, validated against the report schema when written and when read. */
  report: string;
  report_bytes: number;
  /** targetKey of the report's baseUrl, and 1 when it tested the bundled reference platform: trend's like-for-like warnings. */
  target_key: string | null;
  reference: number | null;
}

export interface RunKpisTable {
  run_id: string;
  kpi_id: string;
  value: number | null;
  status: string;
  threshold: string;
}
export interface RunChecksTable {
  run_id: string;
  check_id: string;
  status: string;
  level: string;
  skip_kind: string | null;
}
export interface TokensTable {
  project: string;
  token_sha256: string;
  created_at: string;
}

export interface HistoryDb {
  runs: RunsTable;
  run_kpis: RunKpisTable;
  run_checks: RunChecksTable;
  tokens: TokensTable;
}
