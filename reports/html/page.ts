import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { visible } from '../render/visible.ts';

/** Shared pieces of gonogo's self-contained HTML pages: escaping, the stylesheet, the inlined uPlot bundle. */
export function esc(value: unknown): string {
  return visible(String(value ?? '')).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** JSON for a <script type="application/json"> block: "</" must not end the script element early. */
export function jsonScript(id: string, data: unknown): string {
  const json = JSON.stringify(data, (_k, v: unknown) => (typeof v === 'string' ? visible(v) : v));
  return `<script type="application/json" id="${esc(id)}">${json.replace(/</g, '\\u003c')}</script>`;
}

let uplot: { js: string; css: string } | null = null;

/** uPlot's browser bundle and stylesheet, read from the installed package so the page needs no network at view time. */
export function uplotAssets(): { js: string; css: string } {
  if (!uplot) {
    const require = createRequire(import.meta.url);
    const dir = require.resolve('uplot/package.json').replace(/package\.json$/, 'dist/');
    uplot = { js: readFileSync(`${dir}uPlot.iife.min.js`, 'utf8'), css: readFileSync(`${dir}uPlot.min.css`, 'utf8') };
  }
  return uplot;
}

const STYLE = `
:root { --go: #1a7f37; --nogo: #cf222e; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 24px; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
/* Long URLs, tokens and JSON wrap inside their own box: the page never scrolls sideways. */
td, th, li, p, div, summary, code { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
.scroll { max-width: 100%; overflow-x: auto; }
.banner { padding: 16px 20px; border-radius: 6px; color: #fff; margin-bottom: 16px; }
.banner.go { background: var(--go); } .banner.nogo { background: var(--nogo); }
.banner .decision { font-size: 28px; font-weight: 700; } .banner .incomplete { font-size: 18px; font-weight: 600; }
.banner ol, .banner ul { margin: 6px 0 0; padding-left: 22px; } .banner li { margin: 2px 0; }
.banner a { color: #fff; text-decoration: underline; } .banner code { color: inherit; }
.banner .reasons-title { font-weight: 700; margin-top: 10px; } .banner #notes { opacity: .9; } .banner .summary { margin-top: 10px; }
.warning { border-left: 4px solid var(--warn); background: #fff8c5; padding: 8px 12px; margin: 8px 0; }
.s-pass, .s-confirmed, .s-GO { color: var(--go); font-weight: 600; } .s-fail, .s-error, .s-contradicted, .s-NO-GO { color: var(--nogo); font-weight: 600; }
.s-warn, .s-skip, .s-not-measured, .s-waived, .s-unverified { color: var(--warn); font-weight: 600; } .s-open { color: var(--muted); }
.muted { color: var(--muted); } code, pre { font: 12px ui-monospace, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 2px 0; max-width: 100%; max-height: 20em; overflow: auto; background: #f6f8fa; padding: 4px 6px; }
details { margin: 2px 0; } .charts { display: flex; flex-wrap: wrap; gap: 16px; } .chart { min-width: 320px; max-width: 100%; }
details.check { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; padding: 0 10px; }
details.check > summary { cursor: pointer; padding: 6px 0; } details.check[open] > summary { border-bottom: 1px solid var(--line); }
.evidence { padding: 8px 0; } .badge { display: inline-block; min-width: 4.5em; }
ul.exchanges { list-style: none; padding: 0; margin: 6px 0; } .exchange { margin: 4px 0; } .count { font-weight: 700; }
.role { font-size: 11px; text-transform: uppercase; border: 1px solid; border-radius: 3px; padding: 0 4px; }
.role-control { color: var(--muted); } .role-probe { color: #0969da; }
`;

export function page(title: string, body: string, opts: { charts?: boolean; script?: string } = {}): string {
  const assets = opts.charts ? uplotAssets() : null;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // No network at view time: everything is inline, and the CSP forbids fetching anything.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}${assets ? assets.css : ''}</style>`,
    '</head><body>',
    body,
    assets ? `<script>${assets.js}</script>` : '',
    opts.script ? `<script>${opts.script}</script>` : '',
    '</body></html>',
  ].join('\n');
}
