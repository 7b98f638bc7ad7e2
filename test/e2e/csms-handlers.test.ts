import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsOf, validatorsFor, type JsonObject, type OcppVersion } from '../../src/ocpp';
import { CALL_MIX } from '../../src/csms/call-rate';
import { isInvalidTag, type Handler, type HandlerScope } from '../../src/csms/handlers-common';
import { HANDLERS_16 } from '../../src/csms/handlers-16';
import { HANDLERS_201 } from '../../src/csms/handlers-201';
import { resolveCsmsOptions, type CsmsOptions } from '../../src/csms/options';
import { StationRecord } from '../../src/csms/stations';
import { CsmsCounters } from '../../src/csms/stats';
import { SAMPLES_16, SAMPLES_201 } from '../helpers/csms-samples';

/** Unit checks of the CSMS's answers against the official OCA schemas, without sockets. */
function scope(options: Partial<CsmsOptions> = {}): HandlerScope {
  let id = 0;
  return {
    options: resolveCsmsOptions({ port: 0, ...options }),
    stats: new CsmsCounters(),
    station: new StationRecord('unit'),
    nextTransactionId: () => ++id,
  };
}

const TABLES: [OcppVersion, ReadonlyMap<string, Handler>, Readonly<Record<string, object>>][] = [
  ['1.6', HANDLERS_16, SAMPLES_16],
  ['2.0.1', HANDLERS_201, SAMPLES_201],
];

for (const [version, handlers, samples] of TABLES) {
  describe(`CSMS handlers, OCPP ${version}`, () => {
    const validators = validatorsFor(version);

    it('cover every station-initiated action of the version', () => {
      assert.deepEqual([...handlers.keys()].sort(), [...actionsOf(version).station].sort());
    });

    for (const [action, handler] of handlers) {
      it(`${action}: the answer passes the official response schema`, () => {
        const sample = samples[action] as JsonObject | undefined;
        assert.ok(sample !== undefined, `no sample request for ${action}`);
        const request = validators.request(action);
        assert.ok(request?.(sample), `sample ${action} request fails its schema: ${JSON.stringify(request?.errors)}`);
        for (const options of [{}, { invalidTagShare: 1, bootStatus: 'Rejected' as const }]) {
          const answer = handler(scope(options), sample);
          const response = validators.response(action);
          assert.ok(response !== undefined, `no response schema for ${action}`);
          assert.ok(response(answer), `${action} answer ${JSON.stringify(answer)} fails: ${JSON.stringify(response.errors)}`);
        }
      });
    }

    it('the call rate’s mix sends only schema-valid CSMS calls', () => {
      for (const { action, payload } of CALL_MIX[version]) {
        const validate = validators.request(action);
        assert.ok(validate?.(payload), `${action} ${JSON.stringify(payload)}: ${JSON.stringify(validate?.errors)}`);
      }
    });
  });
}

// 2.1's answers are checked in test/unit/csms-handlers-21.test.ts; its call mix here, as the others'.
describe('the call rate’s mix, OCPP 2.1', () => {
  it('sends only calls valid against the 2.1 schemas, 2.1’s own among them', () => {
    const validators = validatorsFor('2.1');
    for (const { action, payload } of CALL_MIX['2.1']) {
      const validate = validators.request(action);
      assert.ok(validate?.(payload), `${action} ${JSON.stringify(payload)}: ${JSON.stringify(validate?.errors)}`);
    }
    assert.ok(CALL_MIX['2.1'].some((e) => !actionsOf('2.0.1').csms.includes(e.action)));
  });
});

describe('CSMS tag verdicts', () => {
  it('are deterministic per tag and follow the share within a few percent', () => {
    let invalid = 0;
    for (let i = 0; i < 10_000; i++) {
      const tag = `RFID-${i}`;
      const verdict = isInvalidTag(tag, 0.2);
      assert.equal(isInvalidTag(tag, 0.2), verdict);
      if (verdict) invalid++;
    }
    assert.ok(invalid > 1700 && invalid < 2300, `20% of 10,000 tags should be Invalid, got ${invalid}`);
  });

  it('refuse INVALID… tags at share 0 and accept the rest', () => {
    assert.equal(isInvalidTag('INVALID', 0), true);
    assert.equal(isInvalidTag('INVALID-42', 0), true);
    assert.equal(isInvalidTag('VALID-42', 0), false);
    assert.equal(isInvalidTag('anything', 1), true);
  });
});

describe('CSMS transaction tracking', () => {
  it('counts 2.0.1 seqNo gaps, fills and duplicates per transaction', () => {
    const s = scope();
    const station = s.station;
    station.event201('a', 'Started', 0, s.stats);
    station.event201('b', 'Started', 10, s.stats);
    station.event201('a', 'Updated', 3, s.stats);
    assert.equal(s.stats.txSeqNoGaps, 2);
    station.event201('b', 'Updated', 11, s.stats);
    station.event201('a', 'Updated', 1, s.stats);
    station.event201('a', 'Updated', 1, s.stats);
    assert.equal(s.stats.txSeqNoGaps, 1);
    assert.equal(s.stats.txDuplicates, 1);
    station.event201('a', 'Ended', 4, s.stats);
    station.event201('a', 'Ended', 4, s.stats);
    assert.deepEqual(
      [s.stats.txStarted, s.stats.txStopped, s.stats.txActive, s.stats.txDuplicates],
      [2, 1, 1, 2],
    );
  });

  it('keeps only a few ended transactions per station', () => {
    const s = scope();
    for (let i = 0; i < 100; i++) {
      s.station.started16(i, s.stats);
      s.station.stopped16(i, s.stats);
    }
    // The 80th is long forgotten: its replayed stop counts as unknown, not as a duplicate.
    s.station.stopped16(80, s.stats);
    s.station.stopped16(99, s.stats);
    assert.deepEqual([s.stats.txUnknown, s.stats.txDuplicates, s.stats.txActive], [1, 1, 0]);
  });
});
