import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJunit, PROTOCOL_ERROR_KINDS, runSuite, xmlEscape } from '../../src/report/junit';
import type { Summary } from '../../src/report/summary';
import type { ThresholdResult } from '../../src/report/thresholds';

/**
 * A small XML 1.0 well-formedness check (no dependency for it in the project): one root, tags
 * nested and closed in order, attributes quoted with no raw `<` or `&`, text with no raw `<` and
 * only known entities, no character XML forbids. Returns the elements seen, in order.
 */
function wellFormed(xml: string): string[] {
  const seen: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
  let i = xml.indexOf('\n') + 1;
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<&]*(?:&(?:amp|lt|gt|quot|apos|#\d+);[^"<&]*)*")*)\s*(\/?)>/y;
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/, 'a character XML 1.0 forbids');
  while (i < xml.length) {
    if (xml[i] === '<') {
      tag.lastIndex = i;
      const m = tag.exec(xml);
      assert.ok(m, `malformed tag at ${i}: ${xml.slice(i, i + 60)}`);
      const [, close, name, , selfClose] = m as RegExpExecArray;
      if (close) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
      else {
        if (stack.length === 0) roots++;
        seen.push(name as string);
        if (!selfClose) stack.push(name as string);
      }
      i = tag.lastIndex;
    } else {
      const next = xml.indexOf('<', i);
      const text = xml.slice(i, next < 0 ? xml.length : next);
      assert.doesNotMatch(text, /&(?!(?:amp|lt|gt|quot|apos|#\d+);)/, `raw & in text: ${text}`);
      if (stack.length === 0) assert.match(text, /^\s*$/, 'text outside the root');
      i = next < 0 ? xml.length : next;
    }
  }
  assert.equal(stack.length, 0, `unclosed: ${stack.join(', ')}`);
  assert.equal(roots, 1);
  return seen;
}

function summary(errors: Record<string, number> = {}, partial = false): Summary {
  const latency = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    tool: 'ocpp-fleet', version: '0.1.0', scenario: 'nightly', seed: 1, target: 'ws://csms.example/ocpp',
    startedAt: '2026-11-23T22:17:00.000Z', endedAt: '2026-11-23T22:18:00.000Z', durationMs: 60_000, partial,
    fleet: { planned: 10, connected: 10, booted: 10, failedToConnect: 0 }, actions: {}, incoming: {},
    connect: { attempts: 10, ok: 10, errors: 0, latencyMs: latency }, boot: { accepted: 10, timeToAcceptedMs: latency },
    errors, counters: {}, groups: {}, thresholds: [], passed: true, pump: { recordsWritten: 0, recordsAggregated: 0 }, settings: {},
  };
}

function result(threshold: string, verdict: ThresholdResult['verdict'], value: number | null): ThresholdResult {
  return { threshold, source: '--threshold', metric: threshold.split(' ')[0] as string, operator: '<', limit: 800, value, unit: 'ms', samples: value === null ? 0 : 120, verdict, abortOnFail: false };
}

test('xmlEscape escapes markup and quotes, keeps newlines in attributes, drops forbidden characters', () => {
  assert.equal(xmlEscape(`a<b>&"c"'d'`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
  assert.equal(xmlEscape('line1\nline2\tx\r'), 'line1&#10;line2&#9;x&#13;');
  assert.equal(xmlEscape('bell\u0007 nul\u0000 ok é 🚗'), 'bell nul ok é 🚗');
  assert.equal(xmlEscape('lone \uD800 surrogate'), 'lone  surrogate');
});

test('a case per threshold: the value in the failure message, or in system-out when it passed', () => {
  const xml = formatJunit('ocpp-fleet', [
    runSuite(summary(), [result('BootNotification.p99 < 800ms', 'fail', 912.345), result('Heartbeat.p99 < 800ms', 'pass', 3.5), result('StartTransaction.p95 < 800ms', 'no samples', null)]),
  ]);
  assert.deepEqual(wellFormed(xml), ['testsuites', 'testsuite', 'properties', 'property', 'property', 'property', 'property', 'testcase', 'failure', 'testcase', 'system-out', 'testcase', 'failure', 'testcase', 'system-out']);
  assert.match(xml, /<testsuites name="ocpp-fleet" tests="4" failures="2" errors="0" time="60\.000">/);
  assert.match(xml, /<testsuite name="ocpp-fleet run nightly" tests="4" failures="2" errors="0" skipped="0" timestamp="2026-11-23T22:17:00" time="60\.000">/);
  assert.match(xml, /<testcase name="BootNotification\.p99 &lt; 800ms" classname="ocpp-fleet\.nightly\.thresholds" time="0">\n\s+<failure message="BootNotification\.p99 = 912\.345 ms, expected &lt; 800 ms \(120 samples\)" type="threshold">/);
  assert.match(xml, /<system-out>Heartbeat\.p99 = 3\.5 ms, expected &lt; 800 ms \(120 samples\): pass<\/system-out>/);
  assert.match(xml, /<failure message="StartTransaction\.p95: no samples \(nothing was measured\), expected &lt; 800 ms" type="no samples">/);
  assert.match(xml, /<testcase name="run completed without protocol errors" classname="ocpp-fleet\.nightly\.run" time="0">\n\s+<system-out>none of malformedFrame, /);
});

test('"run completed without protocol errors" fails on protocol error kinds only, and on an interrupted run', () => {
  assert.deepEqual([...PROTOCOL_ERROR_KINDS], [
    'malformedFrame', 'invalidIncomingPayload', 'invalidResponse', 'unknownMessageId', 'invalidOutgoingPayload', 'subprotocolMismatch', 'invalidUtf8', 'binaryFrame',
  ]);
  const health = (s: Summary): string => formatJunit('x', [runSuite(s, [])]);
  assert.doesNotMatch(health(summary({ connectionLost: 4, timeout: 2, callError: 1, lateResponse: 1 })), /<failure/);
  const bad = health(summary({ malformedFrame: 3, invalidResponse: 1, connectionLost: 9 }));
  wellFormed(bad);
  assert.match(bad, /<failure message="protocol errors: malformedFrame ×3, invalidResponse ×1" type="protocol">/);
  assert.match(health(summary({}, true)), /<failure message="the run was stopped before its planned end" type="run">/);
  // Regression (issue 10): a CSMS answering in invalid UTF-8 or binary frames booted nobody, and this case passed.
  assert.match(health(summary({ invalidUtf8: 200 })), /<failure message="protocol errors: invalidUtf8 ×200" type="protocol">/);
  assert.match(health(summary({ binaryFrame: 3 })), /<failure message="protocol errors: binaryFrame ×3" type="protocol">/);
  const noneBooted = { ...summary({ closedBeforeBoot: 612 }), fleet: { planned: 10, connected: 10, booted: 0, failedToConnect: 0 } };
  assert.match(health(noneBooted), /<failure message="no charge point was booted" type="run">/);
  const noneConnected = { ...summary({ connectRefused: 40 }), fleet: { planned: 10, connected: 0, booted: 0, failedToConnect: 10 } };
  assert.match(health(noneConnected), /<failure message="no charge point could connect" type="run">/);
});

test('one case per health check, named after the check, in the summary\'s order', () => {
  const s: Summary = {
    ...summary(),
    health: [
      { check: 'connected', value: 100, limit: 100, passed: true, detail: 'connected 10 of 10 stations' },
      { check: 'booted', value: 0, limit: 100, passed: false, detail: 'booted 0 of 10 stations (closedBeforeBoot ×612)' },
      { check: 'eventLoopDelay', value: 3.5, limit: 200, passed: true, detail: 'event-loop delay p99 3.5 ms (max 9 ms)' },
    ],
  };
  const xml = formatJunit('x', [runSuite(s, [])]);
  wellFormed(xml);
  assert.match(xml, /<testsuite name="ocpp-fleet run nightly" tests="4" failures="1"/);
  assert.match(xml, /<testcase name="health: connected" classname="ocpp-fleet\.nightly\.health" time="0">\n\s+<system-out>connected = 100%, expected ≥ 100%: connected 10 of 10 stations<\/system-out>/);
  assert.match(xml, /<testcase name="health: booted" classname="ocpp-fleet\.nightly\.health" time="0">\n\s+<failure message="booted = 0%, expected ≥ 100%: booted 0 of 10 stations \(closedBeforeBoot ×612\)" type="health">/);
  assert.match(xml, /<system-out>eventLoopDelay = 3\.5 ms, expected ≤ 200 ms: /);
  assert.ok(xml.indexOf('health: eventLoopDelay') < xml.indexOf('run completed without protocol errors'));
});

test('hostile names stay text: the XML is still well-formed', () => {
  const hostile = `x"/><injected a='1'/>&amp;]]><!--`;
  const xml = formatJunit(hostile, [{ name: hostile, properties: { [hostile]: hostile }, cases: [{ name: hostile, classname: hostile, failure: { message: hostile, type: hostile } }, { name: hostile, classname: 'c', output: `${hostile}\u0001` }] }]);
  assert.ok(!wellFormed(xml).includes('injected'));
  assert.ok(xml.includes('&lt;injected a=&apos;1&apos;/&gt;&amp;amp;]]&gt;&lt;!--'));
});
