import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineBuffer } from '../../../runtime/storage/line_buffer';

const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');

test('taken text comes back exactly, multi-byte characters included', () => {
  const buffer = new LineBuffer();
  const lines = Array.from({ length: 300 }, (_, i) => `{"i":${i},"name":"λ-état-🚀"}\n`);
  for (const line of lines) buffer.write(line);
  assert.equal(text(buffer.take()), lines.join(''));
  assert.deepEqual(buffer.take(), []);
  assert.equal(buffer.byteLength, 0);
});

test('text taken earlier is not overwritten by later writes', () => {
  const buffer = new LineBuffer();
  buffer.write('first\n');
  const first = buffer.take();
  for (let i = 0; i < 1000; i++) buffer.write('later line\n');
  const later = buffer.take();
  assert.equal(text(first), 'first\n');
  assert.equal(text(later), 'later line\n'.repeat(1000));
});

test('a line larger than a chunk is kept whole', () => {
  const buffer = new LineBuffer();
  const big = `${'x'.repeat(600 * 1024)}\n`;
  buffer.write('a\n');
  buffer.write(big);
  buffer.write('b\n');
  assert.ok(buffer.byteLength >= big.length);
  assert.equal(text(buffer.take()), `a\n${big}b\n`);
});

test('multi-byte lines that fill chunk after chunk are never split across a chunk boundary', () => {
  const buffer = new LineBuffer();
  const lines = Array.from({ length: 40_000 }, (_, i) => `${'é'.repeat(i % 7)}🚀${i}\n`);
  for (const line of lines) buffer.write(line);
  const chunks = buffer.take();
  assert.ok(chunks.length > 1, 'the lines span several chunks');
  for (const chunk of chunks) assert.equal(chunk.toString('utf8').endsWith('\n'), true);
  assert.equal(text(chunks), lines.join(''));
});
