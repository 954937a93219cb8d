/**
 * Schemathesis as bench/schemathesis.ts runs it, on a copy of the dialect's OpenAPI document that carries one valid
 * request body for a create operation: without one, its generated orders are all refused (422) and its
 * object-level check has no object to replay. Prints the run as JSON.
 *
 *   D=marketplace F=orders-readable-by-anyone CREATE_PATH=/api/orders EXAMPLE='{...}' \
 *     SCHEMATHESIS_BIN=st npx tsx bench/side-by-side/with-example.ts
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleConfig, signedInHeaders, startPlatform } from './platform.ts';
import { runSchemathesis } from './tools.ts';

const dialect = process.env.D ?? 'marketplace';
const flaws = (process.env.F ?? '').split(',').filter(Boolean);
const example = process.env.EXAMPLE ? JSON.parse(process.env.EXAMPLE) : undefined;
const createPath = process.env.CREATE_PATH ?? '';
const p = await startPlatform(dialect, flaws, Number(process.env.BENCH_ST_LIMIT_WINDOW_S ?? 3));
try {
  const doc = JSON.parse(readFileSync(p.info.openapiFile, 'utf8'));
  if (example) doc.paths[createPath].post.requestBody.content['application/json'].example = example;
  const file = join(mkdtempSync(join(tmpdir(), 'gonogo-bench-st-doc-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(doc));
  const config = await exampleConfig(dialect, p);
  const identities = await signedInHeaders(config, p);
  const logout = config.smoke.logout?.path;
  const run = await runSchemathesis({ ...p, info: { ...p.info, openapiFile: file } }, identities, {
    bin: process.env.SCHEMATHESIS_BIN ?? 'st',
    maxExamples: Number(process.env.BENCH_ST_MAX_EXAMPLES ?? 10),
    seed: Number(process.env.BENCH_ST_SEED ?? 1),
    timeCapS: 300,
    requestCap: 10000,
    excludePaths: logout ? [logout] : [],
  });
  console.log(JSON.stringify(run, null, 2));
} finally {
  await p.stop();
}
