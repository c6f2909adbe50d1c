import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSystem } from '../../../runtime/storage/file_system';
import { parseCsvLine } from '../../../runtime/storage/progress_csv';
import { TrialResults } from '../../../runtime/storage/trial_results';
import { enospc, scratchDir } from './scratch_dir';

function resultLines(dir: string): unknown[] {
  return readFileSync(join(dir, 'result.json'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
}

function csvTable(dir: string): string[][] {
  return readFileSync(join(dir, 'progress.csv'), 'utf8').trimEnd().split('\n').map(parseCsvLine);
}

test('10,000 appended results all parse after close, in order', async (t) => {
  const dir = scratchDir(t);
  const results = new TrialResults(dir);
  for (let i = 0; i < 10_000; i++) {
    results.append({ training_iteration: i + 1, loss: 1 / (i + 1), config: { lr: 0.01 }, done: false });
  }
  await results.close();
  const lines = resultLines(dir) as Array<{ training_iteration: number }>;
  assert.equal(lines.length, 10_000);
  assert.deepEqual(lines.map((l) => l.training_iteration), Array.from({ length: 10_000 }, (_, i) => i + 1));
  assert.equal(csvTable(dir).length, 10_001);
});

test('a key that appears later widens progress.csv and keeps every row aligned', async (t) => {
  const dir = scratchDir(t);
  const results = new TrialResults(dir);
  results.append({ training_iteration: 1, loss: 0.9 });
  await results.flush();
  results.append({ training_iteration: 2, loss: 0.8, checkpoint_dir_name: 'checkpoint_000000' });
  await results.flush();
  results.append({ training_iteration: 3, loss: 0.7, eval: { acc: 0.5 } });
  results.append({ training_iteration: 4, loss: 0.6 });
  await results.close();
  assert.deepEqual(csvTable(dir), [
    ['training_iteration', 'loss', 'checkpoint_dir_name', 'eval/acc'],
    ['1', '0.9', '', ''],
    ['2', '0.8', 'checkpoint_000000', ''],
    ['3', '0.7', '', '0.5'],
    ['4', '0.6', '', ''],
  ]);
});

test('rows waiting in memory are padded when a later result in the same batch adds a key', async (t) => {
  const dir = scratchDir(t);
  const results = new TrialResults(dir);
  results.append({ a: 1 });
  await results.flush();
  results.append({ a: 2 });
  results.append({ a: 3, b: 'x' });
  results.append({ b: 'y', c: 4 });
  await results.close();
  assert.deepEqual(csvTable(dir), [['a', 'b', 'c'], ['1', '', ''], ['2', '', ''], ['3', 'x', ''], ['', 'y', '4']]);
});

test('resuming with different keys merges them into the existing header', async (t) => {
  const dir = scratchDir(t);
  const first = new TrialResults(dir);
  first.append({ x: 1, y: 2 });
  await first.close();
  const second = new TrialResults(dir);
  second.append({ y: 3, z: 4 });
  await second.close();
  assert.deepEqual(csvTable(dir), [['x', 'y', 'z'], ['1', '2', ''], ['', '3', '4']]);
});

test('a trial directory that does not exist surfaces as an error on flush and on later appends', async (t) => {
  const results = new TrialResults(join(scratchDir(t), 'missing'));
  results.append({ a: 1 });
  await assert.rejects(results.flush(), /Could not open .*missing\/result\.json/);
  assert.throws(() => results.append({ a: 2 }), /Could not open/);
  await assert.rejects(results.close(), /Could not open/);
});

test('a burst larger than the buffer limit is written before the interval comes round', async (t) => {
  const dir = scratchDir(t);
  const results = new TrialResults(dir, { flushIntervalMs: 60_000, maxBufferedBytes: 1024 });
  t.after(() => results.close());
  for (let i = 0; i < 100; i++) results.append({ i, pad: 'x'.repeat(50) });
  // The interval is a minute away: rows that land within seconds were written by the burst rule.
  const deadline = Date.now() + 10_000;
  let lines = 0;
  while (Date.now() < deadline) {
    try {
      lines = resultLines(dir).length;
    } catch {
      lines = 0; // not written yet, or a line being written
    }
    if (lines === 100) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(lines, 100);
});

test('results keep flushing on their own, without a flush call', async (t) => {
  const dir = scratchDir(t);
  const results = new TrialResults(dir, { flushIntervalMs: 10 });
  t.after(() => results.close());
  results.append({ training_iteration: 1 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(resultLines(dir), [{ training_iteration: 1 }]);
});

test('reopening after a crash trims torn lines and continues under the old header', async (t) => {
  const dir = scratchDir(t);
  const first = new TrialResults(dir);
  first.append({ training_iteration: 1, loss: 0.5 });
  await first.close();
  appendFileSync(join(dir, 'result.json'), '{"training_iter');
  appendFileSync(join(dir, 'progress.csv'), '2,0.');
  const second = new TrialResults(dir);
  second.append({ training_iteration: 2, loss: 0.4 });
  await second.close();
  assert.deepEqual(resultLines(dir), [
    { training_iteration: 1, loss: 0.5 },
    { training_iteration: 2, loss: 0.4 },
  ]);
  assert.deepEqual(csvTable(dir), [['training_iteration', 'loss'], ['1', '0.5'], ['2', '0.4']]);
});

test('a full disk surfaces as an error to the caller and keeps the lines already written whole', async (t) => {
  const dir = scratchDir(t);
  let diskFull = false;
  const fs: FileSystem = {
    ...fsp,
    open: async (file, flags, mode) => {
      const handle = await fsp.open(file, flags, mode);
      const write = handle.write.bind(handle) as (b: Buffer, o: number, l: number) => Promise<{ bytesWritten: number }>;
      (handle as { write: unknown }).write = async (buffer: Buffer, offset: number, length: number) => {
        if (!diskFull) return write(buffer, offset, length);
        await write(buffer, offset, Math.floor(length / 3));
        throw enospc();
      };
      return handle;
    },
  };
  const results = new TrialResults(dir, { fs });
  results.append({ training_iteration: 1 });
  await results.flush();
  diskFull = true;
  results.append({ training_iteration: 2, padding: 'x'.repeat(1000) });
  await assert.rejects(results.flush(), (err: Error & { code?: string }) => err.code === 'ENOSPC' && /result\.json/.test(err.message));
  assert.throws(() => results.append({ training_iteration: 3 }), /ENOSPC|no space/);
  await assert.rejects(results.close(), /no space/);
  assert.equal(readFileSync(join(dir, 'result.json'), 'utf8'), '{"training_iteration":1}\n');
});

test('a result that cannot be serialized is refused at append', (t) => {
  const results = new TrialResults(scratchDir(t));
  assert.throws(() => results.append({ big: 10n }), /BigInt/);
});
