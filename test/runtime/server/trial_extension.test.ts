import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ResponseError } from 'vscode-languageserver/node';
import { RuntimeRequests, type ExperimentSummary, type MetricPoint, type TrialSummary } from '../../../protocol/runtime_api';
import { attach, spawnDaemon, tinySpec, waitFor, workspace, type Client } from './daemon_harness';

function finished(client: Client, path: string): ExperimentSummary | undefined {
  return client.deltas.flatMap((d) => d.experiments).find((e) => e.path === path && e.state !== 'running');
}

function latestTrials(client: Client): Map<string, TrialSummary> {
  const latest = new Map<string, TrialSummary>();
  for (const d of client.deltas) for (const t of d.trials) latest.set(t.id, t);
  return latest;
}

async function refusal(client: Client, params: object): Promise<ResponseError> {
  return client.rpc.sendRequest(RuntimeRequests.extendTrial.method, params).then(
    () => assert.fail('the extension must be refused'),
    (err: ResponseError) => err,
  );
}

describe('extending a trial from the editor', () => {
  it('continues a finished trial with changed settings, as tunekit extend --set does', async () => {
    const ws = workspace();
    const spec = join(ws.dir, 'tiny.tune.yaml');
    writeFileSync(spec, tinySpec('tiny', 2, 0));
    const daemon = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '1']);
    try {
      const client = await attach(ws.socket);
      const { experimentPath } = await client.rpc.sendRequest<{ experimentPath: string }>(RuntimeRequests.runExperiment.method, { specPath: spec });
      await waitFor(() => finished(client, experimentPath), 20_000, 'the experiment to finish');
      const trial = [...latestTrials(client).values()].find((t) => t.config.train_loop_config && (t.config.train_loop_config as { lr: number }).lr === 0.1)!;

      const unknown = await refusal(client, { experimentPath, trialId: 'nothing', maxIterations: 4 });
      assert.equal(unknown.code, -32602);
      assert.match(unknown.message, /^There is no trial "nothing" in /);
      const malformed = await refusal(client, { experimentPath, trialId: trial.id, maxIterations: 4, settings: ['train_loop_config.lr'] });
      assert.equal(malformed.code, -32602);
      assert.match(malformed.message, /needs path=value/);
      assert.equal(existsSync(join(experimentPath, '.tunekit.lock')), false, 'nothing was started');

      client.deltas.length = 0;
      await client.rpc.sendRequest(RuntimeRequests.extendTrial.method, { experimentPath, trialId: trial.id, maxIterations: 4, settings: ['train_loop_config.lr=6'] });
      await waitFor(() => finished(client, experimentPath), 20_000, 'the extension to finish');
      const extended = latestTrials(client).get(trial.id)!;
      assert.equal(extended.status, 'TERMINATED', extended.endReason);
      assert.equal(extended.iteration, 4);
      assert.equal((extended.config.train_loop_config as { lr: number }).lr, 6);
      const { points } = await client.rpc.sendRequest<{ points: MetricPoint[] }>(RuntimeRequests.trialHistory.method, { experimentPath, trialId: trial.id });
      assert.deepEqual(points.map((p) => p.iteration), [1, 2, 3, 4]);
      assert.ok(Math.abs(points[3].values.loss - 6 / 4) < 1e-9, `loss at 4 after the change: ${JSON.stringify(points[3])}`);
      await client.close();
      assert.equal((await daemon.exited).code, 0);
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });
});
