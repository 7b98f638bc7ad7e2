/**
 * The frame every page of ours shares, as one string: the Content-Security-Policy that forbids
 * every fetch (so "works offline" is a property of the page, not a hope), the inlined chart library
 * with its styles and licence, the report's stylesheet, the page's data as JSON and its script.
 * A page gives its markup; the frame puts the rest around it.
 */
import { escapeHtml, htmlComment, inlineScript, inlineStyle, jsonForScript } from './escape';
import { REPORT_CSS } from './styles';

/** The charting library as read from node_modules. */
export interface ChartLibrary {
  name: string;
  version: string;
  script: string;
  css: string;
  license: string;
}

export const PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export interface PageFrame {
  readonly title: string;
  /** Styles of this page, after the report's. */
  readonly css: string;
  /** The inner HTML of <header>, <main> and <footer>. */
  readonly header: string;
  readonly main: string;
  readonly footer: string;
  /** The id of the JSON element the script reads, and what it holds. */
  readonly dataId: string;
  readonly data: unknown;
  readonly script: string;
  readonly library: ChartLibrary;
  /** The page's Content-Security-Policy (default PAGE_CSP: nothing fetched at all). */
  readonly csp?: string;
}

/** A key figure: a large value over its label (`bad`, `warn` colour the value). */
export function figure(label: string, value: string, className = ''): string {
  return `<div class="figure${className ? ` ${className}` : ''}"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`;
}

/** A chart's box: title, note, the element the page's script draws into, and what follows it. */
export function chartSection(chart: { readonly id: string; readonly title: string; readonly note: string }, after = ''): string {
  return `<section class="chart" id="${escapeHtml(chart.id)}">
<h3>${escapeHtml(chart.title)}</h3>
<p class="note">${escapeHtml(chart.note)}</p>
<div class="plot" data-chart="${escapeHtml(chart.id)}"></div>
${after}</section>`;
}

export function renderFrame(page: PageFrame): string {
  const { library } = page;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(page.csp ?? PAGE_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${inlineStyle(library.css, library.name)}</style>
<style>${REPORT_CSS}${page.css}</style>
</head>
<body>
<header>
${page.header}
</header>
<main>
${page.main}
</main>
<footer>
${page.footer}
</footer>
${htmlComment(`${library.name} ${library.version}\n${library.license}`)}
<script type="application/json" id="${escapeHtml(page.dataId)}">${jsonForScript(page.data)}</script>
<script>${inlineScript(library.script, library.name)}</script>
<script>${page.script}</script>
</body>
</html>
`;
}
