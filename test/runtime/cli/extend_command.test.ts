import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, scratchDir } from '../cli_harness';
import { tinySpec, WORKER } from '../server/daemon_harness';

describe('tunekit extend', () => {
  it('continues a finished trial with --set, and refuses a wrong trial or setting with exit 2', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': WORKER, 'tiny.tune.yaml': tinySpec('tiny', 2, 0) });
    try {
      const run = await runCli(['run', join(dir, 'tiny.tune.yaml'), '--json'], { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      const { experiment_path: path, trials } = JSON.parse(run.stdout) as { experiment_path: string; trials: Array<{ trial_id: string }> };
      const id = trials[0].trial_id;

      const unknown = await runCli(['extend', path, '--trial', 'nothing', '--max-iterations', '4']);
      assert.equal(unknown.code, 2, unknown.stderr);
      assert.match(unknown.stderr, /there is no trial "nothing"/);
      const malformed = await runCli(['extend', path, '--trial', id, '--max-iterations', '4', '--set', 'train_loop_config.lr']);
      assert.equal(malformed.code, 2, malformed.stderr);
      assert.match(malformed.stderr, /needs path=value/);

      const extended = await runCli(['extend', path, '--trial', id, '--max-iterations', '4', '--set', 'train_loop_config.lr=6', '--json']);
      assert.equal(extended.code, 0, extended.stderr);
      const after = (JSON.parse(extended.stdout) as { trials: Array<{ trial_id: string; iterations: number; config: { train_loop_config: { lr: number } }; last_result: { loss: number } }> }).trials.find((t) => t.trial_id === id)!;
      assert.equal(after.iterations, 4);
      assert.equal(after.config.train_loop_config.lr, 6);
      assert.ok(Math.abs(after.last_result.loss - 6 / 4) < 1e-9, JSON.stringify(after.last_result));
    } finally {
      cleanup();
    }
  });
});
