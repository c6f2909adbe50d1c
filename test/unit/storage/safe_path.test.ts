import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { UnsafePathError, resolveInside } from '../../../runtime/storage/safe_path';
import { scratchDir } from './scratch_dir';

test('a plain relative name resolves inside the base, existing or not', (t) => {
  const base = scratchDir(t);
  mkdirSync(join(base, 'trial'));
  assert.equal(resolveInside(base, 'trial'), join(base, 'trial'));
  assert.equal(resolveInside(base, 'trial/checkpoint_000001/model.pt'), join(base, 'trial/checkpoint_000001/model.pt'));
  assert.equal(resolveInside(join(base, 'not-yet'), 'x'), join(base, 'not-yet', 'x'));
});

test('climbing out, absolute paths, NUL bytes and the base itself are refused', (t) => {
  const base = scratchDir(t);
  for (const hostile of ['..', '../x', 'a/../../x', 'a/..', '/etc/passwd', '\\\\server\\share', 'a\0b', '', '.', './']) {
    assert.throws(() => resolveInside(base, hostile), UnsafePathError, JSON.stringify(hostile));
  }
});

test('a symlink pointing out of the base is refused, also for paths beneath it', (t) => {
  const root = scratchDir(t);
  const base = join(root, 'base');
  const outside = join(root, 'outside');
  mkdirSync(base);
  mkdirSync(outside);
  symlinkSync(outside, join(base, 'escape'));
  assert.throws(() => resolveInside(base, 'escape'), /symlink leads outside/);
  assert.throws(() => resolveInside(base, 'escape/new-file'), /symlink leads outside/);
});

test('a symlink that stays inside the base is accepted', (t) => {
  const base = scratchDir(t);
  mkdirSync(join(base, 'real'));
  symlinkSync(join(base, 'real'), join(base, 'alias'));
  assert.equal(resolveInside(base, 'alias/file'), join(base, 'alias/file'));
});

test('a dangling symlink is refused, as where it leads cannot be checked', (t) => {
  const base = scratchDir(t);
  symlinkSync('/nonexistent/target', join(base, 'dangling'));
  assert.throws(() => resolveInside(base, 'dangling'), /dangling symlink/);
});

test('a base reached through a symlink still accepts names inside it', (t) => {
  const root = scratchDir(t);
  mkdirSync(join(root, 'real'));
  symlinkSync(join(root, 'real'), join(root, 'link'));
  assert.equal(resolveInside(join(root, 'link'), 'x'), join(root, 'link', 'x'));
});
