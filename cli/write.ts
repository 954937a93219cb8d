import { join } from 'node:path';
import { writeAtomic, serializeReport } from '../reports/io.ts';
import { fileRenderers } from '../reports/render/index.ts';
import type { Report } from '../reports/schema.ts';

/**
 * report.json first (validated against the schema, atomically), then every other format; a renderer
 * that throws is reported and the others still get written.
 */
export async function writeReportFiles(outDir: string, report: Report, warn: (m: string) => void): Promise<string[]> {
  const written: string[] = [];
  await writeAtomic(join(outDir, 'report.json'), serializeReport(report));
  written.push('report.json');
  for (const [file, render] of Object.entries(fileRenderers)) {
    if (file === 'report.json') continue;
    try {
      await writeAtomic(join(outDir, file), render(report));
      written.push(file);
    } catch (e) {
      warn(`could not write ${file}: ${(e as Error).message}`);
    }
  }
  return written;
}
