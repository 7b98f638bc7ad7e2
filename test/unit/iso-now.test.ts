import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isoNow } from '../../src/station/iso-now';

describe('isoNow', () => {
  it('is the wall clock as toISOString writes it, to the millisecond', () => {
    const before = Date.now();
    const iso = isoNow();
    const after = Date.now();
    assert.match(iso, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const at = Date.parse(iso);
    assert.ok(at >= before && at <= after, `${iso} not within [${before}, ${after}]`);
  });

  it('moves on with the clock (the string is made again in a later millisecond)', async () => {
    const first = isoNow();
    await new Promise((r) => setTimeout(r, 5));
    const later = isoNow();
    assert.ok(Date.parse(later) >= Date.parse(first) + 4, `${later} vs ${first}`);
  });
});
