import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connectOrSpawn, type Attached } from '../../../extension/daemon_launch';
import { ensurePrivateDir, runtimeLocation } from '../../../extension/runtime_location';

// A stand-in daemon: listens on --socket, says its pid to each connection, exits on "quit".
const FAKE_DAEMON = `
const net = require('node:net');
const socketPath = process.argv[process.argv.indexOf('--socket') + 1];
console.log('fake daemon', process.pid, 'on', socketPath);
if (process.env.FAKE_DAEMON_FAIL) { console.error('cannot start: ' + process.env.FAKE_DAEMON_FAIL); process.exit(3); }
const server = net.createServer((c) => { c.write(process.pid + '\\n'); c.on('data', (d) => { if (String(d).includes('quit')) process.exit(0); }); });
setTimeout(() => server.listen(socketPath), Number(process.env.FAKE_DAEMON_DELAY_MS || 0));
`;

const root = mkdtempSync(join(tmpdir(), 'tk-daemon-'));
const script = join(root, 'fake_daemon.js');
writeFileSync(script, FAKE_DAEMON);
const started: number[] = [];
after(() => {
  for (const pid of started) {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
  rmSync(root, { recursive: true, force: true });
});

function freshLocation(name: string) {
  const location = runtimeLocation(join(root, name), { tmpdir: root, uid: process.getuid!() });
  ensurePrivateDir(location.dir, process.getuid!());
  return location;
}

function launch(location: ReturnType<typeof freshLocation>, env: NodeJS.ProcessEnv = {}) {
  return connectOrSpawn({ location, serverScript: script, execPath: process.execPath, env: { ...process.env, ...env }, startTimeoutMs: 5000 });
}

function pidFrom(attached: Attached): Promise<number> {
  return new Promise((resolve) => attached.socket.once('data', (d) => resolve(Number(String(d).trim()))));
}

test('with no runtime listening, the first window starts one in its own process group and the next attaches to it', async () => {
  const location = freshLocation('ws-a');
  const first = await launch(location);
  const pid = await pidFrom(first);
  started.push(pid);
  assert.equal(first.spawned, true);
  assert.equal(first.pid, pid);
  const pgid = Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
  assert.equal(pgid, pid, 'the daemon leads its own process group, so closing the window does not signal it');
  first.socket.destroy();

  const second = await launch(location);
  assert.equal(second.spawned, false);
  assert.equal(await pidFrom(second), pid);
  second.socket.destroy();
});

test('two windows opening at once start one runtime between them', async () => {
  const location = freshLocation('ws-b');
  const both = await Promise.all([launch(location, { FAKE_DAEMON_DELAY_MS: '300' }), launch(location, { FAKE_DAEMON_DELAY_MS: '300' })]);
  const pids = await Promise.all(both.map(pidFrom));
  started.push(...pids);
  assert.equal(both.filter((a) => a.spawned).length, 1);
  assert.equal(pids[0], pids[1]);
  for (const a of both) a.socket.destroy();
});

test('a socket file left by a dead runtime does not stop a new one from starting', async () => {
  const location = freshLocation('ws-c');
  writeFileSync(location.socketPath, '');
  const attached = await launch(location);
  started.push(await pidFrom(attached));
  assert.equal(attached.spawned, true);
  attached.socket.destroy();
});

test('a runtime that exits at once is reported with the end of its log', async () => {
  const location = freshLocation('ws-d');
  await assert.rejects(launch(location, { FAKE_DAEMON_FAIL: 'port in use' }), (e: Error) => {
    assert.match(e.message, /^The Tunekit runtime exited with 3\./);
    assert.match(e.message, /cannot start: port in use/);
    return true;
  });
});
