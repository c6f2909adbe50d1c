import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvColumns, ResultFlattener, csvLine, parseCsvLine, widenCsv } from '../../../runtime/storage/progress_csv';

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
  const columns = new CsvColumns(['a', 'b', 'c', 'd', 'e', 'z']);
  assert.equal(columns.add(row.keys), 0);
  assert.equal(columns.format(row), ',nan,-inf,true,"[1,""x""]",\n');
});

test('a row is written under the header order, whatever order its keys came in', () => {
  const flattener = new ResultFlattener();
  const columns = new CsvColumns(['a', 'b', 'c']);
  for (const [result, line] of [
    [{ c: 3, a: 1 }, '1,,3\n'],
    [{ c: 6, a: 4 }, '4,,6\n'],
  ] as const) {
    const row = flattener.flatten(result);
    columns.add(row.keys);
    assert.equal(columns.format(row), line);
  }
});

test('unknown keys become new last columns, in order of first appearance', () => {
  const flattener = new ResultFlattener();
  const columns = new CsvColumns(['a']);
  assert.equal(columns.add(flattener.flatten({ a: 1, b: 2 }).keys), 1);
  const row = flattener.flatten({ c: 3, a: 1, d: { e: 4 } });
  assert.equal(columns.add(row.keys), 2);
  assert.deepEqual(columns.header, ['a', 'b', 'c', 'd/e']);
  assert.equal(columns.format(row), '1,,3,4\n');
});

test('alternating result shapes reuse their key lists', () => {
  const flattener = new ResultFlattener();
  const first = [flattener.flatten({ a: 1 }), flattener.flatten({ b: 1 })];
  const again = [flattener.flatten({ a: 2 }), flattener.flatten({ b: 2 })];
  assert.equal(again[0].keys, first[0].keys);
  assert.equal(again[1].keys, first[1].keys);
});

test('widening pads every old record so it lines up with the new header', () => {
  const widened = widenCsv('a,b\n1,2\n3,4\n', ['a', 'b', 'c', 'd'], 2);
  assert.equal(widened, 'a,b,c,d\n1,2,,\n3,4,,\n');
});

test('a column repeating, changing and repeating its value is written as each row holds it', () => {
  const flattener = new ResultFlattener();
  const columns = new CsvColumns(['a', 'b', 'c/d']);
  const lines = [
    { a: 1, b: 'x,y', c: { d: true } },
    { a: 1, b: 'x,y', c: { d: true } },
    { a: 2, b: 'plain', c: { d: false } },
    { a: 1, b: 'x,y', c: { d: true } },
    { a: NaN, b: 'plain' },
  ].map((result) => {
    const row = flattener.flatten(result);
    columns.add(row.keys);
    return columns.format(row);
  });
  assert.deepEqual(lines, ['1,"x,y",true\n', '1,"x,y",true\n', '2,plain,false\n', '1,"x,y",true\n', 'nan,plain,\n']);
});

test('an array reported again after it changed is written as it is now, not as it was', () => {
  const flattener = new ResultFlattener();
  const columns = new CsvColumns(['h']);
  const hist = [1];
  const first = flattener.flatten({ h: hist });
  columns.add(first.keys);
  assert.equal(columns.format(first), '[1]\n');
  hist.push(2);
  const second = flattener.flatten({ h: hist });
  assert.equal(columns.format(second), '"[1,2]"\n');
});

test('only a result\'s own keys become columns, even if something added keys to Object.prototype', () => {
  const proto = Object.prototype as Record<string, unknown>;
  proto.polluted = 1;
  try {
    const flat = new ResultFlattener().flatten({ a: 1, nested: { b: 2 } });
    assert.deepEqual(flat.keys, ['a', 'nested/b']);
  } finally {
    delete proto.polluted;
  }
});
