import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonLines, trimTornLine } from '../../../runtime/storage/jsonl';
import { scratchDir } from './scratch_dir';

test('a torn last line is skipped on read and left in place', async (t) => {
  const path = join(scratchDir(t), 'result.json');
  writeFileSync(path, '{"i":1}\n{"i":2}\n{"i":3,"lo');
  assert.deepEqual(await readJsonLines(path), [{ i: 1 }, { i: 2 }]);
  assert.equal(readFileSync(path, 'utf8'), '{"i":1}\n{"i":2}\n{"i":3,"lo');
});

test('trimming cuts the file to its last complete line', async (t) => {
  const path = join(scratchDir(t), 'events.jsonl');
  writeFileSync(path, '{"i":1}\n{"i":2}\n{"i":3');
  assert.equal(await trimTornLine(path), 6);
  assert.equal(readFileSync(path, 'utf8'), '{"i":1}\n{"i":2}\n');
});

test('a last line without its newline counts as torn even when it parses', async (t) => {
  const path = join(scratchDir(t), 'a.jsonl');
  writeFileSync(path, '{"i":1}\n{"i":2}');
  assert.deepEqual(await readJsonLines(path), [{ i: 1 }]);
  await trimTornLine(path);
  assert.equal(readFileSync(path, 'utf8'), '{"i":1}\n');
});

test('a missing file reads as no records', async (t) => {
  assert.deepEqual(await readJsonLines(join(scratchDir(t), 'none.jsonl')), []);
});

test('a corrupt line before the last one is an error naming the line', async (t) => {
  const path = join(scratchDir(t), 'bad.jsonl');
  writeFileSync(path, '{"i":1}\nnot json\n{"i":3}\n');
  await assert.rejects(readJsonLines(path), /Line 2 of .*bad\.jsonl is not valid JSON/);
});

test('trimming refuses a symlink and leaves the file it points to whole', async (t) => {
  const dir = scratchDir(t);
  const outside = join(dir, 'outside.txt');
  writeFileSync(outside, 'line one\nno newline here');
  symlinkSync(outside, join(dir, 'result.json'));
  await assert.rejects(trimTornLine(join(dir, 'result.json')), /Refusing to trim .*result\.json: it is a symlink/);
  assert.equal(readFileSync(outside, 'utf8'), 'line one\nno newline here');
});

test('trimming a torn tail longer than one read chunk finds the last newline', async (t) => {
  const path = join(scratchDir(t), 'big.jsonl');
  const torn = `{"blob":"${'x'.repeat(200_000)}`;
  writeFileSync(path, `{"i":1}\n${torn}`);
  assert.equal(await trimTornLine(path), Buffer.byteLength(torn));
  assert.equal(readFileSync(path, 'utf8'), '{"i":1}\n');
});

test('trimming a file with no newline at all empties it', async (t) => {
  const path = join(scratchDir(t), 'only-torn.jsonl');
  writeFileSync(path, '{"i":');
  await trimTornLine(path);
  assert.equal(readFileSync(path, 'utf8'), '');
});
