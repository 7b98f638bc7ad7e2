import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { fullFormats } from 'ajv-formats/dist/formats';
import { isDateTime } from '../../src/ocpp/date-time';
import { validatorsFor } from '../../src/ocpp/schemas';

/** ajv-formats' own full `date-time`: what the schemas were validated with before date-time.ts. */
const reference = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;

const VALID = [
  '2024-05-01T12:00:00Z',
  '2024-05-01t12:00:00z',
  '2024-05-01 12:00:00Z',
  '2024-05-01T12:00:00.123Z',
  '2024-05-01T12:00:00.123456789+02:00',
  '2024-05-01T12:00:00-05:30',
  '2024-05-01T12:00:00+0530',
  '2024-05-01T12:00:00+05',
  '2024-02-29T00:00:00Z',
  '2000-02-29T23:59:59Z',
  '1999-12-31T23:59:60Z',
  '1999-12-31T18:59:60-05:00',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.9+23:59',
  '2024-05-01\t12:00:00Z',
];

const INVALID = [
  '',
  '2024-05-01',
  '12:00:00Z',
  '2024-05-01T12:00:00',
  '2024-05-01T12:00:00.Z',
  '2024-05-01T24:00:00Z',
  '2024-05-01T12:60:00Z',
  '2024-05-01T12:00:60Z',
  '2024-05-01T12:00:61Z',
  '2024-13-01T12:00:00Z',
  '2024-00-01T12:00:00Z',
  '2024-05-00T12:00:00Z',
  '2024-04-31T12:00:00Z',
  '2023-02-29T12:00:00Z',
  '1900-02-29T12:00:00Z',
  '2024-05-01X12:00:00Z',
  '2024-05-01T12:00:00+24:00',
  '2024-05-01T12:00:00+05:60',
  '2024-05-01T12:00:00+05:',
  '2024-05-01T12:00:00+5:00',
  '2024-05-01T12:00:00 Z',
  '2024-05-01T12:00:00ZZ',
  '2024-05-01T12:00:00Z\n',
  '24-05-01T12:00:00Z',
  '2024-5-01T12:00:00Z',
  '2024/05/01T12:00:00Z',
  '2024-05-01T12-00-00Z',
  '2024-05-01TT12:00:00Z',
  '２０２４-05-01T12:00:00Z',
  '1999-12-31T12:59:60Z',
  '1999-12-31T23:58:60Z',
  'not a date at all, not at all',
];

describe('isDateTime (the date-time format of the schemas)', () => {
  it('accepts valid RFC 3339 date-times, leap days and leap seconds included', () => {
    for (const s of VALID) assert.equal(isDateTime(s), true, JSON.stringify(s));
  });

  it('rejects impossible dates, times, offsets and malformed strings', () => {
    for (const s of INVALID) assert.equal(isDateTime(s), false, JSON.stringify(s));
  });

  it('agrees with ajv-formats on every vector and on 200,000 mutated strings', () => {
    for (const s of [...VALID, ...INVALID]) assert.equal(isDateTime(s), reference(s), JSON.stringify(s));
    // Seeded mutations of valid strings: replace, delete or insert one or two characters.
    const alphabet = '0123456789-:.+TtZz \t/x';
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let disagreements = 0;
    let accepted = 0;
    for (let k = 0; k < 200_000; k++) {
      let s = VALID[next(VALID.length)] as string;
      for (let m = 0, n = 1 + next(2); m < n; m++) {
        const at = next(s.length + 1);
        const c = alphabet[next(alphabet.length)] as string;
        const op = next(3);
        s = op === 0 ? s.slice(0, at) + c + s.slice(at + 1) : op === 1 ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + c + s.slice(at);
      }
      if (isDateTime(s) !== reference(s)) {
        disagreements++;
        assert.fail(`disagree on ${JSON.stringify(s)}: ours ${isDateTime(s)}, ajv-formats ${reference(s)}`);
      }
      if (reference(s)) accepted++;
    }
    assert.equal(disagreements, 0);
    // The mutations must exercise both answers, or the comparison proves little.
    assert.ok(accepted > 2_000 && accepted < 190_000, `accepted ${accepted}`);
  });

  it('is the check the compiled schemas use: a Heartbeat answer with a bad currentTime fails', () => {
    const validate = validatorsFor('1.6').response('Heartbeat');
    assert.ok(validate);
    assert.equal(validate({ currentTime: '2024-05-01T12:00:00Z' }), true);
    assert.equal(validate({ currentTime: '2024-02-30T12:00:00Z' }), false);
    assert.equal(validate({ currentTime: '2024-05-01T12:00:00' }), false);
    const v201 = validatorsFor('2.0.1').response('Heartbeat');
    assert.ok(v201);
    assert.equal(v201({ currentTime: '2024-05-01T25:00:00Z' }), false);
  });
});
