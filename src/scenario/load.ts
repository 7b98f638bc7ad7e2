import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { SCENARIO_FILE_SCHEMA, type RawGroup, type RawScenario, type RawThreshold } from './file-schema';
import type { GroupSpec, Scenario, ThresholdSpec } from './types';
import { formatDuration, parseDuration, parseRate } from './units';

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

// allowUnionTypes: durations are a string ("90s") or a number of seconds; strict mode refuses the
// union without it and the module would throw on import. verbose: errors carry their schema, so an
// unknown field can be answered with the known ones.
const validateFile = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, verbose: true }).compile<RawScenario>(
  SCENARIO_FILE_SCHEMA,
);

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).message.split(',')[0] ?? 'error';
    throw new ScenarioError(path, undefined, '', `cannot read the file (${reason})`);
  }
  return parseScenario(text, path);
}

export function parseScenario(text: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lines.linePos(syntax.pos[0]).line;
    throw new ScenarioError(file, line, '', `not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  if (doc.contents === null) throw new ScenarioError(file, 1, '(top level)', 'expected a scenario with a "groups" list, got an empty file');
  const raw: unknown = doc.toJS();
  if (!validateFile(raw)) {
    // The last error is the one that failed: an anyOf lists its branches' errors before its own.
    const errors = validateFile.errors as ErrorObject[];
    const error = errors[errors.length - 1] as ErrorObject;
    const path = error.instancePath.split('/').slice(1);
    const extra = error.keyword === 'additionalProperties' ? [(error.params as { additionalProperty: string }).additionalProperty] : [];
    throw new ScenarioError(file, lineOf(doc, lines, [...path, ...extra]), fieldName(path, error), describe(error, valueAt(raw, path)));
  }
  const defaultName = basename(file, extname(file));
  return resolve(raw, file, defaultName, doc, lines);
}

function valueAt(root: unknown, path: string[]): unknown {
  let v: unknown = root;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/**
 * The line of the deepest part of `path` present in the file: a field's key (where it is written,
 * even when its value is a block on the next lines), a list item's first line.
 */
function lineOf(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number {
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

function fieldName(path: string[], error: ErrorObject): string {
  let name = '';
  for (const key of path) name += /^\d+$/.test(key) ? `[${key}]` : name ? `.${key}` : key;
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
function show(value: unknown): string {
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

function describe(error: ErrorObject, got: unknown): string {
  const found = `got ${show(got)}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const extra = String(params['additionalProperty']);
      const near = known.find((k) => editDistance(k.toLowerCase(), extra.toLowerCase()) <= 2);
      return near ? `is not a known field; did you mean "${near}"?` : `is not a known field; expected one of ${known.join(', ')}`;
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(' or ');
      // `ocpp: 1.6` is a number to YAML; say so rather than leave "got 1.6" looking right.
      return `expected ${allowed}, ${found}${typeof got === 'number' ? ' (a number: write it in quotes)' : ''}`;
    }
    case 'pattern':
      return `expected ${patternHint(error.schemaPath)}, ${found}`;
    case 'anyOf':
      return `expected a rate such as "200/s" or "all", ${found}`;
    case 'type': {
      const types = ([] as unknown[]).concat(params['type']).map(String);
      const expected = types.includes('string') && types.includes('number') ? DURATION_HINT : types.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
      return `expected ${expected}, ${found}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `expected a number ${String(params['comparison'])} ${String(params['limit'])}, ${found}`;
    case 'minItems':
      return `expected at least ${String(params['limit'])} item(s), ${found}`;
    case 'maxItems':
      return `expected at most ${String(params['limit'])} items, got ${Array.isArray(got) ? got.length : show(got)}`;
    case 'minLength':
      return `expected at least ${String(params['limit'])} character(s), ${found}`;
    case 'maxLength':
      return `expected at most ${String(params['limit'])} characters, ${found}`;
    default:
      return `${error.message ?? 'is invalid'}, ${found}`;
  }
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

const DURATION_HINT = 'a duration such as "250ms", "90s", "10m" or "1h"';

function patternHint(schemaPath: string): string {
  if (schemaPath.includes('name')) return 'letters, digits, ".", "_" or "-"';
  return DURATION_HINT;
}

function ms(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : (parseDuration(value) as number);
}

function resolve(raw: RawScenario, file: string, defaultName: string, doc: Document, lines: LineCounter): Scenario {
  const names = new Map<string, number>();
  const groups = raw.groups.map((g, i) => {
    const at = (field: string, detail: string): ScenarioError =>
      new ScenarioError(file, lineOf(doc, lines, ['groups', i, ...field.split('.')]), `groups[${i}].${field}`, detail);
    const first = names.get(g.name);
    if (first !== undefined) throw at('name', `expected a name no other group uses, got ${show(g.name)} (also groups[${first}].name)`);
    names.set(g.name, i);
    const group = resolveGroup(g);
    // Schema patterns let "0/s" through; parseRate refuses it (a zero rate never connects anyone).
    if (!(group.rampPerSec > 0)) throw at('ramp', `expected a rate above 0 such as "200/s" or "all", got ${show(g.ramp)}`);
    const { minMs, maxMs } = group.reconnect;
    if (minMs > maxMs) {
      // Blame the bound the file sets; when both are written, the minimum.
      if (g.reconnect?.min === undefined) throw at('reconnect.max', `expected at least reconnect.min (${formatDuration(minMs)}, the default), got ${show(g.reconnect?.max)}`);
      const max = g.reconnect.max === undefined ? `${formatDuration(maxMs)}, the default` : formatDuration(maxMs);
      throw at('reconnect.min', `expected at most reconnect.max (${max}), got ${show(g.reconnect.min)}`);
    }
    if (group.sessions.meterIntervalMs < 100) throw at('sessions.meterInterval', `expected at least 100ms, got ${show(g.sessions?.meterInterval)}`);
    if (group.sessions.durationMs <= 0) throw at('sessions.duration', `expected more than 0s, got ${show(g.sessions?.duration)}`);
    if (group.pingTimeoutMs !== undefined && group.pingTimeoutMs < 100) {
      throw at('pingTimeout', `expected at least 100ms, got ${show(g.pingTimeout)}`);
    }
    if (group.heartbeatIntervalMs !== undefined && group.heartbeatIntervalMs < 1000) {
      throw at('heartbeatInterval', `expected at least 1s, got ${show(g.heartbeatInterval)}`);
    }
    if (!/\{index(:0\d+)?\}/.test(group.identity)) {
      throw at('identity', `expected a pattern with {index} or {index:0N} such as "ACME-{index:05}", got ${show(g.identity)}`);
    }
    return group;
  });
  return Object.freeze({
    name: raw.name ?? defaultName,
    description: raw.description ?? '',
    source: file,
    durationMs: ms(raw.duration, 60_000),
    seed: raw.seed ?? 1,
    callTimeoutMs: ms(raw.callTimeout, 30_000),
    gracefulStopMs: ms(raw.gracefulStop, 10_000),
    groups: Object.freeze(groups),
    thresholds: Object.freeze((raw.thresholds ?? []).map((t, i) => resolveThreshold(t, i, file, doc, lines))),
  });
}

function resolveThreshold(t: RawThreshold, i: number, file: string, doc: Document, lines: LineCounter): ThresholdSpec {
  const field = `thresholds[${i}]`;
  const line = lineOf(doc, lines, ['thresholds', i]);
  if (typeof t === 'string') return Object.freeze({ text: t, abortOnFail: false, abortGracePeriodMs: undefined, field, line });
  // A grace period with nothing to abort is a misunderstanding worth saying, not a silent no-op.
  if (t.abortGracePeriod !== undefined && t.abortOnFail !== true) {
    throw new ScenarioError(file, lineOf(doc, lines, ['thresholds', i, 'abortGracePeriod']), `${field}.abortGracePeriod`, 'has no effect without "abortOnFail: true"');
  }
  return Object.freeze({
    text: t.threshold,
    abortOnFail: t.abortOnFail === true,
    abortGracePeriodMs: t.abortGracePeriod === undefined ? undefined : ms(t.abortGracePeriod, 0),
    field,
    line,
  });
}

function resolveGroup(g: RawGroup): GroupSpec {
  const ramp = g.ramp === undefined ? 200 : g.ramp === 'all' ? Infinity : (parseRate(g.ramp) as number);
  const s = g.sessions ?? {};
  return Object.freeze({
    name: g.name,
    count: g.count,
    ocpp: g.ocpp,
    connectors: g.connectors ?? 1,
    identity: g.identity ?? `${g.name}-{index:05}`,
    vendor: g.vendor ?? 'ocpp-fleet',
    model: g.model ?? (g.ocpp === '1.6' ? 'VirtualCP-16' : 'VirtualCS-201'),
    firmware: g.firmware ?? '0.1.0',
    startAtMs: ms(g.startAt, 0),
    rampPerSec: ramp,
    heartbeatIntervalMs: g.heartbeatInterval === undefined ? undefined : ms(g.heartbeatInterval, 0),
    pingIntervalMs: g.pingInterval === undefined ? undefined : ms(g.pingInterval, 0),
    pingTimeoutMs: g.pingTimeout === undefined ? undefined : ms(g.pingTimeout, 0),
    maxFrameBytes: g.maxFrameSize,
    reconnect: Object.freeze({
      minMs: ms(g.reconnect?.min, 1000),
      maxMs: ms(g.reconnect?.max, 30_000),
      jitter: g.reconnect?.jitter ?? 0.5,
    }),
    sessions: Object.freeze({
      meanIdleMs: ms(s.idle, 60_000),
      durationMs: ms(s.duration, 30 * 60_000),
      meterIntervalMs: ms(s.meterInterval, 60_000),
      powerW: (s.powerKw ?? 11) * 1000,
      invalidTagShare: s.invalidTagShare ?? 0,
    }),
  });
}
