import { basename, extname } from 'node:path';
import type { ErrorObject } from 'ajv';
import { LineCounter } from 'yaml';
import type { RawCsmsSettings, RawScenario, RawThreshold } from './file-schema';
import { fileValidator } from './file-validator';
import { describeSchemaError, lineOf, Locator, ScenarioError, schemaErrorField } from './load-errors';
import { resolveFaults } from './faults-resolve';
import { MAX_FLEET } from './identities';
import { clashError, findIdentityClash } from './identity-clash';
import { InputFileProblem, readInputText } from './input-file';
import { resolveHealthBlock } from './health-load';
import { resolveGroup } from './resolve-group';
import { parseTimeOfDay } from './resolve-sessions';
import { resolveScripts, type PayloadCheck } from './script-load';
import type { CsmsSettings, Scenario, ThresholdSpec } from './types';
import { parseDuration } from './units';
import { checkAliases, parseYaml } from './yaml-read';

export { ScenarioError } from './load-errors';
export type { PayloadCheck } from './script-load';

/** What the caller hands the loader: checks that need layers the scenario layer does not import. */
export interface LoadOptions {
  /** Checks the payload of each script `send` step against the official schemas (see src/cli/load-scenario.ts). */
  readonly checkPayload?: PayloadCheck;
}

export { MAX_FLEET } from './identities';

/**
 * A scenario file, checked before it is read (a regular file of at most 1 MiB: input-file.ts) and
 * while it is parsed (yaml-read.ts). Every problem is a ScenarioError, located when it can be: a
 * file that cannot be loaded is bad configuration (exit 2), never a failure of the run.
 */
export function loadScenarioFile(path: string, options: LoadOptions = {}): Scenario {
  let text: string;
  try {
    text = readInputText(path, 'scenario');
  } catch (err) {
    if (err instanceof InputFileProblem) throw new ScenarioError(path, undefined, '', err.message);
    throw err;
  }
  try {
    return parseScenario(text, path, options);
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    // A check this loader lacks must still say "this file" and exit 2, not pass for a failed run.
    throw new ScenarioError(path, undefined, '', `cannot be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function parseScenario(text: string, file: string, options: LoadOptions = {}): Scenario {
  const lines = new LineCounter();
  // Merge keys (`<<: *step`) let groups share settings, as capacity-steps.yaml does.
  const doc = parseYaml(text, file, lines);
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lines.linePos(syntax.pos[0]).line;
    throw new ScenarioError(file, line, '', `not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  if (doc.contents === null) throw new ScenarioError(file, 1, '(top level)', 'expected a scenario with a "groups" list, got an empty file');
  checkAliases(doc, file, lines);
  let raw: unknown;
  try {
    // yaml's own guard behind checkAliases' (it counts differently, and more loosely here).
    raw = doc.toJS({ maxAliasCount: 1_000_000 });
  } catch (err) {
    throw new ScenarioError(file, undefined, '', `not accepted: ${err instanceof Error ? err.message : String(err)}`);
  }
  const validateFile = fileValidator();
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

/** A duration that must be more than 0 (as `--duration` says): a run of 0 s measures nothing, a call timeout of 0 fails every call. */
function positive(value: string | number | undefined, fallback: number, field: string, at: Locator): number {
  const result = ms(value, fallback);
  if (!(result > 0)) throw at.error([field], `expected more than 0s, got ${JSON.stringify(value)}`);
  return result;
}

function resolve(raw: RawScenario, at: Locator, defaultName: string, options: LoadOptions): Scenario {
  const timeScale = raw.timeScale ?? 1;
  const context = { timeScale, scripts: resolveScripts(raw.scripts, at, timeScale), checkPayload: options.checkPayload };
  const names = new Map<string, number>();
  let fleet = 0;
  const groups = raw.groups.map((g, i) => {
    const first = names.get(g.name);
    if (first !== undefined) throw at.error(['groups', i, 'name'], `expected a name no other group uses, got ${JSON.stringify(g.name)} (also groups[${first}].name)`);
    names.set(g.name, i);
    const group = resolveGroup(g, ['groups', i], at, context);
    fleet += group.count;
    if (fleet > MAX_FLEET) {
      throw at.error(['groups', i, 'count'], `expected at most ${MAX_FLEET.toLocaleString('en-US')} charge points in the whole fleet, got ${fleet.toLocaleString('en-US')} with this group`);
    }
    return group;
  });
  const clash = findIdentityClash(groups);
  if (clash !== undefined) throw clashError(clash, groups, at.file);
  return Object.freeze({
    name: raw.name ?? defaultName,
    description: raw.description ?? '',
    source: at.file,
    durationMs: positive(raw.duration, 60_000, 'duration', at),
    seed: raw.seed ?? 1,
    callTimeoutMs: positive(raw.callTimeout, 30_000, 'callTimeout', at),
    gracefulStopMs: ms(raw.gracefulStop, 10_000),
    timeScale,
    startTimeOfDayMs: raw.startTimeOfDay === undefined ? 0 : parseTimeOfDay(raw.startTimeOfDay),
    groups: Object.freeze(groups),
    thresholds: Object.freeze((raw.thresholds ?? []).map((t, i) => resolveThreshold(t, i, at))),
    ...(raw.health === undefined ? {} : { health: resolveHealthBlock(raw.health, at) }),
    ...(raw.targets === undefined ? {} : { targets: Object.freeze(raw.targets.map((u, i) => resolveTarget(u, i, at))) }),
    ...(raw.csms === undefined ? {} : { csms: resolveCsmsSettings(raw.csms, at) }),
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

function resolveCsmsSettings(raw: RawCsmsSettings, at: Locator): CsmsSettings {
  const opt = <K extends string>(key: K, value: number | undefined): { [P in K]?: number } =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
  checkServiceQueue(raw, at);
  return Object.freeze({
    nodes: raw.nodes ?? 1,
    ...opt('heartbeatIntervalMs', duration(raw.heartbeatInterval)),
    ...opt('pendingBoots', raw.pendingBoots),
    ...opt('bootRetryIntervalMs', duration(raw.bootRetryInterval)),
    ...opt('delayMs', duration(raw.delay)),
    ...opt('jitterMs', duration(raw.jitter)),
    ...(raw.delayActions === undefined ? {} : { delayActions: Object.freeze([...raw.delayActions]) }),
    ...opt('invalidTagShare', raw.invalidTagShare),
    ...opt('serviceTimeMs', duration(raw.serviceTime)),
    ...opt('servers', raw.servers),
    ...opt('processes', raw.processes),
  });
}

/** The same rules as the embedded CSMS's options (src/csms/options.ts), located in the file. */
function checkServiceQueue(raw: RawCsmsSettings, at: Locator): void {
  if ((raw.processes ?? 1) > 1) {
    if ((raw.nodes ?? 1) > 1) throw at.error(['csms', 'processes'], 'cannot be combined with csms.nodes: nodes share one process\'s state (give one or the other)');
    if (raw.serviceTime !== undefined) throw at.error(['csms', 'processes'], 'cannot be combined with csms.serviceTime: a known capacity is one queue\'s (give one or the other)');
  }
  if (raw.serviceTime === undefined) {
    if (raw.servers !== undefined) throw at.error(['csms', 'servers'], 'needs csms.serviceTime: servers with no service time have nothing to model');
    return;
  }
  if (!((duration(raw.serviceTime) as number) > 0)) {
    throw at.error(['csms', 'serviceTime'], `expected more than 0s (leave it out for a CSMS that answers at once), got ${JSON.stringify(raw.serviceTime)}`);
  }
  const delay = (duration(raw.delay) ?? 0) > 0 ? 'delay' : (duration(raw.jitter) ?? 0) > 0 ? 'jitter' : undefined;
  if (delay !== undefined) {
    throw at.error(['csms', 'serviceTime'], `cannot be combined with csms.${delay}: the service queue answers each call when its service ends (give one or the other)`);
  }
}

/** A duration the schema has already checked, in ms (undefined when absent). */
function duration(value: string | number | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value);
}
