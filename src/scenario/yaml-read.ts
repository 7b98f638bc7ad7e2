import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, Parser, YAMLParseError, type CST, type Document, type LineCounter, type Node } from 'yaml';
import { ScenarioError } from './load-errors';

/**
 * A scenario's YAML, read with bounds that hold while it is parsed, not after: nesting depth and
 * the number of groups are watched token by token (the parse stops at the first token past a
 * bound), and aliases may not expand the document beyond a node budget (an alias bomb). With the
 * file's size capped before it is read (input-file.ts), loading a scenario takes a bounded time
 * whatever the file holds.
 */

/** Most groups a scenario holds (the schema says the same; here it is enforced while parsing). */
export const MAX_GROUPS = 4095;
/** Deepest nesting of mappings and lists: a scenario needs ~10, a script's `send` payload a few more. */
export const MAX_NESTING = 64;
/** Most nodes the document may have once its aliases are expanded (4,095 groups derived from one anchor need ~200,000). */
export const MAX_EXPANDED_NODES = 1_000_000;

interface StackToken {
  readonly type: string;
  readonly items?: readonly { readonly key?: unknown }[];
}

/** The number of items of the top-level `groups` list while the parser is inside it, else undefined. */
function groupsSoFar(stack: readonly StackToken[]): number | undefined {
  const top = stack[1];
  if (top === undefined || (top.type !== 'block-map' && top.type !== 'flow-collection')) return undefined;
  const key = top.items?.[top.items.length - 1]?.key;
  if (key === null || typeof key !== 'object' || (key as { source?: unknown }).source !== 'groups') return undefined;
  const list = stack[2];
  if (list === undefined || (list.type !== 'block-seq' && list.type !== 'flow-collection')) return undefined;
  return list.items?.length;
}

/**
 * The first YAML document of `text`, as `parseDocument` would give it (merge keys on, errors in
 * `doc.errors`), or a ScenarioError at the token where a bound was crossed. Lexer, parser and
 * composer are chained by hand (as yaml's own Parser documentation shows) so that the parser's
 * stack can be looked at between tokens.
 */
export function parseYaml(text: string, file: string, lines: LineCounter): Document.Parsed {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const stack = parser.stack as unknown as StackToken[];
  const stop = (offset: number, field: string, detail: string): ScenarioError =>
    new ScenarioError(file, lines.linePos(offset).line, field, `${detail} (the file is not read further)`);
  function* tokens(): Generator<CST.Token, void> {
    for (const lexeme of new Lexer().lex(text)) {
      const offset = parser.offset;
      yield* parser.next(lexeme);
      if (stack.length > MAX_NESTING) throw stop(offset, '', `expected at most ${MAX_NESTING} levels of nesting, got more`);
      if (lexeme === '-' || lexeme === ',' || lexeme === '[') {
        const groups = groupsSoFar(stack);
        if (groups !== undefined && groups > MAX_GROUPS) throw stop(offset, `groups[${MAX_GROUPS}]`, `expected at most ${MAX_GROUPS} groups, got more`);
      }
    }
    yield* parser.end();
  }
  const composer = new Composer({ merge: true, prettyErrors: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens(), true, text.length)) {
    if (doc === undefined) {
      doc = next;
      continue;
    }
    // As parseDocument does: a second document is an error of the first (in words a user reads).
    doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'expected one document, got a second one (after "---")'));
    break;
  }
  return doc as Document.Parsed;
}

/**
 * Refuses aliases that expand the document beyond MAX_EXPANDED_NODES nodes (`a: &a [x, x, …]`,
 * `b: &b [*a, *a, …]`, …: a few lines that become millions of values), or that name the node they
 * are in (a cycle), at the line of the alias that crossed the bound. Sizes are counted once per
 * anchor, so the check costs the document's own size.
 */
export function checkAliases(doc: Document.Parsed, file: string, lines: LineCounter): void {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const busy = new Set<Node>();
  const lineOf = (node: Node): number => lines.linePos(node.range?.[0] ?? 0).line;
  let total = 0;
  /** Nodes under `node` once expanded; while walking the document (`count`), each alias is checked where it is. */
  const size = (node: unknown, count: boolean): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) throw new ScenarioError(file, lineOf(node), '', `not valid YAML: the alias *${node.source} names no anchor (&${node.source}) before it`);
      if (busy.has(target)) throw new ScenarioError(file, lineOf(node), '', `not accepted: the alias *${node.source} is inside the node it names (a cycle)`);
      let n = sizes.get(target);
      if (n === undefined) {
        busy.add(target);
        n = size(target, false);
        busy.delete(target);
        sizes.set(target, n);
      }
      if (count) {
        total += n;
        if (total > MAX_EXPANDED_NODES) {
          throw new ScenarioError(
            file,
            lineOf(node),
            '',
            `not accepted: with the alias *${node.source} the document's aliases expand it beyond ${MAX_EXPANDED_NODES.toLocaleString('en-US')} values (an alias bomb?)`,
          );
        }
      }
      return n;
    }
    if (count && node !== null && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string') anchors.set(node.anchor, node as Node);
    if (count) total += 1;
    if (isPair(node)) return size(node.key, count) + size(node.value, count);
    if (isMap(node) || isSeq(node)) {
      let n = 1;
      for (const item of node.items as unknown[]) n += size(item, count);
      return n;
    }
    return isScalar(node) ? 1 : 0;
  };
  size(doc.contents, true);
}
