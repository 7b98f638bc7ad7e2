import type { ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import { DURATION_HINT } from './file-schema-parts';
import { MAX_TIMER_WORDS } from './units';

/** A problem with a scenario, located: `file:line: field: what was expected, what was found`. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'ScenarioError';
  }
}

export type FieldPath = readonly (string | number)[];

/** Builds located errors for one file: the field's name and the line it is written on. */
export class Locator {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  error(path: FieldPath, detail: string): ScenarioError {
    return new ScenarioError(this.file, lineOf(this.doc, this.lines, path), fieldNameOf(path), detail);
  }

  line(path: FieldPath): number {
    return lineOf(this.doc, this.lines, path);
  }
}

/** `groups[1].sessions.arrival` from its path. */
export function fieldNameOf(path: FieldPath): string {
  let name = '';
  for (const key of path) name += typeof key === 'number' || /^\d+$/.test(key) ? `[${key}]` : name ? `.${key}` : key;
  return name;
}

/**
 * The line of the deepest part of `path` present in the file: a field's key (where it is written,
 * even when its value is a block on the next lines), a list item's first line.
 */
export function lineOf(doc: Document, lines: LineCounter, path: FieldPath): number {
  let node: unknown = doc.contents;
  let line = 1;
  const lineAt = (n: unknown): number | undefined => {
    const range = n !== null && typeof n === 'object' && 'range' in n ? (n as { range?: [number, number, number] }).range : undefined;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  line = lineAt(node) ?? line;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      line = lineAt(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)];
      if (item === undefined) break;
      line = lineAt(item) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/** The field an ajv error is about: for a missing or unknown field, that field. */
export function schemaErrorField(path: string[], error: ErrorObject): string {
  const name = fieldNameOf(path);
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return name ? `${name}.${missing}` : missing;
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return name ? `${name}.${extra}` : extra;
  }
  return name || '(top level)';
}

/** A value as the user wrote it, short enough for one line. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  object: 'a mapping of fields',
  array: 'a list',
  boolean: 'true or false',
};

/** What the schema expected, in words, and what it got. */
export function describeSchemaError(error: ErrorObject, got: unknown): string {
  const found = `got ${show(got)}`;
  const params = error.params as Record<string, unknown>;
  const parent = error.parentSchema as { description?: string; properties?: object } | undefined;
  const hint = parent?.description;
  const known = Object.keys(parent?.properties ?? {});
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties': {
      const extra = String(params['additionalProperty']);
      const near = known.find((k) => editDistance(k.toLowerCase(), extra.toLowerCase()) <= 2);
      return near ? `is not a known field; did you mean "${near}"?` : `is not a known field; expected one of ${known.join(', ')}`;
    }
    case 'minProperties':
      return `expected one of ${either(known)}, ${found}`;
    case 'maxProperties':
      return `expected only one of ${either(known)}, ${found}`;
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(' or ');
      // `ocpp: 1.6` is a number to YAML; say so rather than leave "got 1.6" looking right.
      return `expected ${allowed}, ${found}${typeof got === 'number' ? ' (a number: write it in quotes)' : ''}`;
    }
    case 'pattern':
    case 'anyOf':
      return `expected ${hint ?? DURATION_HINT}, ${found}`;
    case 'type': {
      const types = ([] as unknown[]).concat(params['type']).map(String);
      return `expected ${hint ?? types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}, ${found}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `expected a number ${String(params['comparison'])} ${String(params['limit'])}, ${found}`;
    case 'maxDurationMs':
      return `expected at most ${MAX_TIMER_WORDS}, ${found}`;
    case 'minItems':
      return hint ? `expected ${hint}, ${found}` : `expected at least ${String(params['limit'])} item(s), ${found}`;
    case 'maxItems':
      return hint ? `expected ${hint}, ${found}` : `expected at most ${String(params['limit'])} items, got ${Array.isArray(got) ? got.length : show(got)}`;
    case 'uniqueItems':
      return `expected each item once, ${found}`;
    case 'minLength':
      return `expected at least ${String(params['limit'])} character(s), ${found}`;
    case 'maxLength':
      return `expected at most ${String(params['limit'])} characters, ${found}`;
    default:
      return `${error.message ?? 'is invalid'}, ${found}`;
  }
}

/** `a, b or c`. */
function either(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** Levenshtein distance, for "did you mean" on a misspelt field. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = row;
  }
  return prev[b.length] as number;
}
