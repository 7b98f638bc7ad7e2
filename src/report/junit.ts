/**
 * JUnit XML, the report format every CI system displays (Jenkins, GitLab, GitHub Actions via
 * reporters, Azure). The common subset they all read: <testsuites> of <testsuite> of <testcase>,
 * a failing case holding <failure message="...">, a case that could not be judged holding
 * <skipped message="..."/> (Jenkins and GitLab show it as skipped, with the message), the measured
 * value of a passing one in its <system-out>. Test names stay the same from run to run (the threshold as written), so CI keeps
 * each case's history; the value, which changes every run, goes in the message.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatHealthLimit, formatHealthValue } from './run-text';
import type { HealthResult, Summary } from './summary';
import type { ThresholdResult } from './thresholds';
import { describeResult } from './thresholds-format';

export interface JunitCase {
  name: string;
  classname: string;
  /** Why it failed; absent for a passing case. */
  failure?: { message: string; type: string; details?: string };
  /** Why it could not be judged (an inconclusive check): the case is reported as skipped. */
  skipped?: string;
  /** Shown by CI next to the case: the measured value of a passing one. */
  output?: string;
}

export interface JunitSuite {
  name: string;
  /** ISO 8601 start of the run. */
  timestamp?: string;
  timeSeconds?: number;
  properties?: Record<string, string>;
  cases: JunitCase[];
}

/**
 * The error kinds that mean someone broke OCPP-J, not that something was slow or went away:
 * frames that are not OCPP-J, payloads that fail the official schemas (either way), answers to
 * no call of ours, a subprotocol other than the one asked for, text that is not UTF-8 and
 * binary frames (OCPP-J is text). Timeouts, late answers, CALLERRORs, lost connections and
 * NotImplemented are legal protocol behaviour with their own thresholds (errors.*, timeouts.*).
 */
export const PROTOCOL_ERROR_KINDS = [
  'malformedFrame',
  'invalidIncomingPayload',
  'invalidResponse',
  'unknownMessageId',
  'invalidOutgoingPayload',
  'subprotocolMismatch',
  'invalidUtf8',
  'binaryFrame',
] as const;

/** XML 1.0 cannot carry these characters at all, escaped or not: they are dropped. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for an attribute value or element content. */
export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Attribute values are normalised by XML parsers (a newline becomes a space): keep them.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

export function formatJunit(name: string, suites: readonly JunitSuite[]): string {
  const count = (s: JunitSuite): number => s.cases.filter((c) => c.failure !== undefined).length;
  const skipped = (s: JunitSuite): number => s.cases.filter((c) => c.failure === undefined && c.skipped !== undefined).length;
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + count(s), 0);
  const time = suites.reduce((t, s) => t + (s.timeSeconds ?? 0), 0);
  // <testsuites> carries no skipped count: the schema Jenkins publishes has none there (each suite has its own).
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name, tests, failures, errors: 0, time: time.toFixed(3) })}>`];
  for (const s of suites) {
    out.push(
      `  <testsuite${attrs({ name: s.name, tests: s.cases.length, failures: count(s), errors: 0, skipped: skipped(s), timestamp: s.timestamp, time: (s.timeSeconds ?? 0).toFixed(3) })}>`,
    );
    const props = Object.entries(s.properties ?? {});
    if (props.length > 0) {
      out.push('    <properties>');
      for (const [k, v] of props) out.push(`      <property${attrs({ name: k, value: v })}/>`);
      out.push('    </properties>');
    }
    for (const c of s.cases) {
      const open = `    <testcase${attrs({ name: c.name, classname: c.classname, time: '0' })}`;
      if (c.failure === undefined && c.output === undefined && c.skipped === undefined) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      if (c.failure !== undefined) {
        out.push(`      <failure${attrs({ message: c.failure.message, type: c.failure.type })}>${xmlEscape(c.failure.details ?? c.failure.message)}</failure>`);
      } else if (c.skipped !== undefined) out.push(`      <skipped${attrs({ message: c.skipped })}/>`);
      if (c.output !== undefined) out.push(`      <system-out>${xmlEscape(c.output)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

/**
 * The run's suite: a case per threshold (the typed results the summary was written with), one per
 * health check (`health: connected`, …, in their order), then "run completed without protocol errors".
 */
export function runSuite(summary: Summary, thresholds: readonly ThresholdResult[]): JunitSuite {
  const classname = `ocpp-fleet.${summary.scenario}`;
  const cases: JunitCase[] = thresholds.map((r) => {
    const text = describeResult(r);
    if (r.verdict === 'pass') return { name: r.threshold, classname: `${classname}.thresholds`, output: `${text}: pass` };
    const type = r.verdict === 'no samples' ? 'no samples' : 'threshold';
    const aborted = r.abortedRun ? ' (this failure aborted the run)' : '';
    return { name: r.threshold, classname: `${classname}.thresholds`, failure: { message: `${text}${aborted}`, type, details: `${text}${aborted}\nfrom ${r.source}` } };
  });
  for (const h of summary.health ?? []) cases.push(healthCase(h, `${classname}.health`));
  cases.push(runHealthCase(summary, `${classname}.run`));
  return {
    name: `ocpp-fleet run ${summary.scenario}`,
    timestamp: summary.startedAt.slice(0, 19),
    timeSeconds: summary.durationMs / 1000,
    properties: { scenario: summary.scenario, seed: String(summary.seed), target: summary.target, version: summary.version },
    cases,
  };
}

/**
 * A health check's case: its name stays the same from run to run, its value and detail go in the
 * text. A check the run could not measure (value null: a remote CSMS for csmsAlive) is skipped.
 */
function healthCase(h: HealthResult, classname: string): JunitCase {
  const text = `${h.check} = ${formatHealthValue(h.check, h.value)}, expected ${formatHealthLimit(h)}: ${h.detail}`;
  if (h.value === null && h.passed) return { name: `health: ${h.check}`, classname, skipped: `not measured: ${h.detail}` };
  if (h.passed) return { name: `health: ${h.check}`, classname, output: text };
  return { name: `health: ${h.check}`, classname, failure: { message: text, type: 'health' } };
}

function runHealthCase(summary: Summary, classname: string): JunitCase {
  const name = 'run completed without protocol errors';
  const found = PROTOCOL_ERROR_KINDS.filter((k) => (summary.errors[k] ?? 0) > 0).map((k) => `${k} ×${summary.errors[k]}`);
  const problems: string[] = [];
  if (found.length > 0) problems.push(`protocol errors: ${found.join(', ')}`);
  if (summary.fleet.connected === 0) problems.push('no charge point could connect');
  // Connected but never booted: the CSMS refused or broke every boot; nothing was really run.
  else if (summary.fleet.booted === 0) problems.push('no charge point was booted');
  if (summary.partial) problems.push('the run was stopped before its planned end');
  if (problems.length === 0) {
    return { name, classname, output: `none of ${PROTOCOL_ERROR_KINDS.join(', ')}; ${summary.fleet.connected} charge points connected, ${summary.fleet.booted} booted` };
  }
  return { name, classname, failure: { message: problems.join('; '), type: found.length > 0 ? 'protocol' : 'run' } };
}

export async function writeJunit(path: string, suites: readonly JunitSuite[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, formatJunit('ocpp-fleet', suites));
}

export async function writeRunJunit(path: string, summary: Summary, thresholds: readonly ThresholdResult[]): Promise<void> {
  await writeJunit(path, [runSuite(summary, thresholds)]);
}
