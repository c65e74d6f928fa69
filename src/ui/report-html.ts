// The report's HTML page: one file that needs nothing else (no network: its content security policy allows no
// fetch, font or remote script). The data is the report's JSON in a script element; the page's script
// (assets/report/*.js) draws the views from it in the browser, with DOM nodes and text, never markup made
// of the data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KPLAY_ROOT } from '../core/package-root.js';
import type { ReportData } from './report-data.js';

const asset = (name: string): string => readFileSync(join(KPLAY_ROOT, 'assets', 'report', name), 'utf8');

/** The page's scripts, in the order they run (they share one object, window.kplayReport). */
const SCRIPTS = ['model.js', 'views.js', 'tables.js', 'main.js'];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON placed inside a script element: no `<` (so no `</script>` or `<!--`), no line separators. */
const scriptSafe = (json: string) =>
  json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'";

export function reportPage(json: string, d: ReportData): string {
  const title = `kplay ${d.check ? 'check ' : ''}run: ${d.playbook} (${d.started})`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${asset('report.css')}</style>`,
    '</head><body>',
    `<noscript><h1>${esc(title)}</h1><p>exit ${d.exitCode}. This page draws its views with JavaScript; the ` +
      'same data is in the JSON file beside it.</p></noscript>',
    '<div id="app"></div>',
    `<script id="report-data" type="application/json">${scriptSafe(json)}</script>`,
    ...SCRIPTS.map((f) => `<script>${asset(f)}</script>`),
    '</body></html>',
    '',
  ].join('\n');
}
