import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CsvRowFormatter,
  ResultFlattener,
  csvLine,
  newColumns,
  parseCsvLine,
  widenCsv,
} from '../../../runtime/storage/progress_csv';

test('nested results flatten to slash-separated keys, arrays stay one cell', () => {
  const flat = new ResultFlattener().flatten({ loss: 0.5, config: { lr: 0.01, model: { depth: 3 } }, hist: [1, 2] });
  assert.deepEqual(flat.keys, ['loss', 'config/lr', 'config/model/depth', 'hist']);
  assert.deepEqual(flat.values, [0.5, 0.01, 3, [1, 2]]);
});

test('results of the same shape share one key list, a new shape gets its own', () => {
  const flattener = new ResultFlattener();
  const a = flattener.flatten({ x: 1, y: { z: 2 } });
  const b = flattener.flatten({ x: 3, y: { z: 4 } });
  const c = flattener.flatten({ x: 5, w: 6 });
  assert.equal(a.keys, b.keys);
  assert.notEqual(b.keys, c.keys);
  assert.deepEqual(c.keys, ['x', 'w']);
});

test('cells with commas, quotes and line breaks stay on one line and parse back', () => {
  const values = ['a,b', 'say "hi"', 'two\nlines', ' padded ', 'plain'];
  const line = csvLine(values);
  assert.equal(line.split('\n').length, 2, 'one record, one newline');
  assert.deepEqual(parseCsvLine(line.slice(0, -1)), ['a,b', 'say "hi"', 'two\\nlines', ' padded ', 'plain']);
});

test('missing values are empty cells and special numbers are spelled out', () => {
  const row = new ResultFlattener().flatten({ a: null, b: NaN, c: -Infinity, d: true, e: [1, 'x'] });
  assert.equal(new CsvRowFormatter(['a', 'b', 'c', 'd', 'e', 'z']).format(row), ',nan,-inf,true,"[1,""x""]",\n');
});

test('a row is written under the header order, whatever order its keys came in', () => {
  const flattener = new ResultFlattener();
  const formatter = new CsvRowFormatter(['a', 'b', 'c']);
  assert.equal(formatter.format(flattener.flatten({ c: 3, a: 1 })), '1,,3\n');
  assert.equal(formatter.format(flattener.flatten({ c: 6, a: 4 })), '4,,6\n');
});

test('new columns are listed in order of first appearance', () => {
  const flattener = new ResultFlattener();
  const rows = [flattener.flatten({ a: 1, b: 2 }), flattener.flatten({ c: 3, a: 1, d: 4 })];
  assert.deepEqual(newColumns(['a'], rows), ['b', 'c', 'd']);
});

test('widening pads every old record so it lines up with the new header', () => {
  const widened = widenCsv('a,b\n1,2\n3,4\n', ['a', 'b', 'c', 'd'], 2);
  assert.equal(widened, 'a,b,c,d\n1,2,,\n3,4,,\n');
});
