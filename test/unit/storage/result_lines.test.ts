import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultLines, readResultLines } from '../../../runtime/storage/result_lines';

const row = (i: number, checkpoint: string | null) => JSON.stringify({ i, training_iteration: i, checkpoint_dir_name: checkpoint });

test('the last row and the count come back without parsing a broken row in the middle, which fails with its line number once asked for', () => {
  const text = [row(1, null), '{"i": 2, broken}', '', row(3, null)].join('\n') + '\n';
  const lines = ResultLines.of(text, 'trial/result.json');
  assert.equal(lines.length, 3);
  assert.deepEqual(lines.last(), { i: 3, training_iteration: 3, checkpoint_dir_name: null });
  assert.throws(() => lines.row(1), /Line 2 of trial\/result\.json is not valid JSON/);
  assert.throws(() => lines.from(0), /Line 2 of trial\/result\.json is not valid JSON/);
});

test('a line that is not shaped like a JSON object is refused when the file is read, with its line number', () => {
  assert.throws(() => ResultLines.of(`${row(1, null)}\n[1, 2]\n`, 'r.json'), /Line 2 of r\.json is not a JSON object/);
  assert.throws(() => ResultLines.of(`${row(1, null)}\n{"cut": 1\n`, 'r.json'), /Line 2 of r\.json is not a JSON object/);
});

test('every checkpoint a row names is found, whatever the spacing, and a nested key of the same name is not one', () => {
  const text = [
    row(1, null),
    row(2, 'checkpoint_000000'),
    '{"i": 3, "checkpoint_dir_name" :\t"checkpoint_000001"}',
    '{"i": 4, "nested": {"checkpoint_dir_name": "checkpoint_999999"}, "checkpoint_dir_name": null}',
    '{"i": 5, "note": "\\"checkpoint_dir_name\\":\\"checkpoint_888888\\"", "checkpoint_dir_name": null}',
    row(6, 'checkpoint_000000'),
  ].join('\n');
  const lines = ResultLines.of(`${text}\n`, 'r.json');
  assert.deepEqual(lines.checkpointNames(), ['checkpoint_000000', 'checkpoint_000001', 'checkpoint_000000']);
  assert.equal(lines.lastNaming('checkpoint_000000')?.i, 6);
  assert.equal(lines.lastNaming('checkpoint_000001')?.i, 3);
  assert.equal(lines.lastNaming('checkpoint_999999'), undefined);
});

test('rows from an index are the parsed rows in file order, and a row is parsed once', () => {
  const lines = ResultLines.of([1, 2, 3, 4].map((i) => row(i, null)).join('\n') + '\n', 'r.json');
  const tail = lines.from(2);
  assert.deepEqual(
    tail.map((r) => r.i),
    [3, 4],
  );
  assert.equal(lines.last(), tail[1]);
});

test('reading a result.json skips a torn last line, and a missing file has no rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-result-lines-'));
  writeFileSync(join(dir, 'result.json'), `${row(1, null)}\n${row(2, null)}\n{"i": 3, "tor`);
  const lines = await readResultLines(join(dir, 'result.json'));
  assert.equal(lines.length, 2);
  assert.equal(lines.last()?.i, 2);
  assert.equal((await readResultLines(join(dir, 'missing.json'))).length, 0);
});
