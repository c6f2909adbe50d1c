import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSystem } from '../../../runtime/storage/file_system';
import { Journal, readJournal } from '../../../runtime/storage/journal';
import { enospc, scratchDir } from './scratch_dir';

const grant = { trainable: { CPU: 1, gpus: [] }, workers: [{ CPU: 1, gpus: [{ index: 0, fraction: 1 }] }] };

/** The real filesystem, counting fdatasync/fsync calls on files it opens. */
function countingSyncs(): { fs: FileSystem; syncs: () => number } {
  let syncs = 0;
  const fs: FileSystem = {
    ...fsp,
    open: async (path, flags, mode) => {
      const handle = await fsp.open(path, flags, mode);
      const datasync = handle.datasync.bind(handle);
      handle.datasync = async () => {
        await datasync();
        syncs++;
      };
      return handle;
    },
  };
  return { fs, syncs: () => syncs };
}

test('journal events read back in order, each synced to disk before its append resolves', async (t) => {
  const path = join(scratchDir(t), 'events.jsonl');
  const { fs, syncs } = countingSyncs();
  const journal = new Journal(path, fs);
  await journal.append({ type: 'experiment_started', ts: 1.5, experiment_id: 'a1b2c', name: 'exp' });
  assert.equal(syncs(), 1);
  await journal.append({ type: 'trial_created', trial_id: 't0', trial_name: 'T_0', trial_dir_name: 'T_0_lr=1', index: 0, config: { lr: 1 } });
  await journal.append({ type: 'trial_started', trial_id: 't0', grant, pids: [11, 12] });
  await journal.append({ type: 'trial_finished', trial_id: 't0', status: 'ERROR', reason: 'worker 1 exited with code 3', exit_code: 3 });
  assert.equal(syncs(), 4);
  await journal.close();
  const events = await readJournal(path);
  assert.deepEqual(
    events.map((e) => e.type),
    ['experiment_started', 'trial_created', 'trial_started', 'trial_finished'],
  );
  assert.equal(events[0].ts, 1.5);
  assert.ok(events[1].ts > 1e9, 'a missing ts is stamped with the current epoch seconds');
  assert.deepEqual(events[2], { type: 'trial_started', trial_id: 't0', grant, pids: [11, 12], ts: events[2].ts });
});

test('appends made without waiting land in call order', async (t) => {
  const path = join(scratchDir(t), 'events.jsonl');
  const journal = new Journal(path);
  const pending = Array.from({ length: 50 }, (_, i) =>
    journal.append({ type: 'trial_waiting', trial_id: `t${i}`, reason: 'needs 1 GPU, 0 free' }),
  );
  await Promise.all(pending);
  await journal.close();
  const ids = (await readJournal(path)).map((e) => (e as { trial_id: string }).trial_id);
  assert.deepEqual(ids, Array.from({ length: 50 }, (_, i) => `t${i}`));
});

test('a reader skips event types it does not know', async (t) => {
  const path = join(scratchDir(t), 'events.jsonl');
  writeFileSync(
    path,
    '{"type":"experiment_started","ts":1,"experiment_id":"a1b2c","name":"x"}\n' +
      '{"type":"written_by_a_newer_version","ts":2,"from":"t1"}\n' +
      '{"ts":3}\n' +
      '{"type":"experiment_finished","ts":4,"status":"finished"}\n',
  );
  const events = await readJournal(path);
  assert.deepEqual(events.map((e) => e.type), ['experiment_started', 'experiment_finished']);
});

test('reopening a journal torn by a crash trims the torn line before appending', async (t) => {
  const path = join(scratchDir(t), 'events.jsonl');
  const first = new Journal(path);
  await first.append({ type: 'experiment_started', experiment_id: 'a1b2c', name: 'x' });
  await first.close();
  appendFileSync(path, '{"type":"trial_wai');
  const second = new Journal(path);
  await second.append({ type: 'experiment_finished', status: 'stopped' });
  await second.close();
  const events = await readJournal(path);
  assert.deepEqual(events.map((e) => e.type), ['experiment_started', 'experiment_finished']);
});

test('a failed append is reported and leaves no partial line before the next event', async (t) => {
  const path = join(scratchDir(t), 'events.jsonl');
  let failNext = false;
  const fs: FileSystem = {
    ...fsp,
    open: async (file, flags, mode) => {
      const handle = await fsp.open(file, flags, mode);
      const write = handle.write.bind(handle) as (b: Buffer, o: number, l: number) => Promise<{ bytesWritten: number }>;
      (handle as { write: unknown }).write = async (buffer: Buffer, offset: number, length: number) => {
        if (!failNext) return write(buffer, offset, length);
        failNext = false;
        await write(buffer, offset, Math.floor(length / 2));
        throw enospc();
      };
      return handle;
    },
  };
  const journal = new Journal(path, fs);
  await journal.append({ type: 'experiment_started', experiment_id: 'a1b2c', name: 'x' });
  failNext = true;
  await assert.rejects(journal.append({ type: 'trial_waiting', trial_id: 't0', reason: 'r' }), /ENOSPC|no space/);
  await journal.append({ type: 'experiment_finished', status: 'failed', reason: 'disk full' });
  await journal.close();
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => JSON.parse(l).type), ['experiment_started', 'experiment_finished']);
});
