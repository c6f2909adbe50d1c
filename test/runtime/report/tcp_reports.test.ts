// TCP reporting exists for trials whose ranks are on several cluster nodes (backend: slurm,
// nodes > 1): one named interface, never the wildcard, and the same token and protocol.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ReportServer, type WorkerReport } from '../../../runtime/report/report_server';
import { nodeClientModule, runPython, runWorker, steadyPythonWorker } from './report_harness';

async function tcpServer(reports: WorkerReport[], rejected: string[]) {
  const token = randomBytes(32).toString('hex');
  const server = await ReportServer.listenTcp('127.0.0.1', {
    token,
    worldSize: 1,
    onReport: async (r) => {
      reports.push(r);
      return { checkpoint_dir_name: null };
    },
    onRejected: (what) => rejected.push(what),
  });
  return { server, token };
}

test('a TCP report server listens on the one address it was given and the Python and Node clients report to it', async () => {
  const reports: WorkerReport[] = [];
  const { server, token } = await tcpServer(reports, []);
  try {
    assert.match(server.socketPath, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const env = { TUNEKIT_REPORT_SOCKET: server.socketPath, TUNEKIT_REPORT_TOKEN: token, RANK: '0', WORLD_SIZE: '1' };
    const py = await runPython(steadyPythonWorker, env, ['5']);
    assert.equal(py.code, 0, py.stderr);
    const node = await runWorker([process.execPath, '-e', `const t = require(${JSON.stringify(nodeClientModule)}); (async () => { await t.report({ step: 1 }); })()`], env);
    assert.equal(node.code, 0, node.stderr);
    assert.equal(reports.length, 6);
  } finally {
    await server.close();
  }
});

test('a TCP report server refuses a worker with the wrong token, and refuses to listen on every interface', async () => {
  const reports: WorkerReport[] = [];
  const rejected: string[] = [];
  const { server } = await tcpServer(reports, rejected);
  try {
    const env = { TUNEKIT_REPORT_SOCKET: server.socketPath, TUNEKIT_REPORT_TOKEN: 'f'.repeat(64), RANK: '0', WORLD_SIZE: '1' };
    const py = await runPython(steadyPythonWorker, env, ['1']);
    assert.notEqual(py.code, 0);
    assert.match(py.stderr, /refused this worker/);
    assert.equal(reports.length, 0);
  } finally {
    await server.close();
  }
  await assert.rejects(ReportServer.listenTcp('0.0.0.0', { token: 'x', worldSize: 1, onReport: async () => ({ checkpoint_dir_name: null }) }), /one interface/);
});
