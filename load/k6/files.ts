/** The names of k6's files in the load suite's folder (<out>/load), flat, each k6-*; docs/output.md lists them. */
export const K6_FILES = {
  plan: 'k6-plan.json',
  /** One summary, or one per shard when the run is split. */
  summary: (shard: number, shards: number): string => (shards > 1 ? `k6-summary-${shard}.json` : 'k6-summary.json'),
  caBundle: 'k6-ca-bundle.pem',
} as const;
