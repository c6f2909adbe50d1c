import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportServer } from '../../../runtime/report/report_server';
import { RawPeer } from './report_harness';

function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tk-sock-'));
  chmodSync(dir, 0o700);
  return dir;
}

const listen = (socketPath: string) =>
  ReportServer.listen({ socketPath, token: 'a'.repeat(64), worldSize: 1, onReport: async () => ({ checkpoint_dir_name: null }) });

test('the socket file is readable and writable by its owner only, and removed on close', async () => {
  const dir = privateDir();
  try {
    const socketPath = join(dir, 'report.sock');
    const server = await listen(socketPath);
    const stat = statSync(socketPath);
    assert.ok(stat.isSocket());
    assert.equal(stat.mode & 0o777, 0o600);
    const peer = await RawPeer.connect(socketPath);
    await server.close();
    await peer.closed;
    assert.equal(existsSync(socketPath), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale socket file left by a dead driver is replaced', async () => {
  const dir = privateDir();
  try {
    const socketPath = join(dir, 'report.sock');
    // A process that binds and exits without unlinking leaves exactly what a crashed driver does.
    const bind = `import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])`;
    assert.equal(spawnSync('/usr/bin/python3', ['-c', bind, socketPath]).status, 0);
    assert.ok(statSync(socketPath).isSocket());
    const server = await listen(socketPath);
    const peer = await RawPeer.connect(socketPath);
    assert.equal((await peer.hello('a'.repeat(64), 0)).type, 'welcome');
    peer.destroy();
    await server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a regular file at the socket path is neither replaced nor deleted', async () => {
  const dir = privateDir();
  try {
    const socketPath = join(dir, 'report.sock');
    writeFileSync(socketPath, 'precious');
    await assert.rejects(listen(socketPath), /exists and is not a socket/);
    assert.equal(readFileSync(socketPath, 'utf8'), 'precious');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a socket path longer than a Unix socket allows is refused with its length', async () => {
  await assert.rejects(listen(`/tmp/${'d'.repeat(120)}/report.sock`), /is 137 bytes, more than the 107/);
  await assert.rejects(listen('relative/report.sock'), /must be absolute/);
});

test('limits that are not positive integers are refused before anything listens', async () => {
  const dir = privateDir();
  try {
    const socketPath = join(dir, 'report.sock');
    const base = { socketPath, token: 't', onReport: async () => ({ checkpoint_dir_name: null }) };
    await assert.rejects(ReportServer.listen({ ...base, worldSize: 0 }), /worldSize must be a positive integer/);
    await assert.rejects(ReportServer.listen({ ...base, worldSize: 1, maxLineBytes: 0.5 }), /maxLineBytes/);
    await assert.rejects(ReportServer.listen({ ...base, worldSize: 1, helloTimeoutMs: -1 }), /helloTimeoutMs/);
    await assert.rejects(ReportServer.listen({ ...base, worldSize: 1, maxConsecutiveErrors: -1 }), /maxConsecutiveErrors/);
    await assert.rejects(ReportServer.listen({ ...base, token: '', worldSize: 1 }), /token must not be empty/);
    assert.equal(existsSync(socketPath), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
