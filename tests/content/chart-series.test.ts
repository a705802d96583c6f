/**
 * The token chart accepts the series shapes a KQL result naturally takes and sums them correctly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount, shortTime, toChartData, userTotals } from '../../src/components/TokenChart/series.ts';

test('long rows from tokens-over-time.kql become one row per minute and one column per subscription', () => {
  const data = toChartData([
    { timestamp: '2026-01-01T10:01:00Z', subscription: 'chat-app', tokens: 120 },
    { timestamp: '2026-01-01T10:00:00Z', subscription: 'chat-app', tokens: 50 },
    { timestamp: '2026-01-01T10:00:00Z', subscription: 'data-team', tokens: 30 },
  ]);
  assert.ok(data);
  assert.deepEqual(data.keys, ['chat-app', 'data-team']);
  assert.deepEqual(data.rows, [
    { time: '2026-01-01T10:00:00Z', 'chat-app': 50, 'data-team': 30 },
    { time: '2026-01-01T10:01:00Z', 'chat-app': 120, 'data-team': 0 },
  ]);
  assert.deepEqual(data.totals, { 'chat-app': 170, 'data-team': 30 });
});

test('named series with points and an object wrapper are accepted too', () => {
  const data = toChartData({ series: [{ name: 'summarizer-app', points: [{ time: '2026-01-01T10:00:00Z', value: 7 }, { time: '2026-01-01T10:00:00Z', value: 3 }] }] });
  assert.deepEqual(data?.totals, { 'summarizer-app': 10 });
  assert.equal(data?.rows.length, 1);
});

test('wide rows keep every numeric column as a series', () => {
  const data = toChartData({ rows: [{ timestamp: '2026-01-01T10:00:00Z', a: 1, b: 2 }] });
  assert.deepEqual(data?.keys, ['a', 'b']);
});

test('nothing drawable gives no chart', () => {
  assert.equal(toChartData(null), undefined);
  assert.equal(toChartData({ rows: [] }), undefined);
  assert.equal(toChartData([{ note: 'no time here' }]), undefined);
});

test('axis labels are UTC hours and minutes', () => {
  assert.equal(shortTime('2026-01-01T09:05:00Z'), '09:05');
  assert.equal(shortTime('not a time'), 'not a time');
});

test('per-user totals saved next to the series are read, malformed rows skipped', () => {
  const rows = userTotals({ totals: [{ subscription: 'chat-app', user: 'ana', calls: 2, prompt: 67, completion: 106, total: 173 }, { user: 'nobody' }, 'junk'] });
  assert.deepEqual(rows, [{ subscription: 'chat-app', user: 'ana', calls: 2, prompt: 67, completion: 106, total: 173 }]);
  assert.deepEqual(userTotals([{ time: 'x' }]), []);
});

test('token counts are grouped by thousands the same way on the server and in every browser', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(1000), '1,000');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(-45210), '-45,210');
  assert.equal(formatCount(1234.5), '1,234.5');
});
