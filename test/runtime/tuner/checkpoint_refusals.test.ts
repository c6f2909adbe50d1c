import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJsonLines, runCli, scratchDir } from '../cli_harness';

/** Skips the client's own check, so the driver is the one to see a file or a missing folder. */
const REFUSED_CHECKPOINTS_WORKER = `
import os, tempfile, tunekit
tunekit._checkpoint_path = lambda c: c
tunekit.report({"step": 1})
with tempfile.TemporaryDirectory() as d:
    os.symlink("/etc/passwd", os.path.join(d, "leak"))
    for checkpoint in [d, "/etc/passwd", os.path.join(d, "gone")]:
        try:
            tunekit.report({"step": 2}, checkpoint=checkpoint)
        except tunekit.ReportError as err:
            print("REFUSED", err, flush=True)
tunekit.report({"step": 2})
`;

describe('a refused checkpoint', () => {
  it('is journaled with its reason, and shown by the CLI, not only answered to the worker', async () => {
    const { dir, cleanup } = scratchDir({
      'worker.py': REFUSED_CHECKPOINTS_WORKER,
      'refused.tune.yaml': 'trainer:\n  command: [python3, worker.py]\n  scaling_config: {trainer_resources: {CPU: 0}}\nrun_config: {name: refused}\n',
    });
    try {
      const run = await runCli(['run', join(dir, 'refused.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const summary = JSON.parse(run.stdout);
      const refused = readJsonLines(join(summary.experiment_path, 'events.jsonl')).filter((e) => e.type === 'checkpoint_refused');
      assert.deepEqual(
        refused.map((e) => [e.trial_id, e.iteration]),
        [0, 1, 2].map(() => [summary.trials[0].trial_id, 2]),
      );
      assert.match(String(refused[0].reason), /points outside it/);
      assert.match(String(refused[1].reason), /\/etc\/passwd is not a readable directory/);
      assert.match(String(refused[2].reason), /gone is not a readable directory/);
      assert.equal((run.stderr.match(/: checkpoint refused, so the report was not recorded: /g) ?? []).length, 3, run.stderr);
      assert.equal(summary.trials[0].iterations, 2, 'the refused reports were not recorded');
    } finally {
      cleanup();
    }
  });
});
