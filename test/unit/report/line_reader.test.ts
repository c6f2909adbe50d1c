import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineReader, type LineEvent } from '../../../runtime/report/line_reader';

const lines = (events: LineEvent[]) => events.map((e) => (e.kind === 'line' ? e.text : `<oversized ${e.maxBytes}>`));

test('a line split across chunks arrives whole once its newline comes', () => {
  const reader = new LineReader(1024);
  assert.deepEqual(lines(reader.push(Buffer.from('{"type":'))), []);
  assert.equal(reader.bufferedBytes, 8);
  assert.deepEqual(lines(reader.push(Buffer.from('"hello"}\n{"a"'))), ['{"type":"hello"}']);
  assert.deepEqual(lines(reader.push(Buffer.from(':1}\n'))), ['{"a":1}']);
  assert.equal(reader.bufferedBytes, 0);
});

test('several lines in one chunk come out in order, empty ones included', () => {
  const reader = new LineReader(1024);
  assert.deepEqual(lines(reader.push(Buffer.from('a\nbb\n\nccc\n'))), ['a', 'bb', '', 'ccc']);
});

test('a multi-byte character split at every possible byte decodes intact', () => {
  const text = 'loss € 🎯 Ä';
  const bytes = Buffer.from(`${text}\n`);
  for (let cut = 1; cut < bytes.length; cut++) {
    const reader = new LineReader(1024);
    const events = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
    assert.deepEqual(lines(events), [text], `cut at byte ${cut}`);
  }
});

test('a line ending inside a multi-byte character does not leak its half into the next line', () => {
  const reader = new LineReader(1024);
  const euro = Buffer.from('€');
  const events = reader.push(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2), Buffer.from('\nb\n')]));
  assert.deepEqual(lines(events), ['a\uFFFD', 'b']);
});

test('a line of exactly the cap is accepted and one byte more is not', () => {
  const reader = new LineReader(8);
  assert.deepEqual(lines(reader.push(Buffer.from('12345678\n123456789\nok\n'))), ['12345678', '<oversized 8>', 'ok']);
});

test('a 10 MB line is reported once and the reader never holds more than the cap', () => {
  const cap = 1024 * 1024;
  const reader = new LineReader(cap);
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  const events: LineEvent[] = [];
  let most = 0;
  for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) {
    events.push(...reader.push(chunk));
    most = Math.max(most, reader.bufferedBytes);
  }
  events.push(...reader.push(Buffer.from('\n{"next":true}\n')));
  assert.ok(most <= cap, `held ${most} bytes`);
  assert.deepEqual(lines(events), [`<oversized ${cap}>`, '{"next":true}']);
});

test('an oversized line whose newline is in the chunk that crosses the cap does not swallow the next line', () => {
  const reader = new LineReader(4);
  assert.deepEqual(lines(reader.push(Buffer.from('abc'))), []);
  assert.deepEqual(lines(reader.push(Buffer.from('defg\nnext\n'))), ['<oversized 4>', 'next']);
});
