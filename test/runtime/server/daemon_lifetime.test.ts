import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RuntimeRequests } from '../../../protocol/runtime_api';
import { attach, spawnDaemon, workspace } from './daemon_harness';

describe('the runtime daemon lifetime', () => {
  it('exits after the idle time when no client ever attaches, removing its socket', async () => {
    const ws = workspace();
    const daemon = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '0.3']);
    try {
      const started = Date.now();
      assert.equal((await daemon.exited).code, 0);
      assert.ok(Date.now() - started < 4000);
      assert.equal(existsSync(ws.socket), false);
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });

  it('a second daemon on the same socket exits 0 at once and leaves the first one serving', async () => {
    const ws = workspace();
    const first = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '2']);
    try {
      const client = await attach(ws.socket);
      const second = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '2']);
      assert.equal((await second.exited).code, 0);
      const info = await client.rpc.sendRequest<{ pid: number }>(RuntimeRequests.runtimeInfo.method, {});
      assert.equal(info.pid, first.child.pid);
      assert.ok(lstatSync(ws.socket).isSocket());
      await client.close();
    } finally {
      first.child.kill('SIGKILL');
      ws.cleanup();
    }
  });

  it('replaces a stale socket file that nothing listens on', async () => {
    const ws = workspace();
    // A socket file bound and abandoned, as a killed daemon leaves it.
    spawnSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(ws.socket)})`]);
    assert.ok(lstatSync(ws.socket).isSocket());
    const daemon = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '1']);
    try {
      const client = await attach(ws.socket);
      const info = await client.rpc.sendRequest<{ pid: number }>(RuntimeRequests.runtimeInfo.method, {});
      assert.equal(info.pid, daemon.child.pid);
      await client.close();
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });

  it('refuses a socket directory that other users could enter', async () => {
    const ws = workspace();
    chmodSync(ws.socketDir, 0o755);
    try {
      const daemon = spawnDaemon(['--socket', ws.socket]);
      assert.equal((await daemon.exited).code, 2);
      assert.match(daemon.stderr(), /has mode 0755; it must be 0700/);
      assert.equal(existsSync(ws.socket), false);
    } finally {
      ws.cleanup();
    }
  });
});
