/**
 * Everything the report puts into its HTML goes through here: text through escapeHtml, data
 * through jsonForScript, the inlined library through inlineScript. Scenario names, group names,
 * targets and thresholds come from users' files and must never become markup.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>` and `&` become \u escapes, so
 * no string in the data can close the element or open a comment (`</script>`, `<!--`), and
 * U+2028/U+2029 are escaped for the few parsers that still treat them as line ends.
 * JSON.parse reads the escapes back to the same characters.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Script source for an inline `<script>` element. Rewriting a library's code to make it safe could
 * change what it does, so a source that contains what would end the element early (`</script`) or
 * switch the HTML parser into its escaped state (`<!--`) is refused instead.
 */
export function inlineScript(source: string, name: string): string {
  if (/<\/script|<!--/i.test(source)) {
    throw new Error(`${name} contains "</script" or "<!--" and cannot be inlined into the report`);
  }
  return source;
}

/** A stylesheet for an inline `<style>` element, refused if it holds `</style`. */
export function inlineStyle(source: string, name: string): string {
  if (/<\/style/i.test(source)) throw new Error(`${name} contains "</style" and cannot be inlined into the report`);
  return source;
}

/** Text for an HTML comment (a licence notice): `--` cannot appear inside a comment. */
export function htmlComment(text: string): string {
  return `<!--\n${text.replace(/--/g, '- -').replace(/>/g, '&gt;')}\n-->`;
}
