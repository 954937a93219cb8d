import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { z } from 'zod';
import { Report, SCHEMA_VERSION } from '../core/report-schema.ts';
import { packageFile } from '../core/files.ts';

export const REPORT_SCHEMA_FILE = packageFile('reports/report.schema.json');

/** JSON Schema of report.json, generated from the zod schema so the two cannot disagree. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Report, { target: 'draft-2020-12', io: 'output' }),
    $id: `https://gonogo.dev/schemas/report-v${SCHEMA_VERSION}.json`,
    title: `gonogo report, schemaVersion ${SCHEMA_VERSION}`,
  };
}

// `npm run schema` (tsx reports/json-schema.ts) rewrites the shipped file.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await writeFile(REPORT_SCHEMA_FILE, `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${REPORT_SCHEMA_FILE}`);
}
