import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sumStats } from '../../src/csms/cluster-stats';
import { resolveCsmsOptions } from '../../src/csms/options';
import type { CsmsStats } from '../../src/csms/stats';
import { MAX_REQUEST_LINE, processOf, requestTarget } from '../../src/csms/sticky';
import { homeTarget } from '../../src/station/targets';

/** The embedded CSMS over several processes: which process a connection goes to, how its counts add up, which options go together. */

test('the request target is read from a complete request line only', () => {
  assert.equal(requestTarget(Buffer.from('GET /ocpp/CP-1 HTTP/1.1\r\nHost: x\r\n\r\n')), '/ocpp/CP-1');
  assert.equal(requestTarget(Buffer.from('GET /CP%201?x=1 HTTP/1.1\r\n')), '/CP%201?x=1');
  assert.equal(requestTarget(Buffer.from('GET /ocpp/CP-1 HTT')), undefined, 'not complete yet');
  assert.equal(requestTarget(Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n')), null, 'a TLS ClientHello is no request line');
  assert.equal(requestTarget(Buffer.from('hello\r\n')), null);
  assert.equal(requestTarget(Buffer.alloc(MAX_REQUEST_LINE + 1, 'a')), null, 'a line without end past the bound');
});

test('an identity always hashes to the same process, and identities spread over all of them', () => {
  assert.equal(processOf('CP-00001', 4), processOf('CP-00001', 4));
  assert.equal(processOf('anything', 1), 0);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 10_000; i++) counts[processOf(`CP-${String(i).padStart(5, '0')}`, 4)] = (counts[processOf(`CP-${String(i).padStart(5, '0')}`, 4)] ?? 0) + 1;
  for (const n of counts) assert.ok(n > 2_200 && n < 2_800, `spread ${counts.join(', ')}`);
  // FNV-1a of "a" (0xe40c292c), pinned so that a station keeps its process across versions.
  assert.equal(processOf('a', 1_000_000), 0xe40c292c % 1_000_000);
  // The fleet's home target among several URLs is the same hash: given the processes' own URLs, a station connects straight to its process.
  for (const id of ['CP-1', 'FLEET16-000042', 'Ünïcødé', '']) for (const n of [2, 3, 6]) assert.equal(processOf(id, n), homeTarget(id, n), `${id} of ${n}`);
});

function stats(now: number, heartbeats: number, uptimeS: number): CsmsStats {
  return {
    uptimeS,
    connections: { now, accepted: now, refused: 0, authFailures: { missingCredentials: 0, badCredentials: 0, badCertificate: 0 }, replaced: 0, secondRefused: 0, byVersion: { '1.6': { now, accepted: now }, '2.0.1': { now: 0, accepted: 0 }, '2.1': { now: 0, accepted: 0 } } },
    incoming: { Heartbeat: { received: heartbeats, answered: heartbeats, callErrors: 0 } },
    incomingTotal: { received: heartbeats, answered: heartbeats, callErrors: 0 },
    nodes: [{ index: 0, url: 'ws://127.0.0.1:1', port: 1, listening: true, connections: now }],
  } as unknown as CsmsStats;
}

test('stats add up over the processes: counts summed, actions one process never saw kept, uptime the longest, no private node', () => {
  const a = stats(3, 10, 5.5);
  const b = { ...stats(4, 7, 6.25), incoming: { Heartbeat: { received: 7, answered: 7, callErrors: 0 }, Authorize: { received: 2, answered: 2, callErrors: 1 } } } as unknown as CsmsStats;
  const sum = sumStats([a, b, stats(1, 1, 2)]);
  assert.equal(sum.uptimeS, 6.25);
  assert.equal(sum.connections.now, 8);
  assert.deepEqual(sum.connections.byVersion['1.6'], { now: 8, accepted: 8 });
  assert.deepEqual(sum.incoming, { Heartbeat: { received: 18, answered: 18, callErrors: 0 }, Authorize: { received: 2, answered: 2, callErrors: 1 } });
  assert.equal('nodes' in sum, false, 'each process\'s node is a private listener, not the CSMS\'s');
  assert.throws(() => sumStats([]), RangeError);
});

test('processes: checked with the other options, each refusal naming both', () => {
  assert.equal(resolveCsmsOptions({ port: 0, processes: 4 }).processes, 4);
  assert.throws(() => resolveCsmsOptions({ port: 0, processes: 0 }), /options\.processes must be an integer from 1 to 64, got 0/);
  assert.throws(() => resolveCsmsOptions({ port: 0, processes: 2, nodes: 2 }), /options\.processes and options\.nodes cannot be combined/);
  assert.throws(() => resolveCsmsOptions({ port: 0, processes: 2, serviceTimeMs: 5 }), /options\.processes and options\.serviceTimeMs cannot be combined/);
  assert.throws(() => resolveCsmsOptions({ port: 0, processes: 2, tlsCert: 'c.pem', tlsKey: 'k.pem' }), /options\.processes above 1 cannot serve TLS yet/);
});
