import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  commitCheckpoint,
  latestCheckpoint,
  listCheckpoints,
  removeTempCheckpoints,
} from '../../../runtime/storage/checkpoints';
import type { FileSystem } from '../../../runtime/storage/file_system';
import { StorageError } from '../../../runtime/storage/storage_error';
import { enospc, scratchDir } from './scratch_dir';

function tree(root: string, files: Record<string, string>): string {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

function setup(t: Parameters<typeof scratchDir>[0]): { trialDir: string; root: string } {
  const root = scratchDir(t);
  const trialDir = join(root, 'trial');
  mkdirSync(trialDir);
  return { trialDir, root };
}

test('a commit copies nested files from every source and leaves the sources in place', async (t) => {
  const { trialDir, root } = setup(t);
  const rank0 = tree(join(root, 'rank0'), { 'model.pt': 'weights', 'shards/0.bin': 's0', 'meta/deep/info.json': '{}' });
  const rank1 = tree(join(root, 'rank1'), { 'shards/1.bin': 's1' });
  const name = await commitCheckpoint(trialDir, [rank0, rank1], 4);
  assert.equal(name, 'checkpoint_000004');
  const dir = join(trialDir, name);
  assert.equal(readFileSync(join(dir, 'model.pt'), 'utf8'), 'weights');
  assert.deepEqual(readdirSync(join(dir, 'shards')).sort(), ['0.bin', '1.bin']);
  assert.equal(readFileSync(join(dir, 'meta/deep/info.json'), 'utf8'), '{}');
  assert.ok(existsSync(join(rank0, 'model.pt')), 'copied, not moved');
  assert.deepEqual(readdirSync(trialDir), ['checkpoint_000004']);
});

test('two sources holding the same file keep the first (lowest rank) copy', async (t) => {
  const { trialDir, root } = setup(t);
  const a = tree(join(root, 'a'), { 'model.pt': 'a' });
  const b = tree(join(root, 'b'), { 'model.pt': 'b', 'rank1.pt': 'r1' });
  const name = await commitCheckpoint(trialDir, [a, b], 0);
  assert.equal(readFileSync(join(trialDir, name, 'model.pt'), 'utf8'), 'a');
  assert.equal(readFileSync(join(trialDir, name, 'rank1.pt'), 'utf8'), 'r1');
});

test('a file in one source and a directory of the same name in another is an error and creates nothing', async (t) => {
  const { trialDir, root } = setup(t);
  const a = tree(join(root, 'a'), { 'model.pt': 'a' });
  const b = tree(join(root, 'b'), { 'model.pt/inner': 'b' });
  await assert.rejects(commitCheckpoint(trialDir, [a, b], 0), /both contain model\.pt/);
  assert.deepEqual(readdirSync(trialDir), []);
});

test('a file vanishing mid-copy leaves no new checkpoint and the earlier one intact', async (t) => {
  const { trialDir, root } = setup(t);
  const first = tree(join(root, 'first'), { 'model.pt': 'v1' });
  await commitCheckpoint(trialDir, [first], 0);
  const second = tree(join(root, 'second'), { 'a.bin': 'a', 'b.bin': 'b', 'c.bin': 'c' });
  let copies = 0;
  const vanishing: FileSystem = {
    ...fsp,
    copyFile: async (from, to, mode) => {
      if (++copies === 2) rmSync(from);
      return fsp.copyFile(from, to, mode);
    },
  };
  await assert.rejects(commitCheckpoint(trialDir, [second], 1, vanishing), (err: unknown) => {
    assert.ok(err instanceof StorageError);
    assert.equal(err.code, 'ENOENT');
    assert.match(err.message, /Could not commit checkpoint_000001/);
    return true;
  });
  assert.deepEqual(readdirSync(trialDir), ['checkpoint_000000']);
  assert.equal(readFileSync(join(trialDir, 'checkpoint_000000/model.pt'), 'utf8'), 'v1');
});

test('a full disk during a commit is reported as ENOSPC and cleaned up', async (t) => {
  const { trialDir, root } = setup(t);
  const source = tree(join(root, 'src'), { 'model.pt': 'w' });
  const full: FileSystem = {
    ...fsp,
    copyFile: async () => {
      throw enospc();
    },
  };
  await assert.rejects(commitCheckpoint(trialDir, [source], 0, full), { code: 'ENOSPC' });
  assert.deepEqual(readdirSync(trialDir), []);
});

test('a source that is not a directory is refused', async (t) => {
  const { trialDir, root } = setup(t);
  writeFileSync(join(root, 'file.pt'), 'x');
  await assert.rejects(commitCheckpoint(trialDir, [join(root, 'file.pt')], 0), /not a readable directory/);
  await assert.rejects(commitCheckpoint(trialDir, [join(root, 'missing')], 0), /not a readable directory/);
  await assert.rejects(commitCheckpoint(trialDir, [], 0), /at least one source/);
});

test('a symlink pointing out of the source is refused', async (t) => {
  const { trialDir, root } = setup(t);
  writeFileSync(join(root, 'secret'), 'outside');
  const source = tree(join(root, 'src'), { 'model.pt': 'w' });
  symlinkSync(join(root, 'secret'), join(source, 'leak'));
  await assert.rejects(commitCheckpoint(trialDir, [source], 0), /Symlink leak .* points outside it/);
  assert.deepEqual(readdirSync(trialDir), []);
});

test('a symlink to a file inside the source is copied as that file', async (t) => {
  const { trialDir, root } = setup(t);
  const source = tree(join(root, 'src'), { 'weights/real.pt': 'w' });
  symlinkSync('weights/real.pt', join(source, 'latest.pt'));
  const name = await commitCheckpoint(trialDir, [source], 0);
  const copied = join(trialDir, name, 'latest.pt');
  assert.equal((await fsp.lstat(copied)).isFile(), true);
  assert.equal(readFileSync(copied, 'utf8'), 'w');
});

test('a symlink to a directory is refused', async (t) => {
  const { trialDir, root } = setup(t);
  const source = tree(join(root, 'src'), { 'weights/real.pt': 'w' });
  symlinkSync('weights', join(source, 'alias'));
  await assert.rejects(commitCheckpoint(trialDir, [source], 0), /points to a directory/);
});

test('committing an index that already exists is refused and keeps the old checkpoint', async (t) => {
  const { trialDir, root } = setup(t);
  await commitCheckpoint(trialDir, [tree(join(root, 'a'), { 'm.pt': 'old' })], 2);
  await assert.rejects(commitCheckpoint(trialDir, [tree(join(root, 'b'), { 'm.pt': 'new' })], 2), /already exists/);
  assert.equal(readFileSync(join(trialDir, 'checkpoint_000002/m.pt'), 'utf8'), 'old');
});

test('the latest checkpoint is the highest complete one, never a temp leftover', async (t) => {
  const { trialDir } = setup(t);
  assert.equal(await latestCheckpoint(trialDir), undefined);
  for (const name of ['checkpoint_000001', 'checkpoint_000010', 'checkpoint_000002', '.tmp_checkpoint_abc123']) {
    mkdirSync(join(trialDir, name));
  }
  mkdirSync(join(trialDir, '.tmp_checkpoint_zzzzzz', 'checkpoint_000099'), { recursive: true });
  writeFileSync(join(trialDir, 'checkpoint_000050'), 'a file, not a checkpoint');
  assert.equal(await latestCheckpoint(trialDir), 'checkpoint_000010');
  assert.deepEqual((await listCheckpoints(trialDir)).map((c) => c.index), [1, 2, 10]);
});

test('startup cleanup removes temp leftovers and nothing else', async (t) => {
  const { trialDir } = setup(t);
  mkdirSync(join(trialDir, '.tmp_checkpoint_abc123', 'deep'), { recursive: true });
  mkdirSync(join(trialDir, 'checkpoint_000000'));
  writeFileSync(join(trialDir, 'result.json'), '');
  assert.deepEqual(await removeTempCheckpoints(trialDir), ['.tmp_checkpoint_abc123']);
  assert.deepEqual(readdirSync(trialDir).sort(), ['checkpoint_000000', 'result.json']);
});

test('a missing trial directory has no checkpoints', async (t) => {
  const { root } = setup(t);
  assert.deepEqual(await listCheckpoints(join(root, 'nope')), []);
});
