import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensurePrivateDir, runtimeLocation, workspaceHash } from '../../../extension/runtime_location';

test('the runtime lives in a per-user folder under tmp, one subfolder per workspace', () => {
  const loc = runtimeLocation('/home/ada/project', { tmpdir: '/tmp', uid: 1000 });
  assert.equal(loc.dir, `/tmp/tunekit-1000/${workspaceHash('/home/ada/project')}`);
  assert.equal(loc.socketPath, `${loc.dir}/runtime.sock`);
  assert.equal(loc.logFile, `${loc.dir}/runtime.log`);
});

test('XDG_RUNTIME_DIR is preferred when set', () => {
  const loc = runtimeLocation('/p', { xdgRuntimeDir: '/run/user/1000', tmpdir: '/tmp', uid: 1000 });
  assert.equal(loc.dir, `/run/user/1000/tunekit/${workspaceHash('/p')}`);
});

test('two workspaces get two runtimes and the same workspace always the same one', () => {
  const inputs = { tmpdir: '/tmp', uid: 1 };
  assert.notEqual(runtimeLocation('/a', inputs).socketPath, runtimeLocation('/b', inputs).socketPath);
  assert.equal(runtimeLocation('/a', inputs).socketPath, runtimeLocation('/a', inputs).socketPath);
});

test('a socket path too long for Unix sockets falls back to /tmp', () => {
  const loc = runtimeLocation('/p', { tmpdir: `/var/folders/${'x'.repeat(90)}`, uid: 7 });
  assert.equal(loc.dir, `/tmp/tunekit-7/${workspaceHash('/p')}`);
  assert.ok(Buffer.byteLength(loc.socketPath) <= 100);
});

test('the folder is created private (0700) with its parent', () => {
  const root = mkdtempSync(join(tmpdir(), 'tk-loc-'));
  try {
    const dir = join(root, 'tunekit-0', 'abc');
    ensurePrivateDir(dir, process.getuid!());
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(root, 'tunekit-0')).mode & 0o777, 0o700);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a folder left open to others is closed again, and one owned by someone else is refused', () => {
  const root = mkdtempSync(join(tmpdir(), 'tk-loc-'));
  try {
    const dir = join(root, 'base', 'ws');
    mkdirSync(dir, { recursive: true, mode: 0o777 });
    ensurePrivateDir(dir, process.getuid!());
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.throws(() => ensurePrivateDir(dir, process.getuid!() + 1), /belongs to another user/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a symlink planted where the folder should be is refused', () => {
  const root = mkdtempSync(join(tmpdir(), 'tk-loc-'));
  try {
    mkdirSync(join(root, 'base'));
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'base', 'ws'));
    assert.throws(() => ensurePrivateDir(join(root, 'base', 'ws'), process.getuid!()), /not a plain folder/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
