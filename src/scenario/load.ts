import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { SCENARIO_FILE_SCHEMA, type RawCsmsSettings, type RawScenario, type RawThreshold } from './file-schema';
import { describeSchemaError, lineOf, Locator, ScenarioError, schemaErrorField } from './load-errors';
import { resolveFaults } from './faults-resolve';
import { resolveHealthBlock } from './health-load';
import { resolveGroup } from './resolve-group';
import { parseTimeOfDay } from './resolve-sessions';
import { resolveScripts, type PayloadCheck } from './script-load';
import type { CsmsSettings, Scenario, ThresholdSpec } from './types';
import { parseDuration } from './units';

export { ScenarioError } from './load-errors';
export type { PayloadCheck } from './script-load';

/** What the caller hands the loader: checks that need layers the scenario layer does not import. */
export interface LoadOptions {
  /** Checks the payload of each script `send` step against the official schemas (see src/cli/load-scenario.ts). */
  readonly checkPayload?: PayloadCheck;
}

// allowUnionTypes: durations are a string ("90s") or a number of seconds; strict mode refuses the
// union without it and the module would throw on import. verbose: errors carry their schema, so an
// unknown field can be answered with the known ones and a bad value with the field's hint.
const validateFile = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, verbose: true }).compile<RawScenario>(
  SCENARIO_FILE_SCHEMA,
);

export function loadScenarioFile(path: string, options: LoadOptions = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).message.split(',')[0] ?? 'error';
    throw new ScenarioError(path, undefined, '', `cannot read the file (${reason})`);
  }
  return parseScenario(text, path, options);
}

export function parseScenario(text: string, file: string, options: LoadOptions = {}): Scenario {
  const lines = new LineCounter();
  // Merge keys (`<<: *step`) let groups share settings, as capacity-steps.yaml does.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lines.linePos(syntax.pos[0]).line;
    throw new ScenarioError(file, line, '', `not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  if (doc.contents === null) throw new ScenarioError(file, 1, '(top level)', 'expected a scenario with a "groups" list, got an empty file');
  const raw: unknown = doc.toJS();
  if (!validateFile(raw)) {
    // The last error is the one that failed: an anyOf lists its branches' errors before its own.
    // An if/then adds its own after the branch's, which says less than the branch's: skip it.
    const errors = (validateFile.errors as ErrorObject[]).filter((e) => e.keyword !== 'if');
    const error = errors[errors.length - 1] as ErrorObject;
    const path = error.instancePath.split('/').slice(1);
    const extra = error.keyword === 'additionalProperties' ? [(error.params as { additionalProperty: string }).additionalProperty] : [];
    throw new ScenarioError(file, lineOf(doc, lines, [...path, ...extra]), schemaErrorField(path, error), describeSchemaError(error, valueAt(raw, path)));
  }
  return resolve(raw, new Locator(file, doc, lines), basename(file, extname(file)), options);
}

function valueAt(root: unknown, path: string[]): unknown {
  let v: unknown = root;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function ms(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : (parseDuration(value) as number);
}

function resolve(raw: RawScenario, at: Locator, defaultName: string, options: LoadOptions): Scenario {
  const timeScale = raw.timeScale ?? 1;
  const context = { timeScale, scripts: resolveScripts(raw.scripts, at, timeScale), checkPayload: options.checkPayload };
  const names = new Map<string, number>();
  const groups = raw.groups.map((g, i) => {
    const first = names.get(g.name);
    if (first !== undefined) throw at.error(['groups', i, 'name'], `expected a name no other group uses, got ${JSON.stringify(g.name)} (also groups[${first}].name)`);
    names.set(g.name, i);
    return resolveGroup(g, ['groups', i], at, context);
  });
  return Object.freeze({
    name: raw.name ?? defaultName,
    description: raw.description ?? '',
    source: at.file,
    durationMs: ms(raw.duration, 60_000),
    seed: raw.seed ?? 1,
    callTimeoutMs: ms(raw.callTimeout, 30_000),
    gracefulStopMs: ms(raw.gracefulStop, 10_000),
    timeScale,
    startTimeOfDayMs: raw.startTimeOfDay === undefined ? 0 : parseTimeOfDay(raw.startTimeOfDay),
    groups: Object.freeze(groups),
    thresholds: Object.freeze((raw.thresholds ?? []).map((t, i) => resolveThreshold(t, i, at))),
    ...(raw.health === undefined ? {} : { health: resolveHealthBlock(raw.health, at) }),
    ...(raw.targets === undefined ? {} : { targets: Object.freeze(raw.targets.map((u, i) => resolveTarget(u, i, at))) }),
    ...(raw.csms === undefined ? {} : { csms: resolveCsmsSettings(raw.csms) }),
    faults: Object.freeze(resolveFaults(raw.faults, groups.map((g) => g.name), at)),
  });
}

/** A target URL: ws:// or wss://, no credentials (they belong in files the run reads, never in a URL). */
function resolveTarget(text: string, i: number, at: Locator): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  // The value is quoted back only without its user information: it may hold a password.
  const shown = JSON.stringify(text.replace(/\/\/[^/@]*@/, '//***@'));
  if (url === undefined || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
    throw at.error(['targets', i], `expected a ws:// or wss:// URL, got ${shown}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw at.error(['targets', i], 'must not carry credentials (give passwords with --password-env or --password-file)');
  }
  return text.replace(/\/+$/, '');
}

function resolveThreshold(t: RawThreshold, i: number, at: Locator): ThresholdSpec {
  const field = `thresholds[${i}]`;
  const line = at.line(['thresholds', i]);
  if (typeof t === 'string') return Object.freeze({ text: t, abortOnFail: false, abortGracePeriodMs: undefined, field, line });
  // A grace period with nothing to abort is a misunderstanding worth saying, not a silent no-op.
  if (t.abortGracePeriod !== undefined && t.abortOnFail !== true) {
    throw at.error(['thresholds', i, 'abortGracePeriod'], 'has no effect without "abortOnFail: true"');
  }
  return Object.freeze({
    text: t.threshold,
    abortOnFail: t.abortOnFail === true,
    abortGracePeriodMs: t.abortGracePeriod === undefined ? undefined : ms(t.abortGracePeriod, 0),
    field,
    line,
  });
}

function resolveCsmsSettings(raw: RawCsmsSettings): CsmsSettings {
  const opt = <K extends string>(key: K, value: number | undefined): { [P in K]?: number } =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
  return Object.freeze({
    nodes: raw.nodes ?? 1,
    ...opt('heartbeatIntervalMs', duration(raw.heartbeatInterval)),
    ...opt('pendingBoots', raw.pendingBoots),
    ...opt('bootRetryIntervalMs', duration(raw.bootRetryInterval)),
    ...opt('delayMs', duration(raw.delay)),
    ...opt('jitterMs', duration(raw.jitter)),
    ...opt('invalidTagShare', raw.invalidTagShare),
  });
}

/** A duration the schema has already checked, in ms (undefined when absent). */
function duration(value: string | number | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value);
}
