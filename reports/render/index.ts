import type { Report } from '../../core/report-schema.ts';
import { renderMarkdown } from './markdown.ts';
import { renderJunit } from './junit.ts';
import { renderConsole } from './console.ts';
import { renderHtml } from '../html/report.ts';
import { renderSarif } from '../sarif.ts';

export type Renderer = (report: Report) => string;

/** File renderers by output file name; each is pure. A renderer that throws is reported, not fatal to the others. */
export const fileRenderers: Record<string, Renderer> = {
  'report.json': (r) => `${JSON.stringify(r, null, 2)}\n`,
  'report.md': renderMarkdown,
  'junit.xml': renderJunit,
  'report.html': renderHtml,
  'report.sarif': renderSarif,
};

export { renderMarkdown, renderJunit, renderConsole };
