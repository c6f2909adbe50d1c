/**
 * A trial's report socket takes reports only from that trial's workers: a connection that
 * says hello with another trial's token, with none, or reports without a hello is refused,
 * and nothing it sent reaches the trial's results.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, scratchDir, readJsonLines } from '../runtime/cli_harness';
import { journal, liveWorkerPids } from '../runtime/faults/fault_harness';
import { waitFor } from '../runtime/server/daemon_harness';
import { environOf } from './process_sockets';

const WORKER = `
import time, tunekit
for i in range(1, 31):
    time.sleep(0.1)
    tunekit.report({"i": i})
`;

const SPEC = `
trainer:
  command: [python3, worker.py]
  scaling_config: {num_workers: 1, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
param_space:
  train_loop_config: {x: {grid_search: [1, 2]}}
tune_config: {max_concurrent_trials: 2}
run_config: {name: tokens}
`;

/** Sends lines on a fresh connection and returns what the server answered before it closed. */
function converse(socketPath: string, lines: unknown[]): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    let text = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`the report server kept the connection open: ${text}`));
    }, 5000);
    sock.on('connect', () => sock.write(lines.map((l) => `${JSON.stringify(l)}\n`).join('')));
    sock.on('data', (d) => (text += d));
    sock.on('error', () => undefined); // a reset after the refusal still ends in 'close'
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
    });
  });
}

describe('report socket authentication', () => {
  it('a report sent with another trial’s token, with none, or without a hello is refused and recorded nowhere', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': WORKER, 'tokens.tune.yaml': SPEC });
    try {
      const running = runCli(['run', join(dir, 'tokens.tune.yaml'), '--json'], { timeoutMs: 60_000 });
      const experimentPath = join(dir, 'tunekit_results', 'tokens');
      const [a, b] = await waitFor(() => {
        const pids = liveWorkerPids(experimentPath);
        if (pids.length !== 2) return undefined;
        // A warm-started worker writes its own variables into its environment block just after the fork.
        const envs = pids.map(environOf);
        return envs.every((e) => e.TUNEKIT_REPORT_TOKEN && e.TUNEKIT_REPORT_SOCKET) ? envs : undefined;
      }, 20_000, 'both trials’ workers');
      assert.notEqual(a.TUNEKIT_REPORT_SOCKET, b.TUNEKIT_REPORT_SOCKET);
      assert.notEqual(a.TUNEKIT_REPORT_TOKEN, b.TUNEKIT_REPORT_TOKEN);
      const forged = { type: 'report', seq: 1000, metrics: { i: -1, forged: 1 }, checkpoint: null };

      const otherToken = await converse(a.TUNEKIT_REPORT_SOCKET, [{ type: 'hello', token: b.TUNEKIT_REPORT_TOKEN, rank: 0, pid: process.pid, version: 1 }, forged]);
      assert.deepEqual(otherToken, [{ type: 'error', error: 'wrong token' }]);
      const noToken = await converse(a.TUNEKIT_REPORT_SOCKET, [{ type: 'hello', rank: 0, pid: process.pid, version: 1 }, forged]);
      assert.equal(noToken.length, 1);
      assert.equal(noToken[0].type, 'error');
      assert.match(String(noToken[0].error), /token/);
      const noHello = await converse(b.TUNEKIT_REPORT_SOCKET, [forged]);
      assert.deepEqual(noHello, [{ type: 'error', error: 'the first message must be a hello' }]);

      const run = await running;
      assert.equal(run.code, 0, run.stderr);
      const summary = JSON.parse(run.stdout) as { trials: Array<{ status: string; path: string }> };
      for (const trial of summary.trials) {
        assert.equal(trial.status, 'TERMINATED');
        const rows = readJsonLines(join(trial.path, 'result.json'));
        assert.deepEqual(rows.map((r) => r.i), Array.from({ length: 30 }, (_, k) => k + 1), 'only the worker’s own reports were recorded');
        assert.ok(!readFileSync(join(trial.path, 'progress.csv'), 'utf8').includes('forged'));
      }
      assert.ok(!journal(experimentPath).some((e) => JSON.stringify(e).includes('forged')));
    } finally {
      cleanup();
    }
  });
});
