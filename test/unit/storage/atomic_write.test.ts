import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../../runtime/storage/atomic_write';
import type { FileSystem } from '../../../runtime/storage/file_system';
import { StorageError } from '../../../runtime/storage/storage_error';
import { enospc, scratchDir } from './scratch_dir';

test('an atomic write replaces the content and leaves no temp file behind', async (t) => {
  const dir = scratchDir(t);
  const path = join(dir, 'experiment.json');
  writeFileSync(path, 'old');
  await writeJsonAtomic(path, { a: 1 });
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { a: 1 });
  assert.deepEqual(readdirSync(dir), ['experiment.json']);
});

test('a failed atomic write keeps the old content and removes its temp file', async (t) => {
  const dir = scratchDir(t);
  const path = join(dir, 'params.json');
  writeFileSync(path, 'old content');
  const diskFull: FileSystem = {
    ...fsp,
    open: async (file, flags, mode) => {
      const handle = await fsp.open(file, flags, mode);
      handle.writeFile = async () => {
        throw enospc();
      };
      return handle;
    },
  };
  await assert.rejects(writeFileAtomic(path, 'new content', diskFull), (err: unknown) => {
    assert.ok(err instanceof StorageError);
    assert.equal(err.code, 'ENOSPC');
    assert.match(err.message, /params\.json.*no space left/);
    return true;
  });
  assert.equal(readFileSync(path, 'utf8'), 'old content');
  assert.deepEqual(readdirSync(dir), ['params.json']);
});

test('an atomic write into a missing directory fails with the path in the message', async (t) => {
  const dir = scratchDir(t);
  await assert.rejects(writeFileAtomic(join(dir, 'nope', 'x.json'), '{}'), /Could not write .*nope\/x\.json/);
});
