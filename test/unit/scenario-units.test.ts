import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration, parseRate } from '../../src/scenario/units';

test('parseDuration reads each unit as milliseconds', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('0.25h'), 900_000);
  assert.equal(parseDuration('0s'), 0);
  assert.equal(parseDuration(' 5 s '), 5000);
});

test('parseDuration takes a bare number, or a string without a unit, as seconds', () => {
  assert.equal(parseDuration(30), 30_000);
  assert.equal(parseDuration(0.5), 500);
  assert.equal(parseDuration(0), 0);
  assert.equal(parseDuration('45'), 45_000);
});

test('parseDuration refuses what is not a duration', () => {
  for (const bad of ['10x', '-1s', '', ' ', 's', '1 2s', '.5s', '1e3s', '10 min', '1s2', 'ms']) {
    assert.equal(parseDuration(bad), undefined, JSON.stringify(bad));
  }
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(parseDuration(bad), undefined, String(bad));
});

test('parseRate reads events per second', () => {
  assert.equal(parseRate('200/s'), 200);
  assert.equal(parseRate('3000/m'), 50);
  assert.equal(parseRate('1/ms'), 1000);
  assert.equal(parseRate('7200/h'), 2);
  assert.equal(parseRate('0.5/s'), 0.5);
  assert.equal(parseRate(' 10 / s '), 10);
  assert.equal(parseRate(50), 50);
  assert.equal(parseRate('12'), 12);
});

test('parseRate refuses what is not a positive rate, "0/s" included', () => {
  for (const bad of ['fast', '', '-5/s', '200/x', '/s', '200/', 'all', '0/s', '0.0/m', '0']) {
    assert.equal(parseRate(bad), undefined, JSON.stringify(bad));
  }
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(parseRate(bad), undefined, String(bad));
});

test('formatDuration picks the largest whole unit', () => {
  assert.equal(formatDuration(3_600_000), '1h');
  assert.equal(formatDuration(7_200_000), '2h');
  assert.equal(formatDuration(5_400_000), '90m');
  assert.equal(formatDuration(60_000), '1m');
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(1000), '1s');
  assert.equal(formatDuration(1500), '1500ms');
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(0), '0s');
});

test('formatDuration and parseDuration round-trip', () => {
  for (const ms of [0, 1, 250, 1000, 1500, 59_000, 60_000, 90_000, 600_000, 3_600_000, 5_400_000, 86_400_000]) {
    assert.equal(parseDuration(formatDuration(ms)), ms, String(ms));
  }
});
