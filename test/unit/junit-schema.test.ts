import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { compareRuns } from '../../src/report/compare';
import { comparisonSuite, runName } from '../../src/report/compare-format';
import { formatJunit, runSuite } from '../../src/report/junit';
import type { Summary } from '../../src/report/summary';
import { syntheticRun } from '../helpers/compare-synthetic';

/**
 * The JUnit files as CI servers read them. The shape is the schema Jenkins publishes for JUnit
 * reports (jenkinsci/xunit-plugin, junit-10.xsd): which elements may hold which, which attributes
 * each may carry and which it must; GitLab reads the same elements (testsuites > testsuite >
 * testcase, a case failed by <failure>, skipped by <skipped>). The file is parsed by a real XML
 * parser (fast-xml-parser), never matched as text.
 */
const SCHEMA: Record<string, { children: string[]; attributes: string[]; required: string[] }> = {
  testsuites: { children: ['testsuite'], attributes: ['name', 'time', 'tests', 'failures', 'errors'], required: [] },
  testsuite: {
    children: ['testsuite', 'properties', 'testcase', 'system-out', 'system-err'],
    attributes: ['name', 'tests', 'failures', 'errors', 'group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url'],
    required: ['name', 'tests', 'failures', 'errors'],
  },
  properties: { children: ['property'], attributes: [], required: [] },
  property: { children: [], attributes: ['name', 'value'], required: ['name', 'value'] },
  testcase: { children: ['skipped', 'error', 'failure', 'system-out', 'system-err'], attributes: ['name', 'time', 'classname', 'group'], required: ['name'] },
  failure: { children: [], attributes: ['type', 'message'], required: [] },
  error: { children: [], attributes: ['type', 'message'], required: [] },
  skipped: { children: [], attributes: ['type', 'message'], required: [] },
  'system-out': { children: [], attributes: [], required: [] },
  'system-err': { children: [], attributes: [], required: [] },
};
/** The schema's SUREFIRE_TIME, the type of `time` on suites. */
const TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;

type Node = Record<string, unknown>;

/** Checks every element against SCHEMA, depth first; returns the testcases met. */
function validate(name: string, node: Node, path = name): Node[] {
  const rule = SCHEMA[name];
  assert.ok(rule, `${path}: <${name}> is not in the schema`);
  const cases: Node[] = name === 'testcase' ? [node] : [];
  const attributes = (node[':@'] ?? {}) as Record<string, string>;
  for (const a of Object.keys(attributes)) assert.ok(rule.attributes.includes(a.slice(2)), `${path}: attribute ${a.slice(2)} not allowed on <${name}>`);
  for (const a of rule.required) assert.ok(`@_${a}` in attributes, `${path}: <${name}> lacks ${a}`);
  if ((name === 'testsuite' || name === 'testsuites') && attributes['@_time'] !== undefined) assert.match(attributes['@_time'], TIME, `${path}: time`);
  for (const child of (node[name] ?? []) as Node[]) {
    const [tag] = Object.keys(child).filter((k) => k !== ':@');
    if (tag === '#text') {
      assert.ok(rule.children.length === 0 || String(child['#text']).trim() === '', `${path}: text inside <${name}>`);
      continue;
    }
    assert.ok(rule.children.includes(tag as string), `${path}: <${tag}> not allowed in <${name}>`);
    cases.push(...validate(tag as string, child, `${path}/${tag}`));
  }
  return cases;
}

function parse(xml: string): { root: Node; cases: Node[] } {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const parsed = new XMLParser({ ignoreAttributes: false, preserveOrder: true, parseAttributeValue: false, trimValues: false }).parse(xml) as Node[];
  const root = parsed.find((n) => 'testsuites' in n) as Node;
  assert.ok(root, 'a <testsuites> root');
  return { root, cases: validate('testsuites', root) };
}

function attr(n: Node, a: string): string | undefined {
  return ((n[':@'] ?? {}) as Record<string, string>)[`@_${a}`];
}

function kind(c: Node): string {
  const tags = ((c.testcase ?? []) as Node[]).flatMap((x) => Object.keys(x).filter((k) => k !== ':@'));
  return tags.includes('failure') ? 'failure' : tags.includes('skipped') ? 'skipped' : 'passed';
}

test('compare JUnit: the Jenkins schema; a regression fails, an inconclusive change is skipped with its reason, counts agree', () => {
  const actions = { Heartbeat: { calls: 20, medianMs: 1, sigma: 0.5 }, BootNotification: { calls: 200, burst: 2, medianMs: 0.8, sigma: 0.5 } };
  const base = syntheticRun('/var/lib/ci/nightly/results/2026-11-23-smoke', { seed: 1, seconds: 30, actions });
  const cand = syntheticRun('/var/lib/ci/nightly/results/2026-11-24-smoke/summary.json', {
    seed: 2, seconds: 30, actions: { Heartbeat: { ...actions.Heartbeat, shiftMs: 5 }, BootNotification: { ...actions.BootNotification, shiftMs: 5 } },
  });
  const c = compareRuns(base, cand);
  const { root, cases } = parse(formatJunit('ocpp-fleet', [comparisonSuite(c)]));
  const suite = (root.testsuites as Node[]).find((n) => 'testsuite' in n) as Node;
  // No absolute path in the suite's name, nor in what it says of the runs.
  assert.equal(attr(suite, 'name'), 'ocpp-fleet compare synthetic');
  assert.equal(runName('/var/lib/ci/nightly/results/2026-11-24-smoke/summary.json'), '2026-11-24-smoke');
  const props = ((suite.testsuite as Node[]).find((n) => 'properties' in n)?.properties ?? []) as Node[];
  assert.deepEqual(props.filter((p) => 'property' in p).map((p) => [attr(p, 'name'), attr(p, 'value')]), [['baseline', '2026-11-23-smoke'], ['candidate', '2026-11-24-smoke']]);
  const byName = new Map(cases.map((x) => [attr(x, 'name'), x]));
  assert.equal(kind(byName.get('Heartbeat p50') as Node), 'failure');
  const skipped = byName.get('BootNotification p1') as Node;
  assert.equal(kind(skipped), 'skipped');
  const why = ((skipped.testcase as Node[]).find((x) => 'skipped' in x) as Node)[':@'] as Record<string, string>;
  assert.match(why['@_message'] as string, /^BootNotification p1: [\d.]+ ms → [\d.]+ ms \(\+[\d.]+%\): inconclusive: too few values to test a 1st percentile/);
  assert.equal(Number(attr(suite, 'tests')), cases.length);
  assert.equal(Number(attr(suite, 'failures')), cases.filter((x) => kind(x) === 'failure').length);
  assert.equal(Number(attr(suite, 'skipped')), cases.filter((x) => kind(x) === 'skipped').length);
  assert.equal(Number(attr(suite, 'failures')), c.regressions);
  assert.ok(Number(attr(suite, 'skipped')) >= 1);
  assert.equal(Number(attr(root, 'failures')), c.regressions);
});

test('run JUnit: a health check the run could not measure is skipped with the detail, in the Jenkins schema', () => {
  const latency = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const summary: Summary = {
    tool: 'ocpp-fleet', version: '0.1.0', scenario: 'nightly', seed: 1, target: 'wss://csms.example/ocpp', startedAt: '2026-11-23T22:17:00.000Z',
    endedAt: '2026-11-23T22:18:00.000Z', durationMs: 60_000, partial: false, fleet: { planned: 10, connected: 10, booted: 10, failedToConnect: 0 },
    actions: {}, incoming: {}, connect: { attempts: 10, ok: 10, errors: 0, latencyMs: latency }, boot: { accepted: 10, timeToAcceptedMs: latency },
    errors: {}, counters: {}, groups: {}, thresholds: [], passed: true, pump: { recordsWritten: 0, recordsAggregated: 0 }, settings: {},
    health: [
      { check: 'connected', value: 100, limit: 100, passed: true, detail: 'connected 10 of 10 stations' },
      { check: 'csmsAlive', value: null, limit: 1, passed: true, detail: 'not judged: the run did not start the CSMS' },
    ],
  };
  const { root, cases } = parse(formatJunit('ocpp-fleet', [runSuite(summary, [])]));
  const alive = cases.find((x) => attr(x, 'name') === 'health: csmsAlive') as Node;
  assert.equal(kind(alive), 'skipped');
  assert.equal(kind(cases.find((x) => attr(x, 'name') === 'health: connected') as Node), 'passed');
  const suite = (root.testsuites as Node[]).find((n) => 'testsuite' in n) as Node;
  assert.equal(attr(suite, 'skipped'), '1');
  assert.equal(attr(suite, 'name'), 'ocpp-fleet run nightly');
});

test('the validator refuses what Jenkins would: an unknown attribute, a case without a name, text in a suite', () => {
  assert.throws(() => parse('<testsuites skipped="1"><testsuite name="s" tests="0" failures="0" errors="0"/></testsuites>'), /attribute skipped not allowed on <testsuites>/);
  assert.throws(() => parse('<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase classname="c"/></testsuite></testsuites>'), /<testcase> lacks name/);
  assert.throws(() => parse('<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><skipped/></testsuite></testsuites>'), /<skipped> not allowed in <testsuite>/);
});
